// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Token as _sibyl_v1_Token, Token__Output as _sibyl_v1_Token__Output } from '../../sibyl/v1/Token';

export interface CreateTokenResponse {
  /**
   * The created token.
   */
  'token'?: (_sibyl_v1_Token | null);
  /**
   * The bearer token to send as `authorization: Bearer <secret>`. Returned only
   * here: the server stores a hash of it.
   */
  'secret'?: (string);
}

export interface CreateTokenResponse__Output {
  /**
   * The created token.
   */
  'token': (_sibyl_v1_Token__Output | null);
  /**
   * The bearer token to send as `authorization: Bearer <secret>`. Returned only
   * here: the server stores a hash of it.
   */
  'secret': (string);
}
