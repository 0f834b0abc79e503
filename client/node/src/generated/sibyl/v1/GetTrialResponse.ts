// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface GetTrialResponse {
  /**
   * The trial.
   */
  'trial'?: (_sibyl_v1_Trial | null);
}

export interface GetTrialResponse__Output {
  /**
   * The trial.
   */
  'trial': (_sibyl_v1_Trial__Output | null);
}
