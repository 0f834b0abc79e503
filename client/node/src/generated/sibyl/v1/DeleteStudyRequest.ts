// Original file: ../../proto/sibyl/v1/study_service.proto


export interface DeleteStudyRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name'?: (string);
}

export interface DeleteStudyRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name': (string);
}
