// Original file: ../../proto/sibyl/v1/study_service.proto


export interface SuggestTrialsRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent'?: (string);
  /**
   * Number of trials wanted: 1 to 1000. Required.
   */
  'count'?: (number);
  /**
   * Identifies the worker asking: the same id gets its unfinished trials back
   * (e.g. after a restart) and renews their leases. Required: 1 to 128 printable
   * characters.
   */
  'clientId'?: (string);
}

export interface SuggestTrialsRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent': (string);
  /**
   * Number of trials wanted: 1 to 1000. Required.
   */
  'count': (number);
  /**
   * Identifies the worker asking: the same id gets its unfinished trials back
   * (e.g. after a restart) and renews their leases. Required: 1 to 128 printable
   * characters.
   */
  'clientId': (string);
}
