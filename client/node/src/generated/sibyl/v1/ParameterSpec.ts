// Original file: ../../proto/sibyl/v1/study.proto

import type { DoubleRange as _sibyl_v1_DoubleRange, DoubleRange__Output as _sibyl_v1_DoubleRange__Output } from '../../sibyl/v1/DoubleRange';
import type { IntegerRange as _sibyl_v1_IntegerRange, IntegerRange__Output as _sibyl_v1_IntegerRange__Output } from '../../sibyl/v1/IntegerRange';
import type { DiscreteValues as _sibyl_v1_DiscreteValues, DiscreteValues__Output as _sibyl_v1_DiscreteValues__Output } from '../../sibyl/v1/DiscreteValues';
import type { CategoricalValues as _sibyl_v1_CategoricalValues, CategoricalValues__Output as _sibyl_v1_CategoricalValues__Output } from '../../sibyl/v1/CategoricalValues';
import type { ParentCondition as _sibyl_v1_ParentCondition, ParentCondition__Output as _sibyl_v1_ParentCondition__Output } from '../../sibyl/v1/ParentCondition';

/**
 * One dimension of the search space.
 */
export interface ParameterSpec {
  /**
   * Name used in trials' parameter maps. Required: 1 to 64 characters, letters,
   * digits, '_', '-' and '.', starting with a letter or '_'; unique in the study.
   */
  'name'?: (string);
  /**
   * A real number in a closed interval.
   */
  'doubleRange'?: (_sibyl_v1_DoubleRange | null);
  /**
   * An integer in a closed interval.
   */
  'integerRange'?: (_sibyl_v1_IntegerRange | null);
  /**
   * One of an ordered set of numbers, e.g. batch sizes 16, 32, 64, 128.
   */
  'discreteValues'?: (_sibyl_v1_DiscreteValues | null);
  /**
   * One of a set of unordered strings, e.g. optimizer sgd, adam, rmsprop.
   */
  'categoricalValues'?: (_sibyl_v1_CategoricalValues | null);
  /**
   * Makes the parameter conditional: it exists only in trials whose parent
   * parameter has one of the given values (e.g. `momentum` only when `optimizer`
   * is "sgd"). Trials then carry the parameter exactly when it is active. Parents
   * may be conditional themselves, to any depth; cycles are rejected. Unset: the
   * parameter is in every trial.
   */
  'condition'?: (_sibyl_v1_ParentCondition | null);
  /**
   * The parameter's type and domain. Exactly one must be set.
   */
  'domain'?: "doubleRange"|"integerRange"|"discreteValues"|"categoricalValues";
}

/**
 * One dimension of the search space.
 */
export interface ParameterSpec__Output {
  /**
   * Name used in trials' parameter maps. Required: 1 to 64 characters, letters,
   * digits, '_', '-' and '.', starting with a letter or '_'; unique in the study.
   */
  'name': (string);
  /**
   * A real number in a closed interval.
   */
  'doubleRange'?: (_sibyl_v1_DoubleRange__Output | null);
  /**
   * An integer in a closed interval.
   */
  'integerRange'?: (_sibyl_v1_IntegerRange__Output | null);
  /**
   * One of an ordered set of numbers, e.g. batch sizes 16, 32, 64, 128.
   */
  'discreteValues'?: (_sibyl_v1_DiscreteValues__Output | null);
  /**
   * One of a set of unordered strings, e.g. optimizer sgd, adam, rmsprop.
   */
  'categoricalValues'?: (_sibyl_v1_CategoricalValues__Output | null);
  /**
   * Makes the parameter conditional: it exists only in trials whose parent
   * parameter has one of the given values (e.g. `momentum` only when `optimizer`
   * is "sgd"). Trials then carry the parameter exactly when it is active. Parents
   * may be conditional themselves, to any depth; cycles are rejected. Unset: the
   * parameter is in every trial.
   */
  'condition': (_sibyl_v1_ParentCondition__Output | null);
  /**
   * The parameter's type and domain. Exactly one must be set.
   */
  'domain'?: "doubleRange"|"integerRange"|"discreteValues"|"categoricalValues";
}
