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
   * At each rung, keep the best 1/reduction_factor. Unset or 0: 3. Between 2 and 100.
   */
  'reductionFactor'?: (number | string);
  /**
   * Hyperband's brackets: trial n (its `Trial.id`) is first compared at step
   * min_step * reduction_factor^(n mod brackets), and only against the trials of
   * its bracket (those whose id has the same remainder), so that some trials run
   * further before they are judged. Unset or 0: 1 (one bracket: plain ASHA). At
   * most 10.
   */
  'brackets'?: (number);
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
   * At each rung, keep the best 1/reduction_factor. Unset or 0: 3. Between 2 and 100.
   */
  'reductionFactor': (number);
  /**
   * Hyperband's brackets: trial n (its `Trial.id`) is first compared at step
   * min_step * reduction_factor^(n mod brackets), and only against the trials of
   * its bracket (those whose id has the same remainder), so that some trials run
   * further before they are judged. Unset or 0: 1 (one bracket: plain ASHA). At
   * most 10.
   */
  'brackets': (number);
}
