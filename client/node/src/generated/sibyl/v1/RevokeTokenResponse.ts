// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Token as _sibyl_v1_Token, Token__Output as _sibyl_v1_Token__Output } from '../../sibyl/v1/Token';

export interface RevokeTokenResponse {
  /**
   * The revoked token.
   */
  'token'?: (_sibyl_v1_Token | null);
}

export interface RevokeTokenResponse__Output {
  /**
   * The revoked token.
   */
  'token': (_sibyl_v1_Token__Output | null);
}
