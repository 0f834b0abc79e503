// Original file: ../../proto/sibyl/v1/study_service.proto


/**
 * How much one parameter moves the metric.
 */
export interface ParameterImportance {
  /**
   * The parameter's name.
   */
  'parameter'?: (string);
  /**
   * Its share of the metric's variation, in [0, 1]; the shares of a response sum
   * to 1 (all 0 when the metric never varied). The total effect for GP_SOBOL,
   * the correlation ratio for CORRELATION_RATIO.
   */
  'importance'?: (number | string);
  /**
   * The share of the variance it explains alone, in [0, 1].
   */
  'firstOrder'?: (number | string);
  /**
   * The share it takes part in, interactions with other parameters included, in
   * [0, 1]; unset for CORRELATION_RATIO.
   */
  'totalEffect'?: (number | string);
  '_totalEffect'?: "totalEffect";
}

/**
 * How much one parameter moves the metric.
 */
export interface ParameterImportance__Output {
  /**
   * The parameter's name.
   */
  'parameter': (string);
  /**
   * Its share of the metric's variation, in [0, 1]; the shares of a response sum
   * to 1 (all 0 when the metric never varied). The total effect for GP_SOBOL,
   * the correlation ratio for CORRELATION_RATIO.
   */
  'importance': (number);
  /**
   * The share of the variance it explains alone, in [0, 1].
   */
  'firstOrder': (number);
  /**
   * The share it takes part in, interactions with other parameters included, in
   * [0, 1]; unset for CORRELATION_RATIO.
   */
  'totalEffect'?: (number);
  '_totalEffect'?: "totalEffect";
}
