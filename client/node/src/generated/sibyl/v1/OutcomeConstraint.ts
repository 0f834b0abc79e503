// Original file: ../../proto/sibyl/v1/study.proto


/**
 * Bounds a constraint metric must satisfy. At least one is set; values are finite.
 */
export interface OutcomeConstraint {
  /**
   * The metric must be at most this.
   */
  'upperBound'?: (number | string);
  /**
   * The metric must be at least this.
   */
  'lowerBound'?: (number | string);
  '_upperBound'?: "upperBound";
  '_lowerBound'?: "lowerBound";
}

/**
 * Bounds a constraint metric must satisfy. At least one is set; values are finite.
 */
export interface OutcomeConstraint__Output {
  /**
   * The metric must be at most this.
   */
  'upperBound'?: (number);
  /**
   * The metric must be at least this.
   */
  'lowerBound'?: (number);
  '_upperBound'?: "upperBound";
  '_lowerBound'?: "lowerBound";
}
