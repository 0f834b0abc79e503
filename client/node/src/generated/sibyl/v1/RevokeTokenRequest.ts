// Original file: ../../proto/sibyl/v1/team_service.proto


export interface RevokeTokenRequest {
  /**
   * The token, `teams/{team}/tokens/{token}`. Required.
   */
  'name'?: (string);
}

export interface RevokeTokenRequest__Output {
  /**
   * The token, `teams/{team}/tokens/{token}`. Required.
   */
  'name': (string);
}
