// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface CheckTrialEarlyStoppingResponse {
  /**
   * True when the worker should stop training and complete the trial.
   */
  'shouldStop'?: (boolean);
  /**
   * Why, in words (e.g. "best value 0.41 at step 6 is worse than the median 0.32
   * of 5 trials"); empty when should_stop is false.
   */
  'reason'?: (string);
  /**
   * The trial after the decision (STOPPING when should_stop, unless the lease
   * was lost).
   */
  'trial'?: (_sibyl_v1_Trial | null);
  /**
   * True when the request's `client_id` no longer holds the trial: its lease
   * expired and the trial went to another worker. The worker should drop the
   * trial without completing it (`should_stop` is true too).
   */
  'leaseLost'?: (boolean);
}

export interface CheckTrialEarlyStoppingResponse__Output {
  /**
   * True when the worker should stop training and complete the trial.
   */
  'shouldStop': (boolean);
  /**
   * Why, in words (e.g. "best value 0.41 at step 6 is worse than the median 0.32
   * of 5 trials"); empty when should_stop is false.
   */
  'reason': (string);
  /**
   * The trial after the decision (STOPPING when should_stop, unless the lease
   * was lost).
   */
  'trial': (_sibyl_v1_Trial__Output | null);
  /**
   * True when the request's `client_id` no longer holds the trial: its lease
   * expired and the trial went to another worker. The worker should drop the
   * trial without completing it (`should_stop` is true too).
   */
  'leaseLost': (boolean);
}
