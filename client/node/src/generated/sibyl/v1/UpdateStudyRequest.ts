// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';
import type { FieldMask as _google_protobuf_FieldMask, FieldMask__Output as _google_protobuf_FieldMask__Output } from '../../google/protobuf/FieldMask';

export interface UpdateStudyRequest {
  /**
   * The study's new values: `name` identifies it (required); the fields named in
   * `update_mask` are taken from here, every other field is ignored.
   */
  'study'?: (_sibyl_v1_Study | null);
  /**
   * The fields to change, as paths relative to the study: `display_name`,
   * `spec.max_trials`, `spec.trial_lease`. Required: at least one path.
   */
  'updateMask'?: (_google_protobuf_FieldMask | null);
}

export interface UpdateStudyRequest__Output {
  /**
   * The study's new values: `name` identifies it (required); the fields named in
   * `update_mask` are taken from here, every other field is ignored.
   */
  'study': (_sibyl_v1_Study__Output | null);
  /**
   * The fields to change, as paths relative to the study: `display_name`,
   * `spec.max_trials`, `spec.trial_lease`. Required: at least one path.
   */
  'updateMask': (_google_protobuf_FieldMask__Output | null);
}
