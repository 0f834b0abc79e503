// Original file: ../../proto/sibyl/v1/study_service.proto


export interface ListStudiesRequest {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent'?: (string);
  /**
   * Maximum number of studies to return: 0 means 50; values above 1000 are
   * treated as 1000.
   */
  'pageSize'?: (number);
  /**
   * `next_page_token` of the previous response, to get the next page; empty for
   * the first page. Other request fields but `page_size` must be the same as in
   * that call (INVALID_ARGUMENT otherwise).
   */
  'pageToken'?: (string);
}

export interface ListStudiesRequest__Output {
  /**
   * The team, `teams/{team}`. Required.
   */
  'parent': (string);
  /**
   * Maximum number of studies to return: 0 means 50; values above 1000 are
   * treated as 1000.
   */
  'pageSize': (number);
  /**
   * `next_page_token` of the previous response, to get the next page; empty for
   * the first page. Other request fields but `page_size` must be the same as in
   * that call (INVALID_ARGUMENT otherwise).
   */
  'pageToken': (string);
}
