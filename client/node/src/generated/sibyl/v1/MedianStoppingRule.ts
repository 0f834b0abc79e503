// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The median stopping rule.
 */
export interface MedianStoppingRule {
  /**
   * No trial is stopped before this step. 0 or more; unset: 0. Set to 0 explicitly,
   * it differs from a stored policy's other value (a client comparing specs tells
   * "0" from "unset, the stored one").
   */
  'minStep'?: (number | string | Long);
  /**
   * No trial is stopped until this many trials have measurements at its step.
   * Unset or 0: 3.
   */
  'minTrials'?: (number);
  '_minStep'?: "minStep";
}

/**
 * The median stopping rule.
 */
export interface MedianStoppingRule__Output {
  /**
   * No trial is stopped before this step. 0 or more; unset: 0. Set to 0 explicitly,
   * it differs from a stored policy's other value (a client comparing specs tells
   * "0" from "unset, the stored one").
   */
  'minStep'?: (string);
  /**
   * No trial is stopped until this many trials have measurements at its step.
   * Unset or 0: 3.
   */
  'minTrials': (number);
  '_minStep'?: "minStep";
}
