// Original file: ../../proto/sibyl/v1/study_service.proto


export interface GetStudyRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name'?: (string);
}

export interface GetStudyRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name': (string);
}
