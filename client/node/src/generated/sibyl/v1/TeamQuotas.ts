// Original file: ../../proto/sibyl/v1/team_service.proto

import type { Long } from '@grpc/proto-loader';

/**
 * Limits on a team. Every field: 0 means no limit. A call over a limit fails with
 * RESOURCE_EXHAUSTED, and ErrorInfo.metadata["quota"] names the quota.
 */
export interface TeamQuotas {
  /**
   * Most studies the team may have in state ACTIVE at once.
   */
  'maxActiveStudies'?: (number | string | Long);
  /**
   * Most trials any one study of the team may have.
   */
  'maxTrialsPerStudy'?: (number | string | Long);
  /**
   * Most SuggestTrials calls per second for the whole team, over all replicas.
   */
  'maxSuggestRequestsPerSecond'?: (number | string);
}

/**
 * Limits on a team. Every field: 0 means no limit. A call over a limit fails with
 * RESOURCE_EXHAUSTED, and ErrorInfo.metadata["quota"] names the quota.
 */
export interface TeamQuotas__Output {
  /**
   * Most studies the team may have in state ACTIVE at once.
   */
  'maxActiveStudies': (string);
  /**
   * Most trials any one study of the team may have.
   */
  'maxTrialsPerStudy': (string);
  /**
   * Most SuggestTrials calls per second for the whole team, over all replicas.
   */
  'maxSuggestRequestsPerSecond': (number);
}
