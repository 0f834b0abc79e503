// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Token as _sibyl_v1_Token, Token__Output as _sibyl_v1_Token__Output } from '../../sibyl/v1/Token';

export interface ListTokensResponse {
  /**
   * The tokens, oldest first, revoked and expired ones included.
   */
  'tokens'?: (_sibyl_v1_Token)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken'?: (string);
}

export interface ListTokensResponse__Output {
  /**
   * The tokens, oldest first, revoked and expired ones included.
   */
  'tokens': (_sibyl_v1_Token__Output)[];
  /**
   * Token for the next page; empty when this is the last page.
   */
  'nextPageToken': (string);
}
