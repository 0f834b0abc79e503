// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The median stopping rule.
 */
export interface MedianStoppingRule {
  /**
   * No trial is stopped before this step. 0 or more; default 0.
   */
  'minStep'?: (number | string | Long);
  /**
   * No trial is stopped until this many trials have measurements at its step.
   * Unset or 0: 3.
   */
  'minTrials'?: (number);
}

/**
 * The median stopping rule.
 */
export interface MedianStoppingRule__Output {
  /**
   * No trial is stopped before this step. 0 or more; default 0.
   */
  'minStep': (string);
  /**
   * No trial is stopped until this many trials have measurements at its step.
   * Unset or 0: 3.
   */
  'minTrials': (number);
}
