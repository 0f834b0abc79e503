// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';

export interface CreateStudyResponse {
  /**
   * The created study, with its output-only fields (and its seed) filled in.
   */
  'study'?: (_sibyl_v1_Study | null);
}

export interface CreateStudyResponse__Output {
  /**
   * The created study, with its output-only fields (and its seed) filled in.
   */
  'study': (_sibyl_v1_Study__Output | null);
}
