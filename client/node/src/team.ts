/**
 * A team and its access tokens, as plain objects (TeamService).
 *
 * ```ts
 * const admin = connect(address, { team: "vision", token: adminSecret });
 * const { token, secret } = await admin.createToken("writer", { description: "ci", ttlSeconds: 86_400 });
 * // ... hand `secret` to the CI job: connect(address, { team: "vision", token: secret })
 * await admin.revokeToken(token.name);
 * ```
 */
import type { Team__Output } from "./generated/sibyl/v1/Team";
import type { Token__Output } from "./generated/sibyl/v1/Token";
import type { Timestamp__Output } from "./generated/google/protobuf/Timestamp";

/** What a token may do; each role includes the ones before it. */
export const ROLES = ["reader", "writer", "admin"] as const;

/** One of ROLES: "reader" reads, "writer" also runs studies, "admin" also manages tokens. */
export type Role = (typeof ROLES)[number];

/** Limits on a team's use of the service; 0 means no limit. Set by an operator. */
export interface TeamQuotas {
  /** Most studies the team may have ACTIVE at once. */
  readonly maxActiveStudies: number;
  /** Most trials any one study of the team may have. */
  readonly maxTrialsPerStudy: number;
  /** Most SuggestTrials calls per second for the whole team. */
  readonly maxSuggestRequestsPerSecond: number;
}

/** A team: the owner of studies and tokens. */
export interface Team {
  /** `teams/{team}`. */
  readonly name: string;
  readonly quotas: TeamQuotas;
  readonly createTime?: Date;
}

/** A bearer token, without its secret. */
export interface Token {
  /** `teams/{team}/tokens/{id}`; the id is also the first part of the secret. */
  readonly name: string;
  readonly role: Role;
  /** Free text to recognise the token by. */
  readonly description: string;
  readonly createTime?: Date;
  /** When the token stops working; undefined if it never expires. */
  readonly expireTime?: Date;
  /** When the token was revoked; undefined while it is not. */
  readonly revokeTime?: Date;
}

/** A token just created, with its secret: shown only once, the server keeps a hash. */
export interface CreatedToken {
  readonly token: Token;
  /** Send it as the `token` option of `connect` (`authorization: Bearer <secret>`). */
  readonly secret: string;
}

/** The Role enum value of `role`; RangeError for anything else. */
export function roleEnum(role: string): "ROLE_READER" | "ROLE_WRITER" | "ROLE_ADMIN" {
  const key = String(role).toLowerCase();
  if (!(ROLES as readonly string[]).includes(key)) {
    throw new RangeError(`role must be one of ${ROLES.join(", ")}, not ${JSON.stringify(role)}`);
  }
  return `ROLE_${key.toUpperCase()}` as "ROLE_READER" | "ROLE_WRITER" | "ROLE_ADMIN";
}

/** The Date of a Timestamp message; undefined when unset. */
export function dateOf(timestamp: Timestamp__Output | null | undefined): Date | undefined {
  if (!timestamp) {
    return undefined;
  }
  return new Date(Number(timestamp.seconds) * 1000 + Math.floor(timestamp.nanos / 1e6));
}

function withDates<T extends object>(value: T, dates: Record<string, Date | undefined>): T {
  const result: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const [key, date] of Object.entries(dates)) {
    if (date !== undefined) {
      result[key] = date;
    }
  }
  return result as T;
}

/** The plain Token of a Token message. */
export function tokenOf(message: Token__Output): Token {
  const role = message.role.replace(/^ROLE_/, "").toLowerCase() as Role;
  return withDates(
    { name: message.name, role, description: message.description },
    {
      createTime: dateOf(message.createTime),
      expireTime: dateOf(message.expireTime),
      revokeTime: dateOf(message.revokeTime),
    },
  );
}

/** The plain Team of a Team message. */
export function teamOf(message: Team__Output): Team {
  const quotas = message.quotas;
  return withDates(
    {
      name: message.name,
      quotas: {
        maxActiveStudies: Number(quotas?.maxActiveStudies ?? 0),
        maxTrialsPerStudy: Number(quotas?.maxTrialsPerStudy ?? 0),
        maxSuggestRequestsPerSecond: quotas?.maxSuggestRequestsPerSecond ?? 0,
      },
    },
    { createTime: dateOf(message.createTime) },
  );
}
