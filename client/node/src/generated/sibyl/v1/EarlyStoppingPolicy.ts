// Original file: ../../proto/sibyl/v1/study.proto

import type { MedianStoppingRule as _sibyl_v1_MedianStoppingRule, MedianStoppingRule__Output as _sibyl_v1_MedianStoppingRule__Output } from '../../sibyl/v1/MedianStoppingRule';
import type { SuccessiveHalvingRule as _sibyl_v1_SuccessiveHalvingRule, SuccessiveHalvingRule__Output as _sibyl_v1_SuccessiveHalvingRule__Output } from '../../sibyl/v1/SuccessiveHalvingRule';
import type { LearningCurveRule as _sibyl_v1_LearningCurveRule, LearningCurveRule__Output as _sibyl_v1_LearningCurveRule__Output } from '../../sibyl/v1/LearningCurveRule';
import type { ModelStoppingRule as _sibyl_v1_ModelStoppingRule, ModelStoppingRule__Output as _sibyl_v1_ModelStoppingRule__Output } from '../../sibyl/v1/ModelStoppingRule';

/**
 * When to stop a trial early, from its intermediate measurements compared with
 * other trials' at the same step. Decisions use the first objective.
 */
export interface EarlyStoppingPolicy {
  /**
   * Stop a trial whose best value so far is worse than the median of other
   * trials' running averages at the same step (Golovin et al., 2017). Cheap and
   * safe; stops late.
   */
  'median'?: (_sibyl_v1_MedianStoppingRule | null);
  /**
   * Successive halving, asynchronous (ASHA, Li et al., 2020): at steps
   * min_step * reduction_factor^k, keep only the best 1/reduction_factor of the
   * trials that reached that step. Aggressive; saves the most compute.
   */
  'successiveHalving'?: (_sibyl_v1_SuccessiveHalvingRule | null);
  /**
   * Predict each trial's final value from its learning curve and stop it when
   * even an optimistic prediction is worse than the best final value so far.
   */
  'learningCurve'?: (_sibyl_v1_LearningCurveRule | null);
  /**
   * Fidelity studies only: at the rungs min_step * reduction_factor^k, stop a
   * trial when the GP over (configuration, step) gives it little chance of ending
   * better than the other trials, or already predicts its final value closely.
   * Cost-aware: it spends steps only where they can change what is known.
   */
  'model'?: (_sibyl_v1_ModelStoppingRule | null);
  /**
   * The rule. Exactly one must be set.
   */
  'rule'?: "median"|"successiveHalving"|"learningCurve"|"model";
}

/**
 * When to stop a trial early, from its intermediate measurements compared with
 * other trials' at the same step. Decisions use the first objective.
 */
export interface EarlyStoppingPolicy__Output {
  /**
   * Stop a trial whose best value so far is worse than the median of other
   * trials' running averages at the same step (Golovin et al., 2017). Cheap and
   * safe; stops late.
   */
  'median'?: (_sibyl_v1_MedianStoppingRule__Output | null);
  /**
   * Successive halving, asynchronous (ASHA, Li et al., 2020): at steps
   * min_step * reduction_factor^k, keep only the best 1/reduction_factor of the
   * trials that reached that step. Aggressive; saves the most compute.
   */
  'successiveHalving'?: (_sibyl_v1_SuccessiveHalvingRule__Output | null);
  /**
   * Predict each trial's final value from its learning curve and stop it when
   * even an optimistic prediction is worse than the best final value so far.
   */
  'learningCurve'?: (_sibyl_v1_LearningCurveRule__Output | null);
  /**
   * Fidelity studies only: at the rungs min_step * reduction_factor^k, stop a
   * trial when the GP over (configuration, step) gives it little chance of ending
   * better than the other trials, or already predicts its final value closely.
   * Cost-aware: it spends steps only where they can change what is known.
   */
  'model'?: (_sibyl_v1_ModelStoppingRule__Output | null);
  /**
   * The rule. Exactly one must be set.
   */
  'rule'?: "median"|"successiveHalving"|"learningCurve"|"model";
}
