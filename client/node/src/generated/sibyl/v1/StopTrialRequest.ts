// Original file: ../../proto/sibyl/v1/study_service.proto


export interface StopTrialRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required; it must be
   * ACTIVE or STOPPING (FAILED_PRECONDITION otherwise).
   */
  'name'?: (string);
}

export interface StopTrialRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required; it must be
   * ACTIVE or STOPPING (FAILED_PRECONDITION otherwise).
   */
  'name': (string);
}
