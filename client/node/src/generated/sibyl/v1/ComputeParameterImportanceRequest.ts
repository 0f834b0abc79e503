// Original file: ../../proto/sibyl/v1/study_service.proto


export interface ComputeParameterImportanceRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent'?: (string);
  /**
   * The metric to explain: any metric of the spec, or one the trials reported
   * beside it. Optional; the first objective when empty.
   */
  'metric'?: (string);
}

export interface ComputeParameterImportanceRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent': (string);
  /**
   * The metric to explain: any metric of the spec, or one the trials reported
   * beside it. Optional; the first objective when empty.
   */
  'metric': (string);
}
