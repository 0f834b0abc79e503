// Original file: ../../proto/sibyl/v1/study_service.proto

/**
 * How much of each trial a listing returns (AIP-157).
 */
export const TrialView = {
  /**
   * Not set: TRIAL_VIEW_FULL, what a listing returned before views existed.
   */
  TRIAL_VIEW_UNSPECIFIED: 'TRIAL_VIEW_UNSPECIFIED',
  /**
   * Every field but `measurements` (the intermediate measurements), which is left
   * empty. What a table, an optimization history or a Pareto front needs; for a
   * study reporting a learning curve per trial, several times less to read and
   * send.
   */
  TRIAL_VIEW_BASIC: 'TRIAL_VIEW_BASIC',
  /**
   * Every field.
   */
  TRIAL_VIEW_FULL: 'TRIAL_VIEW_FULL',
} as const;

/**
 * How much of each trial a listing returns (AIP-157).
 */
export type TrialView =
  /**
   * Not set: TRIAL_VIEW_FULL, what a listing returned before views existed.
   */
  | 'TRIAL_VIEW_UNSPECIFIED'
  | 0
  /**
   * Every field but `measurements` (the intermediate measurements), which is left
   * empty. What a table, an optimization history or a Pareto front needs; for a
   * study reporting a learning curve per trial, several times less to read and
   * send.
   */
  | 'TRIAL_VIEW_BASIC'
  | 1
  /**
   * Every field.
   */
  | 'TRIAL_VIEW_FULL'
  | 2

/**
 * How much of each trial a listing returns (AIP-157).
 */
export type TrialView__Output = typeof TrialView[keyof typeof TrialView]
