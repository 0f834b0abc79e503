// Original file: ../../proto/sibyl/v1/study.proto

import type { StudySpec as _sibyl_v1_StudySpec, StudySpec__Output as _sibyl_v1_StudySpec__Output } from '../../sibyl/v1/StudySpec';
import type { StudyState as _sibyl_v1_StudyState, StudyState__Output as _sibyl_v1_StudyState__Output } from '../../sibyl/v1/StudyState';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';
import type { Long } from '@grpc/proto-loader';

/**
 * A study: one optimization problem owned by a team, and the trials run for it.
 */
export interface Study {
  /**
   * Resource name, `teams/{team}/studies/{study}`. Output only; set from the
   * request's `parent` and `study_id` at creation.
   */
  'name'?: (string);
  /**
   * Human-readable name shown by tools. Optional, at most 256 characters, with
   * no control characters but tabs and line breaks.
   */
  'displayName'?: (string);
  /**
   * What to optimize and how. Required at creation; afterwards only
   * `max_trials` and `trial_lease` change, with UpdateStudy.
   */
  'spec'?: (_sibyl_v1_StudySpec | null);
  /**
   * Lifecycle state. Output only: set with `UpdateStudyState`, or by the server
   * when the trial budget or the grid is used up.
   */
  'state'?: (_sibyl_v1_StudyState);
  /**
   * Why the study is in its state, e.g. "max_trials reached". Output only; empty
   * when nothing needs explaining.
   */
  'stateReason'?: (string);
  /**
   * When the study was created. Output only.
   */
  'createTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When the study or its state last changed. Output only.
   */
  'updateTime'?: (_google_protobuf_Timestamp | null);
  /**
   * Number of trials the study has (any state). Output only.
   */
  'trialCount'?: (number | string | Long);
}

/**
 * A study: one optimization problem owned by a team, and the trials run for it.
 */
export interface Study__Output {
  /**
   * Resource name, `teams/{team}/studies/{study}`. Output only; set from the
   * request's `parent` and `study_id` at creation.
   */
  'name': (string);
  /**
   * Human-readable name shown by tools. Optional, at most 256 characters, with
   * no control characters but tabs and line breaks.
   */
  'displayName': (string);
  /**
   * What to optimize and how. Required at creation; afterwards only
   * `max_trials` and `trial_lease` change, with UpdateStudy.
   */
  'spec': (_sibyl_v1_StudySpec__Output | null);
  /**
   * Lifecycle state. Output only: set with `UpdateStudyState`, or by the server
   * when the trial budget or the grid is used up.
   */
  'state': (_sibyl_v1_StudyState__Output);
  /**
   * Why the study is in its state, e.g. "max_trials reached". Output only; empty
   * when nothing needs explaining.
   */
  'stateReason': (string);
  /**
   * When the study was created. Output only.
   */
  'createTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the study or its state last changed. Output only.
   */
  'updateTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * Number of trials the study has (any state). Output only.
   */
  'trialCount': (string);
}
