// Original file: ../../proto/sibyl/v1/study.proto

/**
 * Direction of optimization.
 */
export const Goal = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  GOAL_UNSPECIFIED: 'GOAL_UNSPECIFIED',
  /**
   * Smaller is better (loss, error, latency).
   */
  GOAL_MINIMIZE: 'GOAL_MINIMIZE',
  /**
   * Larger is better (accuracy, reward).
   */
  GOAL_MAXIMIZE: 'GOAL_MAXIMIZE',
} as const;

/**
 * Direction of optimization.
 */
export type Goal =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'GOAL_UNSPECIFIED'
  | 0
  /**
   * Smaller is better (loss, error, latency).
   */
  | 'GOAL_MINIMIZE'
  | 1
  /**
   * Larger is better (accuracy, reward).
   */
  | 'GOAL_MAXIMIZE'
  | 2

/**
 * Direction of optimization.
 */
export type Goal__Output = typeof Goal[keyof typeof Goal]
