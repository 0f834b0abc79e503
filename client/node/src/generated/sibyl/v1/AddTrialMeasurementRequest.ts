// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Measurement as _sibyl_v1_Measurement, Measurement__Output as _sibyl_v1_Measurement__Output } from '../../sibyl/v1/Measurement';

export interface AddTrialMeasurementRequest {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required; the
   * trial must be ACTIVE or STOPPING (FAILED_PRECONDITION otherwise).
   */
  'name'?: (string);
  /**
   * The measurement. Required: metrics of the spec with finite values (at least
   * one), `step` greater than the last measurement's. Sending the last
   * measurement again unchanged is a no-op, so retries are safe.
   */
  'measurement'?: (_sibyl_v1_Measurement | null);
  /**
   * The worker reporting, as in SuggestTrials. Optional; when set, the call is
   * refused with FAILED_PRECONDITION (reason LEASE_LOST) unless the trial is
   * still assigned to this worker, so that a worker whose lease expired and
   * moved to another worker cannot mix its measurements into the new holder's.
   */
  'clientId'?: (string);
}

export interface AddTrialMeasurementRequest__Output {
  /**
   * The trial, `teams/{team}/studies/{study}/trials/{trial}`. Required; the
   * trial must be ACTIVE or STOPPING (FAILED_PRECONDITION otherwise).
   */
  'name': (string);
  /**
   * The measurement. Required: metrics of the spec with finite values (at least
   * one), `step` greater than the last measurement's. Sending the last
   * measurement again unchanged is a no-op, so retries are safe.
   */
  'measurement': (_sibyl_v1_Measurement__Output | null);
  /**
   * The worker reporting, as in SuggestTrials. Optional; when set, the call is
   * refused with FAILED_PRECONDITION (reason LEASE_LOST) unless the trial is
   * still assigned to this worker, so that a worker whose lease expired and
   * moved to another worker cannot mix its measurements into the new holder's.
   */
  'clientId': (string);
}
