// Original file: ../../proto/sibyl/v1/study_service.proto

import type { TrialState as _sibyl_v1_TrialState, TrialState__Output as _sibyl_v1_TrialState__Output } from '../../sibyl/v1/TrialState';
import type { TrialView as _sibyl_v1_TrialView, TrialView__Output as _sibyl_v1_TrialView__Output } from '../../sibyl/v1/TrialView';

export interface ListTrialsRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent'?: (string);
  /**
   * Only trials in these states; empty means all states. UNSPECIFIED is rejected,
   * and so is a list longer than the number of states (5).
   */
  'states'?: (_sibyl_v1_TrialState)[];
  /**
   * Maximum number of trials to return: 0 means 100; values above 1000 are
   * treated as 1000.
   */
  'pageSize'?: (number);
  /**
   * `next_page_token` of the previous response, to get the next page; empty for
   * the first page. Other request fields but `page_size` must be the same as in
   * that call (INVALID_ARGUMENT otherwise).
   */
  'pageToken'?: (string);
  /**
   * How much of each trial to return. UNSPECIFIED means TRIAL_VIEW_FULL.
   */
  'view'?: (_sibyl_v1_TrialView);
}

export interface ListTrialsRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent': (string);
  /**
   * Only trials in these states; empty means all states. UNSPECIFIED is rejected,
   * and so is a list longer than the number of states (5).
   */
  'states': (_sibyl_v1_TrialState__Output)[];
  /**
   * Maximum number of trials to return: 0 means 100; values above 1000 are
   * treated as 1000.
   */
  'pageSize': (number);
  /**
   * `next_page_token` of the previous response, to get the next page; empty for
   * the first page. Other request fields but `page_size` must be the same as in
   * that call (INVALID_ARGUMENT otherwise).
   */
  'pageToken': (string);
  /**
   * How much of each trial to return. UNSPECIFIED means TRIAL_VIEW_FULL.
   */
  'view': (_sibyl_v1_TrialView__Output);
}
