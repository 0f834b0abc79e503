// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';

export interface UpdateStudyResponse {
  /**
   * The study after the change.
   */
  'study'?: (_sibyl_v1_Study | null);
}

export interface UpdateStudyResponse__Output {
  /**
   * The study after the change.
   */
  'study': (_sibyl_v1_Study__Output | null);
}
