// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface AddTrialMeasurementResponse {
  /**
   * The trial with the measurement added.
   */
  'trial'?: (_sibyl_v1_Trial | null);
}

export interface AddTrialMeasurementResponse__Output {
  /**
   * The trial with the measurement added.
   */
  'trial': (_sibyl_v1_Trial__Output | null);
}
