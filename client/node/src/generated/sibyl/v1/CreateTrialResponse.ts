// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface CreateTrialResponse {
  /**
   * The created trial.
   */
  'trial'?: (_sibyl_v1_Trial | null);
}

export interface CreateTrialResponse__Output {
  /**
   * The created trial.
   */
  'trial': (_sibyl_v1_Trial__Output | null);
}
