// Original file: ../../proto/sibyl/v1/study.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Learning-curve extrapolation.
 */
export interface LearningCurveRule {
  /**
   * The step the final value is predicted at (the training's length). Required,
   * above min_step (so at least 4 when min_step is unset).
   */
  'finalStep'?: (number | string | Long);
  /**
   * No trial is stopped before this step; the curve needs a few points. Unset or
   * 0: 3.
   */
  'minStep'?: (number | string | Long);
  /**
   * No trial is stopped until this many trials have finished. Unset or 0: 3.
   */
  'minTrials'?: (number);
}

/**
 * Learning-curve extrapolation.
 */
export interface LearningCurveRule__Output {
  /**
   * The step the final value is predicted at (the training's length). Required,
   * above min_step (so at least 4 when min_step is unset).
   */
  'finalStep': (string);
  /**
   * No trial is stopped before this step; the curve needs a few points. Unset or
   * 0: 3.
   */
  'minStep': (string);
  /**
   * No trial is stopped until this many trials have finished. Unset or 0: 3.
   */
  'minTrials': (number);
}
