// Original file: ../../proto/sibyl/v1/study.proto

import type { ScaleType as _sibyl_v1_ScaleType, ScaleType__Output as _sibyl_v1_ScaleType__Output } from '../../sibyl/v1/ScaleType';
import type { Long } from '@grpc/proto-loader';

/**
 * Domain of an INTEGER parameter: min_value, min_value + 1, ..., max_value.
 */
export interface IntegerRange {
  /**
   * Inclusive lower bound; less than max_value; at least 1 with SCALE_TYPE_LOG.
   * Within +/- 2^53 so that values round-trip through doubles.
   */
  'minValue'?: (number | string | Long);
  /**
   * Inclusive upper bound. Within +/- 2^53.
   */
  'maxValue'?: (number | string | Long);
  /**
   * How the algorithms see distances. Required (UNSPECIFIED is rejected).
   */
  'scaleType'?: (_sibyl_v1_ScaleType);
}

/**
 * Domain of an INTEGER parameter: min_value, min_value + 1, ..., max_value.
 */
export interface IntegerRange__Output {
  /**
   * Inclusive lower bound; less than max_value; at least 1 with SCALE_TYPE_LOG.
   * Within +/- 2^53 so that values round-trip through doubles.
   */
  'minValue': (string);
  /**
   * Inclusive upper bound. Within +/- 2^53.
   */
  'maxValue': (string);
  /**
   * How the algorithms see distances. Required (UNSPECIFIED is rejected).
   */
  'scaleType': (_sibyl_v1_ScaleType__Output);
}
