// Original file: ../../proto/sibyl/v1/study_service.proto


export interface DeleteStudyRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name'?: (string);
  /**
   * True: a study that does not exist is not an error (the call does nothing).
   * Retries set it, so that a retry after a deletion whose answer was lost
   * succeeds.
   */
  'allowMissing'?: (boolean);
}

export interface DeleteStudyRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name': (string);
  /**
   * True: a study that does not exist is not an error (the call does nothing).
   * Retries set it, so that a retry after a deletion whose answer was lost
   * succeeds.
   */
  'allowMissing': (boolean);
}
