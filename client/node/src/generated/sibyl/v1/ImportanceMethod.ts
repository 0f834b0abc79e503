// Original file: ../../proto/sibyl/v1/study_service.proto

/**
 * How an importance was estimated.
 */
export const ImportanceMethod = {
  /**
   * Never returned.
   */
  IMPORTANCE_METHOD_UNSPECIFIED: 'IMPORTANCE_METHOD_UNSPECIFIED',
  /**
   * Sobol indices of the posterior mean of a Gaussian process fitted to the
   * metric, estimated on random points of the whole search space.
   */
  IMPORTANCE_METHOD_GP_SOBOL: 'IMPORTANCE_METHOD_GP_SOBOL',
  /**
   * Each parameter's correlation ratio (epsilon squared) over the trials: the
   * share of the values' variance between its bins. Sees no interactions.
   */
  IMPORTANCE_METHOD_CORRELATION_RATIO: 'IMPORTANCE_METHOD_CORRELATION_RATIO',
} as const;

/**
 * How an importance was estimated.
 */
export type ImportanceMethod =
  /**
   * Never returned.
   */
  | 'IMPORTANCE_METHOD_UNSPECIFIED'
  | 0
  /**
   * Sobol indices of the posterior mean of a Gaussian process fitted to the
   * metric, estimated on random points of the whole search space.
   */
  | 'IMPORTANCE_METHOD_GP_SOBOL'
  | 1
  /**
   * Each parameter's correlation ratio (epsilon squared) over the trials: the
   * share of the values' variance between its bins. Sees no interactions.
   */
  | 'IMPORTANCE_METHOD_CORRELATION_RATIO'
  | 2

/**
 * How an importance was estimated.
 */
export type ImportanceMethod__Output = typeof ImportanceMethod[keyof typeof ImportanceMethod]
