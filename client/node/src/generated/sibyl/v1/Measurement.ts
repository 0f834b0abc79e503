// Original file: ../../proto/sibyl/v1/trial.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Metric values measured at one point of a trial's evaluation.
 */
export interface Measurement {
  /**
   * Metric name to value. Names are metrics of the study's spec; values are
   * finite (NaN and infinities are rejected: complete the trial as infeasible
   * instead). A final measurement must include every metric of the spec,
   * constraints included.
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
   * Metric name to value. Names are metrics of the study's spec; values are
   * finite (NaN and infinities are rejected: complete the trial as infeasible
   * instead). A final measurement must include every metric of the spec,
   * constraints included.
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
