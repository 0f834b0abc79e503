// Original file: ../../proto/sibyl/v1/team_service.proto


export interface GetTeamRequest {
  /**
   * The team, `teams/{team}`. Required.
   */
  'name'?: (string);
}

export interface GetTeamRequest__Output {
  /**
   * The team, `teams/{team}`. Required.
   */
  'name': (string);
}
