// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';

export interface UpdateStudyStateResponse {
  /**
   * The study in its new state.
   */
  'study'?: (_sibyl_v1_Study | null);
}

export interface UpdateStudyStateResponse__Output {
  /**
   * The study in its new state.
   */
  'study': (_sibyl_v1_Study__Output | null);
}
