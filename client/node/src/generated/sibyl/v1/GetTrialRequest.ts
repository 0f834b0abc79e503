// Original file: ../../proto/sibyl/v1/study_service.proto


export interface GetTrialRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name'?: (string);
}

export interface GetTrialRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name': (string);
}
