// Original file: ../../proto/sibyl/v1/study.proto


/**
 * Domain of a DISCRETE parameter.
 */
export interface DiscreteValues {
  /**
   * The allowed numbers: 1 to 10,000 distinct finite values, in any order (the
   * server stores them ascending).
   */
  'values'?: (number | string)[];
}

/**
 * Domain of a DISCRETE parameter.
 */
export interface DiscreteValues__Output {
  /**
   * The allowed numbers: 1 to 10,000 distinct finite values, in any order (the
   * server stores them ascending).
   */
  'values': (number)[];
}
