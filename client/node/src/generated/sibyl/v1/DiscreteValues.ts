// Original file: ../../proto/sibyl/v1/study.proto


/**
 * Domain of a DISCRETE parameter.
 */
export interface DiscreteValues {
  /**
   * The allowed numbers: 1 to 10,000 distinct finite values, in any order (the
   * server stores them ascending), no two within 1e-9 of the larger's magnitude. A
   * number sent for the parameter (or in a condition on it) within that tolerance of
   * a value is that value (0.333333333333 is 1/3).
   */
  'values'?: (number | string)[];
}

/**
 * Domain of a DISCRETE parameter.
 */
export interface DiscreteValues__Output {
  /**
   * The allowed numbers: 1 to 10,000 distinct finite values, in any order (the
   * server stores them ascending), no two within 1e-9 of the larger's magnitude. A
   * number sent for the parameter (or in a condition on it) within that tolerance of
   * a value is that value (0.333333333333 is 1/3).
   */
  'values': (number)[];
}
