// Original file: ../../proto/sibyl/v1/trial.proto

import type { Long } from '@grpc/proto-loader';

/**
 * A parameter's value. The field set must match the parameter's type: DOUBLE and
 * DISCRETE parameters take `double_value` (for DISCRETE, one of the listed
 * values), INTEGER parameters `int_value`, CATEGORICAL parameters `string_value`.
 * Requests may also give an integral `double_value` for an INTEGER parameter.
 */
export interface ParameterValue {
  /**
   * Value of a DOUBLE or DISCRETE parameter. Finite.
   */
  'doubleValue'?: (number | string);
  /**
   * Value of an INTEGER parameter.
   */
  'intValue'?: (number | string | Long);
  /**
   * Value of a CATEGORICAL parameter.
   */
  'stringValue'?: (string);
  /**
   * The value; exactly one is set.
   */
  'kind'?: "doubleValue"|"intValue"|"stringValue";
}

/**
 * A parameter's value. The field set must match the parameter's type: DOUBLE and
 * DISCRETE parameters take `double_value` (for DISCRETE, one of the listed
 * values), INTEGER parameters `int_value`, CATEGORICAL parameters `string_value`.
 * Requests may also give an integral `double_value` for an INTEGER parameter.
 */
export interface ParameterValue__Output {
  /**
   * Value of a DOUBLE or DISCRETE parameter. Finite.
   */
  'doubleValue'?: (number);
  /**
   * Value of an INTEGER parameter.
   */
  'intValue'?: (string);
  /**
   * Value of a CATEGORICAL parameter.
   */
  'stringValue'?: (string);
  /**
   * The value; exactly one is set.
   */
  'kind'?: "doubleValue"|"intValue"|"stringValue";
}
