// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface ListOptimalTrialsResponse {
  /**
   * The best completed trials (one for a single objective); empty if none.
   */
  'optimalTrials'?: (_sibyl_v1_Trial)[];
}

export interface ListOptimalTrialsResponse__Output {
  /**
   * The best completed trials (one for a single objective); empty if none.
   */
  'optimalTrials': (_sibyl_v1_Trial__Output)[];
}
