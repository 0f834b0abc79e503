// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface StopTrialResponse {
  /**
   * The trial, now STOPPING.
   */
  'trial'?: (_sibyl_v1_Trial | null);
}

export interface StopTrialResponse__Output {
  /**
   * The trial, now STOPPING.
   */
  'trial': (_sibyl_v1_Trial__Output | null);
}
