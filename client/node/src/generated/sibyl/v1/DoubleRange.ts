// Original file: ../../proto/sibyl/v1/study.proto

import type { ScaleType as _sibyl_v1_ScaleType, ScaleType__Output as _sibyl_v1_ScaleType__Output } from '../../sibyl/v1/ScaleType';

/**
 * Domain of a DOUBLE parameter: [min_value, max_value].
 */
export interface DoubleRange {
  /**
   * Inclusive lower bound. Finite; less than max_value; greater than 0 with
   * SCALE_TYPE_LOG.
   */
  'minValue'?: (number | string);
  /**
   * Inclusive upper bound. Finite, and so is max_value - min_value.
   */
  'maxValue'?: (number | string);
  /**
   * How the algorithms see distances. Required (UNSPECIFIED is rejected).
   */
  'scaleType'?: (_sibyl_v1_ScaleType);
}

/**
 * Domain of a DOUBLE parameter: [min_value, max_value].
 */
export interface DoubleRange__Output {
  /**
   * Inclusive lower bound. Finite; less than max_value; greater than 0 with
   * SCALE_TYPE_LOG.
   */
  'minValue': (number);
  /**
   * Inclusive upper bound. Finite, and so is max_value - min_value.
   */
  'maxValue': (number);
  /**
   * How the algorithms see distances. Required (UNSPECIFIED is rejected).
   */
  'scaleType': (_sibyl_v1_ScaleType__Output);
}
