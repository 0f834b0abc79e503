// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * The step of intermediate measurements as a budget.
 */
export interface Fidelity {
  /**
   * The last step: where a trial that is not stopped ends, and the step new
   * configurations are chosen for. Required, from 2 to 1,000,000.
   */
  'maxStep'?: (number | string | Long);
}

/**
 * The step of intermediate measurements as a budget.
 */
export interface Fidelity__Output {
  /**
   * The last step: where a trial that is not stopped ends, and the step new
   * configurations are chosen for. Required, from 2 to 1,000,000.
   */
  'maxStep': (string);
}
