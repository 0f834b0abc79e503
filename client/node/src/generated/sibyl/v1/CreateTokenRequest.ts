// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Role as _sibyl_v1_Role, Role__Output as _sibyl_v1_Role__Output } from '../../sibyl/v1/Role';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';

export interface CreateTokenRequest {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent'?: (string);
  /**
   * The new token's role. Required (UNSPECIFIED is rejected).
   */
  'role'?: (_sibyl_v1_Role);
  /**
   * Text to recognise the token by. Optional: one line of at most 256
   * characters, without control characters.
   */
  'description'?: (string);
  /**
   * How long the token works. Unset: it never expires. At least 1 second, at
   * most 100 years.
   */
  'timeToLive'?: (_google_protobuf_Duration | null);
  /**
   * Makes retries safe: a second request with the same id for the same team
   * revokes the token the first one created (its secret was never delivered)
   * and returns a new one, so that a retry never leaves a second working token
   * behind. Optional: up to 128 printable characters.
   */
  'requestId'?: (string);
}

export interface CreateTokenRequest__Output {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent': (string);
  /**
   * The new token's role. Required (UNSPECIFIED is rejected).
   */
  'role': (_sibyl_v1_Role__Output);
  /**
   * Text to recognise the token by. Optional: one line of at most 256
   * characters, without control characters.
   */
  'description': (string);
  /**
   * How long the token works. Unset: it never expires. At least 1 second, at
   * most 100 years.
   */
  'timeToLive': (_google_protobuf_Duration__Output | null);
  /**
   * Makes retries safe: a second request with the same id for the same team
   * revokes the token the first one created (its secret was never delivered)
   * and returns a new one, so that a retry never leaves a second working token
   * behind. Optional: up to 128 printable characters.
   */
  'requestId': (string);
}
