// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Asynchronous successive halving.
 */
export interface SuccessiveHalvingRule {
  /**
   * The first rung: trials are first compared at this step. Required, at least 1.
   */
  'minStep'?: (number | string | Long);
  /**
   * At each rung, keep the best 1/reduction_factor. Unset or 0: 3. At least 2.
   */
  'reductionFactor'?: (number | string);
}

/**
 * Asynchronous successive halving.
 */
export interface SuccessiveHalvingRule__Output {
  /**
   * The first rung: trials are first compared at this step. Required, at least 1.
   */
  'minStep': (string);
  /**
   * At each rung, keep the best 1/reduction_factor. Unset or 0: 3. At least 2.
   */
  'reductionFactor': (number);
}
