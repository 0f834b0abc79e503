// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Role as _sibyl_v1_Role, Role__Output as _sibyl_v1_Role__Output } from '../../sibyl/v1/Role';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

/**
 * A bearer token, without its secret.
 */
export interface Token {
  /**
   * Resource name, `teams/{team}/tokens/{token}`; the token id is also the
   * first part of the secret, so a secret can be matched to its token. Output only.
   */
  'name'?: (string);
  /**
   * What the token may do.
   */
  'role'?: (_sibyl_v1_Role);
  /**
   * Text to recognise the token by, e.g. "ci pipeline": one line of at most 256
   * characters, without control characters.
   */
  'description'?: (string);
  /**
   * When the token was created. Output only.
   */
  'createTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When the token stops working; unset if it never expires. Output only.
   */
  'expireTime'?: (_google_protobuf_Timestamp | null);
  /**
   * When the token was revoked; unset while it is not. Output only.
   */
  'revokeTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * A bearer token, without its secret.
 */
export interface Token__Output {
  /**
   * Resource name, `teams/{team}/tokens/{token}`; the token id is also the
   * first part of the secret, so a secret can be matched to its token. Output only.
   */
  'name': (string);
  /**
   * What the token may do.
   */
  'role': (_sibyl_v1_Role__Output);
  /**
   * Text to recognise the token by, e.g. "ci pipeline": one line of at most 256
   * characters, without control characters.
   */
  'description': (string);
  /**
   * When the token was created. Output only.
   */
  'createTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the token stops working; unset if it never expires. Output only.
   */
  'expireTime': (_google_protobuf_Timestamp__Output | null);
  /**
   * When the token was revoked; unset while it is not. Output only.
   */
  'revokeTime': (_google_protobuf_Timestamp__Output | null);
}
