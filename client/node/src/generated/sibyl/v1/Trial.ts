// Original file: ../../proto/sibyl/v1/trial.proto

import type { ParameterValue as _sibyl_v1_ParameterValue, ParameterValue__Output as _sibyl_v1_ParameterValue__Output } from '../../sibyl/v1/ParameterValue';
import type { TrialState as _sibyl_v1_TrialState, TrialState__Output as _sibyl_v1_TrialState__Output } from '../../sibyl/v1/TrialState';
import type { Measurement as _sibyl_v1_Measurement, Measurement__Output as _sibyl_v1_Measurement__Output } from '../../sibyl/v1/Measurement';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * A trial: parameter values to evaluate, and the evaluation's results.
 */
export interface Trial {
  /**
   * Resource name, `teams/{team}/studies/{study}/trials/{trial}`. Output only.
   */
  'name'?: (string);
  /**
   * The trial's number within its study: 1, 2, 3 ... in creation order, with no
   * gaps. Output only; the last segment of `name`.
   */
  'id'?: (number | string | Long);
  /**
   * Parameter name to value: every parameter of the study's spec that is active
   * (all unconditional ones, and conditional ones whose parent condition holds),
   * and no other, each with a value valid for its domain (see ParameterValue).
   */
  'parameters'?: ({[key: string]: _sibyl_v1_ParameterValue});
  /**
   * Lifecycle state.
   */
  'state'?: (_sibyl_v1_TrialState);
  /**
   * The worker the trial is assigned to: the `client_id` of the SuggestTrials call
   * that handed it out. Output only; empty until assigned.
   */
  'clientId'?: (string);
  /**
   * Intermediate measurements, by increasing step. Output only; added with
   * AddTrialMeasurement.
   */
  'measurements'?: (_sibyl_v1_Measurement)[];
  /**
   * The result of a COMPLETED trial. Unset for other states.
   */
  'finalMeasurement'?: (_sibyl_v1_Measurement | null);
  /**
   * Why the trial could not be evaluated (INFEASIBLE trials only). At most 4096
   * characters, with no control characters but tabs and line breaks.
   */
  'infeasibilityReason'?: (string);
  /**
   * Free-form annotations. The server sets `sibyl.algorithm` to the algorithm
   * that produced the trial ("GP_BANDIT", "QUASI_RANDOM_SEARCH", ... or "USER"
   * for trials added with CreateTrial) and, when a model-based algorithm had to
   * fall back to quasi-random points, `sibyl.fallback_reason`; on a server run
   * with stall restarts, GP_BANDIT sets `sibyl.restart` ("1", "2", ...) on trials
   * of a restart out of a study whose best value had stopped improving. A trial
   * told to stop early (or stopped with StopTrial) gets `sibyl.stop_reason` (why,
   * in words) and `sibyl.stop_step` (its last measured step then). Keys starting
   * with "sibyl." are reserved for the server. At most 64 entries; keys of 1 to 4096
   * characters without control characters, values of at most 4096 characters
   * with no control characters but tabs and line breaks.
   */
  'metadata'?: ({[key: string]: string});
  /**
   * When the trial was created. Output only.
   */
  'createTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When the trial was first handed to a worker. Output only.
   */
  'startTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When the trial became COMPLETED or INFEASIBLE. Output only.
   */
  'completeTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When an ACTIVE trial's worker loses it unless it is heard from (a
   * measurement, or SuggestTrials with the same client id, renews the lease).
   * Output only; unset for trials that are not ACTIVE.
   */
  'leaseExpireTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * A trial: parameter values to evaluate, and the evaluation's results.
 */
export interface Trial__Output {
  /**
   * Resource name, `teams/{team}/studies/{study}/trials/{trial}`. Output only.
   */
  'name': (string);
  /**
   * The trial's number within its study: 1, 2, 3 ... in creation order, with no
   * gaps. Output only; the last segment of `name`.
   */
  'id': (string);
  /**
   * Parameter name to value: every parameter of the study's spec that is active
   * (all unconditional ones, and conditional ones whose parent condition holds),
   * and no other, each with a value valid for its domain (see ParameterValue).
   */
  'parameters': ({[key: string]: _sibyl_v1_ParameterValue__Output});
  /**
   * Lifecycle state.
   */
  'state': (_sibyl_v1_TrialState__Output);
  /**
   * The worker the trial is assigned to: the `client_id` of the SuggestTrials call
   * that handed it out. Output only; empty until assigned.
   */
  'clientId': (string);
  /**
   * Intermediate measurements, by increasing step. Output only; added with
   * AddTrialMeasurement.
   */
  'measurements': (_sibyl_v1_Measurement__Output)[];
  /**
   * The result of a COMPLETED trial. Unset for other states.
   */
  'finalMeasurement': (_sibyl_v1_Measurement__Output | null);
  /**
   * Why the trial could not be evaluated (INFEASIBLE trials only). At most 4096
   * characters, with no control characters but tabs and line breaks.
   */
  'infeasibilityReason': (string);
  /**
   * Free-form annotations. The server sets `sibyl.algorithm` to the algorithm
   * that produced the trial ("GP_BANDIT", "QUASI_RANDOM_SEARCH", ... or "USER"
   * for trials added with CreateTrial) and, when a model-based algorithm had to
   * fall back to quasi-random points, `sibyl.fallback_reason`; on a server run
   * with stall restarts, GP_BANDIT sets `sibyl.restart` ("1", "2", ...) on trials
   * of a restart out of a study whose best value had stopped improving. A trial
   * told to stop early (or stopped with StopTrial) gets `sibyl.stop_reason` (why,
   * in words) and `sibyl.stop_step` (its last measured step then). Keys starting
   * with "sibyl." are reserved for the server. At most 64 entries; keys of 1 to 4096
   * characters without control characters, values of at most 4096 characters
   * with no control characters but tabs and line breaks.
   */
  'metadata': ({[key: string]: string});
  /**
   * When the trial was created. Output only.
   */
  'createTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the trial was first handed to a worker. Output only.
   */
  'startTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the trial became COMPLETED or INFEASIBLE. Output only.
   */
  'completeTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When an ACTIVE trial's worker loses it unless it is heard from (a
   * measurement, or SuggestTrials with the same client id, renews the lease).
   * Output only; unset for trials that are not ACTIVE.
   */
  'leaseExpireTime': (_google_protobuf_Timestamp__Output | null);
}
