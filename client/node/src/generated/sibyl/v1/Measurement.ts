// Original file: ../../proto/sibyl/v1/trial.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Metric values measured at one point of a trial's evaluation.
 */
export interface Measurement {
  /**
   * Metric name to value, at most 64. Values are finite (NaN and infinities are
   * rejected: complete the trial as infeasible instead). A final measurement
   * must include every metric of the spec, constraints included. Metrics the
   * spec does not name (a training loss, a throughput) are kept for people to
   * look at; the algorithms read only the spec's. Names follow the spec's
   * metric-name rules.
   */
  'metrics'?: ({[key: string]: number | string});
  /**
   * Training step (epoch, iteration) the values were taken at; 0 or more.
   * Intermediate measurements must have increasing steps.
   */
  'step'?: (number | string | Long);
  /**
   * Seconds of evaluation since the trial started; 0 or more; 0 if unknown.
   */
  'elapsedSeconds'?: (number | string);
}

/**
 * Metric values measured at one point of a trial's evaluation.
 */
export interface Measurement__Output {
  /**
   * Metric name to value, at most 64. Values are finite (NaN and infinities are
   * rejected: complete the trial as infeasible instead). A final measurement
   * must include every metric of the spec, constraints included. Metrics the
   * spec does not name (a training loss, a throughput) are kept for people to
   * look at; the algorithms read only the spec's. Names follow the spec's
   * metric-name rules.
   */
  'metrics': ({[key: string]: number});
  /**
   * Training step (epoch, iteration) the values were taken at; 0 or more.
   * Intermediate measurements must have increasing steps.
   */
  'step': (string);
  /**
   * Seconds of evaluation since the trial started; 0 or more; 0 if unknown.
   */
  'elapsedSeconds': (number);
}
