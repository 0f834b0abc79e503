// Original file: ../../proto/sibyl/v1/study.proto

import type { Goal as _sibyl_v1_Goal, Goal__Output as _sibyl_v1_Goal__Output } from '../../sibyl/v1/Goal';

/**
 * A metric that trials report.
 */
export interface MetricSpec {
  /**
   * Name used in measurements. Required: same rules as parameter names; unique
   * in the study.
   */
  'name'?: (string);
  /**
   * Whether smaller or larger values are better. Required (UNSPECIFIED is
   * rejected).
   */
  'goal'?: (_sibyl_v1_Goal);
}

/**
 * A metric that trials report.
 */
export interface MetricSpec__Output {
  /**
   * Name used in measurements. Required: same rules as parameter names; unique
   * in the study.
   */
  'name': (string);
  /**
   * Whether smaller or larger values are better. Required (UNSPECIFIED is
   * rejected).
   */
  'goal': (_sibyl_v1_Goal__Output);
}
