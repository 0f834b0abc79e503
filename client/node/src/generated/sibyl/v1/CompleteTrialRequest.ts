// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Measurement as _sibyl_v1_Measurement, Measurement__Output as _sibyl_v1_Measurement__Output } from '../../sibyl/v1/Measurement';

export interface CompleteTrialRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name'?: (string);
  /**
   * The result: values for every metric of the spec, finite. Unset: the trial's
   * last intermediate measurement is used (FAILED_PRECONDITION if it has none,
   * NO_MEASUREMENT, or if it lacks a metric, LAST_MEASUREMENT_INCOMPLETE).
   * Must be unset when `trial_infeasible` is true.
   */
  'finalMeasurement'?: (_sibyl_v1_Measurement | null);
  /**
   * True to finish the trial as INFEASIBLE instead of COMPLETED.
   */
  'trialInfeasible'?: (boolean);
  /**
   * Why the trial is infeasible (with `trial_infeasible`). At most 4096
   * characters, with no control characters but tabs and line breaks.
   */
  'infeasibilityReason'?: (string);
  /**
   * The worker completing the trial, as in SuggestTrials. Optional; when set,
   * the call is refused with FAILED_PRECONDITION (reason LEASE_LOST) unless the
   * trial is assigned to this worker (or it finished it itself).
   */
  'clientId'?: (string);
}

export interface CompleteTrialRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required.
   */
  'name': (string);
  /**
   * The result: values for every metric of the spec, finite. Unset: the trial's
   * last intermediate measurement is used (FAILED_PRECONDITION if it has none,
   * NO_MEASUREMENT, or if it lacks a metric, LAST_MEASUREMENT_INCOMPLETE).
   * Must be unset when `trial_infeasible` is true.
   */
  'finalMeasurement': (_sibyl_v1_Measurement__Output | null);
  /**
   * True to finish the trial as INFEASIBLE instead of COMPLETED.
   */
  'trialInfeasible': (boolean);
  /**
   * Why the trial is infeasible (with `trial_infeasible`). At most 4096
   * characters, with no control characters but tabs and line breaks.
   */
  'infeasibilityReason': (string);
  /**
   * The worker completing the trial, as in SuggestTrials. Optional; when set,
   * the call is refused with FAILED_PRECONDITION (reason LEASE_LOST) unless the
   * trial is assigned to this worker (or it finished it itself).
   */
  'clientId': (string);
}
