// Original file: ../../proto/sibyl/v1/study_service.proto


export interface ListOptimalTrialsRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent'?: (string);
}

export interface ListOptimalTrialsRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent': (string);
}
