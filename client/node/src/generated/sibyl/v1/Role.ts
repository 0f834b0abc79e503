// Original file: ../../proto/sibyl/v1/team_service.proto

/**
 * What a token may do. Each role includes the ones below it.
 */
export const Role = {
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  ROLE_UNSPECIFIED: 'ROLE_UNSPECIFIED',
  /**
   * Read studies and trials.
   */
  ROLE_READER: 'ROLE_READER',
  /**
   * Also create, change and delete studies, get suggestions, report results.
   */
  ROLE_WRITER: 'ROLE_WRITER',
  /**
   * Also manage the team's tokens.
   */
  ROLE_ADMIN: 'ROLE_ADMIN',
} as const;

/**
 * What a token may do. Each role includes the ones below it.
 */
export type Role =
  /**
   * Never valid; rejected with INVALID_ARGUMENT.
   */
  | 'ROLE_UNSPECIFIED'
  | 0
  /**
   * Read studies and trials.
   */
  | 'ROLE_READER'
  | 1
  /**
   * Also create, change and delete studies, get suggestions, report results.
   */
  | 'ROLE_WRITER'
  | 2
  /**
   * Also manage the team's tokens.
   */
  | 'ROLE_ADMIN'
  | 3

/**
 * What a token may do. Each role includes the ones below it.
 */
export type Role__Output = typeof Role[keyof typeof Role]
