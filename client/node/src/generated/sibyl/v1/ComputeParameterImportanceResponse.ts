// Original file: ../../proto/sibyl/v1/study_service.proto

import type { ParameterImportance as _sibyl_v1_ParameterImportance, ParameterImportance__Output as _sibyl_v1_ParameterImportance__Output } from '../../sibyl/v1/ParameterImportance';
import type { ImportanceMethod as _sibyl_v1_ImportanceMethod, ImportanceMethod__Output as _sibyl_v1_ImportanceMethod__Output } from '../../sibyl/v1/ImportanceMethod';
import type { Long } from '@grpc/proto-loader';

export interface ComputeParameterImportanceResponse {
  /**
   * Every parameter of the spec, most important first.
   */
  'importances'?: (_sibyl_v1_ParameterImportance)[];
  /**
   * How the importances were estimated.
   */
  'method'?: (_sibyl_v1_ImportanceMethod);
  /**
   * The metric explained.
   */
  'metric'?: (string);
  /**
   * The finished trials with a value of the metric that the estimate used.
   */
  'trialCount'?: (number | string | Long);
}

export interface ComputeParameterImportanceResponse__Output {
  /**
   * Every parameter of the spec, most important first.
   */
  'importances': (_sibyl_v1_ParameterImportance__Output)[];
  /**
   * How the importances were estimated.
   */
  'method': (_sibyl_v1_ImportanceMethod__Output);
  /**
   * The metric explained.
   */
  'metric': (string);
  /**
   * The finished trials with a value of the metric that the estimate used.
   */
  'trialCount': (string);
}
