// Original file: ../../proto/sibyl/v1/study.proto


/**
 * Domain of a CATEGORICAL parameter.
 */
export interface CategoricalValues {
  /**
   * The allowed strings: 1 to 1,000 distinct non-empty values of at most 256
   * characters each, without control characters, kept in the given order.
   */
  'values'?: (string)[];
}

/**
 * Domain of a CATEGORICAL parameter.
 */
export interface CategoricalValues__Output {
  /**
   * The allowed strings: 1 to 1,000 distinct non-empty values of at most 256
   * characters each, without control characters, kept in the given order.
   */
  'values': (string)[];
}
