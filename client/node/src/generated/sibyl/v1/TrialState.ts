// Original file: ../../proto/sibyl/v1/trial.proto

/**
 * Lifecycle states of a trial.
 */
export const TrialState = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  TRIAL_STATE_UNSPECIFIED: 'TRIAL_STATE_UNSPECIFIED',
  /**
   * Queued by a user with CreateTrial; handed out by the next SuggestTrials
   * before any new trial is computed.
   */
  TRIAL_STATE_REQUESTED: 'TRIAL_STATE_REQUESTED',
  /**
   * Handed to a worker that is evaluating it.
   */
  TRIAL_STATE_ACTIVE: 'TRIAL_STATE_ACTIVE',
  /**
   * The worker has been asked to stop early; it should complete the trial with
   * its latest measurement.
   */
  TRIAL_STATE_STOPPING: 'TRIAL_STATE_STOPPING',
  /**
   * Finished with a final measurement.
   */
  TRIAL_STATE_COMPLETED: 'TRIAL_STATE_COMPLETED',
  /**
   * Finished without a usable result (the configuration failed to train, ran out
   * of memory, ...). Algorithms avoid such configurations.
   */
  TRIAL_STATE_INFEASIBLE: 'TRIAL_STATE_INFEASIBLE',
} as const;

/**
 * Lifecycle states of a trial.
 */
export type TrialState =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'TRIAL_STATE_UNSPECIFIED'
  | 0
  /**
   * Queued by a user with CreateTrial; handed out by the next SuggestTrials
   * before any new trial is computed.
   */
  | 'TRIAL_STATE_REQUESTED'
  | 1
  /**
   * Handed to a worker that is evaluating it.
   */
  | 'TRIAL_STATE_ACTIVE'
  | 2
  /**
   * The worker has been asked to stop early; it should complete the trial with
   * its latest measurement.
   */
  | 'TRIAL_STATE_STOPPING'
  | 3
  /**
   * Finished with a final measurement.
   */
  | 'TRIAL_STATE_COMPLETED'
  | 4
  /**
   * Finished without a usable result (the configuration failed to train, ran out
   * of memory, ...). Algorithms avoid such configurations.
   */
  | 'TRIAL_STATE_INFEASIBLE'
  | 5

/**
 * Lifecycle states of a trial.
 */
export type TrialState__Output = typeof TrialState[keyof typeof TrialState]
