// Original file: ../../proto/sibyl/v1/study.proto


/**
 * A closed range of numbers; an unset end is unbounded.
 */
export interface ValueRange {
  /**
   * Smallest value in the range; unset: no lower end. Finite.
   */
  'minValue'?: (number | string);
  /**
   * Largest value in the range; unset: no upper end. Finite; not below min_value.
   */
  'maxValue'?: (number | string);
  '_minValue'?: "minValue";
  '_maxValue'?: "maxValue";
}

/**
 * A closed range of numbers; an unset end is unbounded.
 */
export interface ValueRange__Output {
  /**
   * Smallest value in the range; unset: no lower end. Finite.
   */
  'minValue'?: (number);
  /**
   * Largest value in the range; unset: no upper end. Finite; not below min_value.
   */
  'maxValue'?: (number);
  '_minValue'?: "minValue";
  '_maxValue'?: "maxValue";
}
