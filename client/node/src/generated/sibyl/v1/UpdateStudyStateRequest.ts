// Original file: ../../proto/sibyl/v1/study_service.proto

import type { StudyState as _sibyl_v1_StudyState, StudyState__Output as _sibyl_v1_StudyState__Output } from '../../sibyl/v1/StudyState';

export interface UpdateStudyStateRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name'?: (string);
  /**
   * The new state. Required (UNSPECIFIED is rejected).
   */
  'state'?: (_sibyl_v1_StudyState);
}

export interface UpdateStudyStateRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'name': (string);
  /**
   * The new state. Required (UNSPECIFIED is rejected).
   */
  'state': (_sibyl_v1_StudyState__Output);
}
