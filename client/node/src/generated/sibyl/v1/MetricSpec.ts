// Original file: ../../proto/sibyl/v1/study.proto

import type { Goal as _sibyl_v1_Goal, Goal__Output as _sibyl_v1_Goal__Output } from '../../sibyl/v1/Goal';
import type { OutcomeConstraint as _sibyl_v1_OutcomeConstraint, OutcomeConstraint__Output as _sibyl_v1_OutcomeConstraint__Output } from '../../sibyl/v1/OutcomeConstraint';

/**
 * A metric that trials report: an objective (with a goal) or an outcome
 * constraint (with a constraint), never both.
 */
export interface MetricSpec {
  /**
   * Name used in measurements. Required: same rules as parameter names; unique
   * in the study.
   */
  'name'?: (string);
  /**
   * Objectives: whether smaller or larger values are better. Required for
   * objectives (UNSPECIFIED is rejected); must be unset for constraints.
   */
  'goal'?: (_sibyl_v1_Goal);
  /**
   * Makes the metric an outcome constraint instead of an objective: a trial is
   * feasible only if its value is within the bounds (e.g. memory_gb <= 8). Only
   * feasible trials can be optimal; algorithms favour configurations likely to
   * satisfy every constraint.
   */
  'constraint'?: (_sibyl_v1_OutcomeConstraint | null);
  /**
   * Objectives of multi-objective studies: this objective's coordinate of the
   * reference point, the worst value still worth having; hypervolume is measured
   * from it. Unset: inferred from the observations.
   */
  'referenceValue'?: (number | string);
  '_referenceValue'?: "referenceValue";
}

/**
 * A metric that trials report: an objective (with a goal) or an outcome
 * constraint (with a constraint), never both.
 */
export interface MetricSpec__Output {
  /**
   * Name used in measurements. Required: same rules as parameter names; unique
   * in the study.
   */
  'name': (string);
  /**
   * Objectives: whether smaller or larger values are better. Required for
   * objectives (UNSPECIFIED is rejected); must be unset for constraints.
   */
  'goal': (_sibyl_v1_Goal__Output);
  /**
   * Makes the metric an outcome constraint instead of an objective: a trial is
   * feasible only if its value is within the bounds (e.g. memory_gb <= 8). Only
   * feasible trials can be optimal; algorithms favour configurations likely to
   * satisfy every constraint.
   */
  'constraint': (_sibyl_v1_OutcomeConstraint__Output | null);
  /**
   * Objectives of multi-objective studies: this objective's coordinate of the
   * reference point, the worst value still worth having; hypervolume is measured
   * from it. Unset: inferred from the observations.
   */
  'referenceValue'?: (number);
  '_referenceValue'?: "referenceValue";
}
