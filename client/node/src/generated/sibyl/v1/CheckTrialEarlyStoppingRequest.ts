// Original file: ../../proto/sibyl/v1/study_service.proto


export interface CheckTrialEarlyStoppingRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name'?: (string);
  /**
   * The worker asking, as in SuggestTrials. Optional; when set and the trial is
   * assigned to another worker, the answer is `should_stop` with reason
   * LEASE_LOST and nothing changes.
   */
  'clientId'?: (string);
}

export interface CheckTrialEarlyStoppingRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name': (string);
  /**
   * The worker asking, as in SuggestTrials. Optional; when set and the trial is
   * assigned to another worker, the answer is `should_stop` with reason
   * LEASE_LOST and nothing changes.
   */
  'clientId': (string);
}
