// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';
import type { Long } from '@grpc/proto-loader';

export interface ListOptimalTrialsResponse {
  /**
   * The best feasible completed trials (one for a single objective, the Pareto
   * front for several); empty if none.
   */
  'optimalTrials'?: (_sibyl_v1_Trial)[];
  /**
   * Number of COMPLETED trials that satisfy every outcome constraint. 0 with
   * completed trials means nothing feasible has been found yet.
   */
  'feasibleTrialCount'?: (number | string | Long);
  /**
   * Number of COMPLETED trials.
   */
  'completedTrialCount'?: (number | string | Long);
}

export interface ListOptimalTrialsResponse__Output {
  /**
   * The best feasible completed trials (one for a single objective, the Pareto
   * front for several); empty if none.
   */
  'optimalTrials': (_sibyl_v1_Trial__Output)[];
  /**
   * Number of COMPLETED trials that satisfy every outcome constraint. 0 with
   * completed trials means nothing feasible has been found yet.
   */
  'feasibleTrialCount': (string);
  /**
   * Number of COMPLETED trials.
   */
  'completedTrialCount': (string);
}
