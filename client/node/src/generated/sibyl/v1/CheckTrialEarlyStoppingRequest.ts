// Original file: ../../proto/sibyl/v1/study_service.proto


export interface CheckTrialEarlyStoppingRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name'?: (string);
}

export interface CheckTrialEarlyStoppingRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name': (string);
}
