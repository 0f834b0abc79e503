// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Team as _sibyl_v1_Team, Team__Output as _sibyl_v1_Team__Output } from '../../sibyl/v1/Team';

export interface GetTeamResponse {
  /**
   * The team.
   */
  'team'?: (_sibyl_v1_Team | null);
}

export interface GetTeamResponse__Output {
  /**
   * The team.
   */
  'team': (_sibyl_v1_Team__Output | null);
}
