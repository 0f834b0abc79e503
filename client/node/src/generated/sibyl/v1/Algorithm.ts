// Original file: ../../proto/sibyl/v1/study.proto

/**
 * The algorithm that proposes new trials.
 */
export const Algorithm = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  ALGORITHM_UNSPECIFIED: 'ALGORITHM_UNSPECIFIED',
  /**
   * Bayesian optimization with a Gaussian-process model (the default of the
   * clients). Starts with quasi-random trials.
   */
  ALGORITHM_GP_BANDIT: 'ALGORITHM_GP_BANDIT',
  /**
   * Independent uniform draws (log-uniform on LOG scales).
   */
  ALGORITHM_RANDOM_SEARCH: 'ALGORITHM_RANDOM_SEARCH',
  /**
   * A scrambled Sobol sequence, seeded, continued across calls.
   */
  ALGORITHM_QUASI_RANDOM_SEARCH: 'ALGORITHM_QUASI_RANDOM_SEARCH',
  /**
   * Every combination of per-parameter grids, in a fixed order (the last
   * parameter varies fastest); the study completes when the grid is exhausted.
   */
  ALGORITHM_GRID_SEARCH: 'ALGORITHM_GRID_SEARCH',
} as const;

/**
 * The algorithm that proposes new trials.
 */
export type Algorithm =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'ALGORITHM_UNSPECIFIED'
  | 0
  /**
   * Bayesian optimization with a Gaussian-process model (the default of the
   * clients). Starts with quasi-random trials.
   */
  | 'ALGORITHM_GP_BANDIT'
  | 1
  /**
   * Independent uniform draws (log-uniform on LOG scales).
   */
  | 'ALGORITHM_RANDOM_SEARCH'
  | 2
  /**
   * A scrambled Sobol sequence, seeded, continued across calls.
   */
  | 'ALGORITHM_QUASI_RANDOM_SEARCH'
  | 3
  /**
   * Every combination of per-parameter grids, in a fixed order (the last
   * parameter varies fastest); the study completes when the grid is exhausted.
   */
  | 'ALGORITHM_GRID_SEARCH'
  | 4

/**
 * The algorithm that proposes new trials.
 */
export type Algorithm__Output = typeof Algorithm[keyof typeof Algorithm]
