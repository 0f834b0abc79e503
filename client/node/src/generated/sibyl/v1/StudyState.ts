// Original file: ../../proto/sibyl/v1/study.proto

/**
 * Lifecycle states of a study.
 */
export const StudyState = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  STUDY_STATE_UNSPECIFIED: 'STUDY_STATE_UNSPECIFIED',
  /**
   * Trials are suggested and accepted.
   */
  STUDY_STATE_ACTIVE: 'STUDY_STATE_ACTIVE',
  /**
   * No new trials are suggested (SuggestTrials answers FAILED_PRECONDITION);
   * results of trials already handed out are still accepted.
   */
  STUDY_STATE_PAUSED: 'STUDY_STATE_PAUSED',
  /**
   * The study is finished: by the user, because `max_trials` trials finished,
   * or because the grid of a GRID_SEARCH study is exhausted. Results of trials
   * already handed out are still accepted.
   */
  STUDY_STATE_COMPLETED: 'STUDY_STATE_COMPLETED',
} as const;

/**
 * Lifecycle states of a study.
 */
export type StudyState =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'STUDY_STATE_UNSPECIFIED'
  | 0
  /**
   * Trials are suggested and accepted.
   */
  | 'STUDY_STATE_ACTIVE'
  | 1
  /**
   * No new trials are suggested (SuggestTrials answers FAILED_PRECONDITION);
   * results of trials already handed out are still accepted.
   */
  | 'STUDY_STATE_PAUSED'
  | 2
  /**
   * The study is finished: by the user, because `max_trials` trials finished,
   * or because the grid of a GRID_SEARCH study is exhausted. Results of trials
   * already handed out are still accepted.
   */
  | 'STUDY_STATE_COMPLETED'
  | 3

/**
 * Lifecycle states of a study.
 */
export type StudyState__Output = typeof StudyState[keyof typeof StudyState]
