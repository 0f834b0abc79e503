// Original file: ../../proto/sibyl/v1/study_service.proto

import type { Study as _sibyl_v1_Study, Study__Output as _sibyl_v1_Study__Output } from '../../sibyl/v1/Study';

export interface CreateStudyRequest {
  /**
   * The owning team, `teams/{team}`. Required.
   */
  'parent'?: (string);
  /**
   * The new study's id, the last segment of its name: 1 to 63 characters,
   * lowercase letters, digits and '-', starting with a letter and not ending with
   * '-'. Required.
   */
  'studyId'?: (string);
  /**
   * The study to create. Required: `spec` must be set; `display_name` is
   * optional; output-only fields are ignored.
   */
  'study'?: (_sibyl_v1_Study | null);
  /**
   * Makes retries safe: a second request with the same id for the same team
   * returns the study the first one created, where it would otherwise be
   * ALREADY_EXISTS; the same id with another `study_id` is INVALID_ARGUMENT
   * (field `request_id`). Optional: up to 128 printable characters.
   */
  'requestId'?: (string);
}

export interface CreateStudyRequest__Output {
  /**
   * The owning team, `teams/{team}`. Required.
   */
  'parent': (string);
  /**
   * The new study's id, the last segment of its name: 1 to 63 characters,
   * lowercase letters, digits and '-', starting with a letter and not ending with
   * '-'. Required.
   */
  'studyId': (string);
  /**
   * The study to create. Required: `spec` must be set; `display_name` is
   * optional; output-only fields are ignored.
   */
  'study': (_sibyl_v1_Study__Output | null);
  /**
   * Makes retries safe: a second request with the same id for the same team
   * returns the study the first one created, where it would otherwise be
   * ALREADY_EXISTS; the same id with another `study_id` is INVALID_ARGUMENT
   * (field `request_id`). Optional: up to 128 printable characters.
   */
  'requestId': (string);
}
