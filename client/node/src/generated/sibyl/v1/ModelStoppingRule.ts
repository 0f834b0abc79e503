// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Stopping by the fidelity model (see `Fidelity`). At each rung a trial reaches, the
 * GP over (configuration, step) predicts its value at `Fidelity.max_step` from every
 * trial's values so far. The trial stops when the probability that it ends better
 * than the best of the other trials' predicted final values is below
 * `min_probability`, or when the prediction's standard deviation is below 5% of the
 * spread of the values observed (running on would tell the model little). With
 * fewer than two finished trials nothing is stopped.
 */
export interface ModelStoppingRule {
  /**
   * The first rung. Unset or 0: 1.
   */
  'minStep'?: (number | string | Long);
  /**
   * The rungs' spacing: min_step * reduction_factor^k below max_step. Unset or 0: 3.
   * Between 2 and 100.
   */
  'reductionFactor'?: (number | string);
  /**
   * Above 0 and below 1. Unset or 0: 0.1.
   */
  'minProbability'?: (number | string);
}

/**
 * Stopping by the fidelity model (see `Fidelity`). At each rung a trial reaches, the
 * GP over (configuration, step) predicts its value at `Fidelity.max_step` from every
 * trial's values so far. The trial stops when the probability that it ends better
 * than the best of the other trials' predicted final values is below
 * `min_probability`, or when the prediction's standard deviation is below 5% of the
 * spread of the values observed (running on would tell the model little). With
 * fewer than two finished trials nothing is stopped.
 */
export interface ModelStoppingRule__Output {
  /**
   * The first rung. Unset or 0: 1.
   */
  'minStep': (string);
  /**
   * The rungs' spacing: min_step * reduction_factor^k below max_step. Unset or 0: 3.
   * Between 2 and 100.
   */
  'reductionFactor': (number);
  /**
   * Above 0 and below 1. Unset or 0: 0.1.
   */
  'minProbability': (number);
}
