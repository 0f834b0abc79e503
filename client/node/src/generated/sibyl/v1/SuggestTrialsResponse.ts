// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Trial as _sibyl_v1_Trial, Trial__Output as _sibyl_v1_Trial__Output } from '../../sibyl/v1/Trial';
import type { StudyState as _sibyl_v1_StudyState, StudyState__Output as _sibyl_v1_StudyState__Output } from '../../sibyl/v1/StudyState';

export interface SuggestTrialsResponse {
  /**
   * The trials, ACTIVE and assigned to the caller's client id; at most `count`.
   * Fewer when the study's trial budget or grid is used up.
   */
  'trials'?: (_sibyl_v1_Trial)[];
  /**
   * The study's state after the call: COMPLETED when no further trials will be
   * suggested.
   */
  'studyState'?: (_sibyl_v1_StudyState);
}

export interface SuggestTrialsResponse__Output {
  /**
   * The trials, ACTIVE and assigned to the caller's client id; at most `count`.
   * Fewer when the study's trial budget or grid is used up.
   */
  'trials': (_sibyl_v1_Trial__Output)[];
  /**
   * The study's state after the call: COMPLETED when no further trials will be
   * suggested.
   */
  'studyState': (_sibyl_v1_StudyState__Output);
}
