// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';

export interface CreateTrialRequest {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent'?: (string);
  /**
   * The trial. Required: `parameters` with a valid value for every active
   * parameter of the spec; `state` REQUESTED, COMPLETED (with
   * `final_measurement`) or INFEASIBLE (with `infeasibility_reason` optional);
   * `measurements` optional, for COMPLETED and INFEASIBLE trials only (their
   * learning curves, which early-stopping rules compare new trials with; steps
   * increasing); `metadata` optional (keys must not start with "sibyl."). Other
   * fields are ignored.
   */
  'trial'?: (_sibyl_v1_Trial | null);
  /**
   * Makes retries safe: a second request with the same id for the same study
   * returns the trial the first one created. Optional: up to 128 characters.
   */
  'requestId'?: (string);
}

export interface CreateTrialRequest__Output {
  /**
   * The study, `teams/{team}/studies/{study}`. Required.
   */
  'parent': (string);
  /**
   * The trial. Required: `parameters` with a valid value for every active
   * parameter of the spec; `state` REQUESTED, COMPLETED (with
   * `final_measurement`) or INFEASIBLE (with `infeasibility_reason` optional);
   * `measurements` optional, for COMPLETED and INFEASIBLE trials only (their
   * learning curves, which early-stopping rules compare new trials with; steps
   * increasing); `metadata` optional (keys must not start with "sibyl."). Other
   * fields are ignored.
   */
  'trial': (_sibyl_v1_Trial__Output | null);
  /**
   * Makes retries safe: a second request with the same id for the same study
   * returns the trial the first one created. Optional: up to 128 characters.
   */
  'requestId': (string);
}
