// Original file: ../../proto/sibyl/v1/study.proto

import type { CategoricalValues as _sibyl_v1_CategoricalValues, CategoricalValues__Output as _sibyl_v1_CategoricalValues__Output } from '../../sibyl/v1/CategoricalValues';
import type { DiscreteValues as _sibyl_v1_DiscreteValues, DiscreteValues__Output as _sibyl_v1_DiscreteValues__Output } from '../../sibyl/v1/DiscreteValues';
import type { ValueRange as _sibyl_v1_ValueRange, ValueRange__Output as _sibyl_v1_ValueRange__Output } from '../../sibyl/v1/ValueRange';

/**
 * When a conditional parameter is active: its parent's value is one of these.
 */
export interface ParentCondition {
  /**
   * Name of the parent parameter. Required; it must be another parameter of the
   * spec.
   */
  'parent'?: (string);
  /**
   * For a CATEGORICAL parent: some of its categories.
   */
  'categories'?: (_sibyl_v1_CategoricalValues | null);
  /**
   * For a DISCRETE or INTEGER parent: some of its values.
   */
  'numbers'?: (_sibyl_v1_DiscreteValues | null);
  /**
   * For a numeric parent: every value in this range (e.g. n_layers >= 3).
   */
  'range'?: (_sibyl_v1_ValueRange | null);
  /**
   * The parent values that make the child active. Exactly one must be set, of a
   * kind that fits the parent's type.
   */
  'values'?: "categories"|"numbers"|"range";
}

/**
 * When a conditional parameter is active: its parent's value is one of these.
 */
export interface ParentCondition__Output {
  /**
   * Name of the parent parameter. Required; it must be another parameter of the
   * spec.
   */
  'parent': (string);
  /**
   * For a CATEGORICAL parent: some of its categories.
   */
  'categories'?: (_sibyl_v1_CategoricalValues__Output | null);
  /**
   * For a DISCRETE or INTEGER parent: some of its values.
   */
  'numbers'?: (_sibyl_v1_DiscreteValues__Output | null);
  /**
   * For a numeric parent: every value in this range (e.g. n_layers >= 3).
   */
  'range'?: (_sibyl_v1_ValueRange__Output | null);
  /**
   * The parent values that make the child active. Exactly one must be set, of a
   * kind that fits the parent's type.
   */
  'values'?: "categories"|"numbers"|"range";
}
