// Original file: ../../proto/sibyl/v1/team_service.proto

import type { TeamQuotas as _sibyl_v1_TeamQuotas, TeamQuotas__Output as _sibyl_v1_TeamQuotas__Output } from '../../sibyl/v1/TeamQuotas';
import type { Timestamp as _google_protobuf_Timestamp, Timestamp__Output as _google_protobuf_Timestamp__Output } from '../../google/protobuf/Timestamp';

/**
 * A team: the owner of studies and tokens.
 */
export interface Team {
  /**
   * Resource name, `teams/{team}`. Output only.
   */
  'name'?: (string);
  /**
   * Limits on the team's use of the service. Output only: set by an operator
   * (`sibyl admin set-quotas`).
   */
  'quotas'?: (_sibyl_v1_TeamQuotas | null);
  /**
   * When the team was created. Output only.
   */
  'createTime'?: (_google_protobuf_Timestamp | null);
}

/**
 * A team: the owner of studies and tokens.
 */
export interface Team__Output {
  /**
   * Resource name, `teams/{team}`. Output only.
   */
  'name': (string);
  /**
   * Limits on the team's use of the service. Output only: set by an operator
   * (`sibyl admin set-quotas`).
   */
  'quotas': (_sibyl_v1_TeamQuotas__Output | null);
  /**
   * When the team was created. Output only.
   */
  'createTime': (_google_protobuf_Timestamp__Output | null);
}
