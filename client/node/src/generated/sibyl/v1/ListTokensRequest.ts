// Original file: ../../proto/sibyl/v1/team_service.proto


export interface ListTokensRequest {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent'?: (string);
  /**
   * Maximum number of tokens to return: 0 means 100; values above 1000 are
   * treated as 1000.
   */
  'pageSize'?: (number);
  /**
   * `next_page_token` of the previous response; empty for the first page.
   */
  'pageToken'?: (string);
}

export interface ListTokensRequest__Output {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent': (string);
  /**
   * Maximum number of tokens to return: 0 means 100; values above 1000 are
   * treated as 1000.
   */
  'pageSize': (number);
  /**
   * `next_page_token` of the previous response; empty for the first page.
   */
  'pageToken': (string);
}
