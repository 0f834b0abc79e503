/** Errors the client throws: one type, `SibylError`, with a subclass per status code. */
import { Metadata, status } from "@grpc/grpc-js";
import type { ServiceError } from "@grpc/grpc-js";

import { decodeDetails, NO_DETAILS } from "./rpcDetails";
import type { ErrorDetails, FieldViolation } from "./rpcDetails";

/** The name of a gRPC status code, e.g. "NOT_FOUND". */
export function statusName(code: status): string {
  return status[code] ?? `CODE_${code}`;
}

/**
 * A call failed.
 *
 * `message` reads "REASON: what the server said"; the parts are kept apart in
 * `reason` and `details`.
 */
export class SibylError extends Error {
  /** The status code a subclass stands for (UNKNOWN for the base class). */
  static readonly code: status = status.UNKNOWN;

  /** The gRPC status code (grpc.status), e.g. 5 for NOT_FOUND. */
  readonly code: status;
  /** The server's UPPER_SNAKE reason, e.g. "STUDY_NOT_FOUND"; "" if it sent none. */
  readonly reason: string;
  /** The error domain: "sibyl" for errors of the Sibyl server; "" if none. */
  readonly domain: string;
  /** The server's structured details, e.g. `{ field: "count" }` or `{ state: "COMPLETED" }`. */
  readonly metadata: Readonly<Record<string, string>>;
  /** For invalid arguments: every request field the server rejected. */
  readonly fieldViolations: readonly FieldViolation[];
  /** The server's message, without the reason. */
  readonly details: string;

  constructor(details: string, code?: status, errorDetails: ErrorDetails = NO_DETAILS) {
    const resolved = code ?? (new.target as typeof SibylError).code;
    super(`${errorDetails.reason || statusName(resolved)}: ${details}`);
    this.name = new.target.name;
    this.code = resolved;
    this.details = details;
    this.reason = errorDetails.reason;
    this.domain = errorDetails.domain;
    this.metadata = errorDetails.metadata;
    this.fieldViolations = errorDetails.fieldViolations;
  }

  /** The name of `code`, e.g. "NOT_FOUND". */
  get codeName(): string {
    return statusName(this.code);
  }

  /** For invalid arguments: the path of the (first) wrong request field; "" otherwise. */
  get field(): string {
    return this.fieldViolations[0]?.field ?? "";
  }
}

/** INVALID_ARGUMENT: a request field is wrong; `field` names it. */
export class InvalidArgumentError extends SibylError {
  static override readonly code = status.INVALID_ARGUMENT;
}

/** NOT_FOUND: the study or trial does not exist. */
export class NotFoundError extends SibylError {
  static override readonly code = status.NOT_FOUND;
}

/** ALREADY_EXISTS: the team has a study with that id. */
export class AlreadyExistsError extends SibylError {
  static override readonly code = status.ALREADY_EXISTS;
}

/** FAILED_PRECONDITION: the study or trial is in the wrong state for the call. */
export class FailedPreconditionError extends SibylError {
  static override readonly code = status.FAILED_PRECONDITION;
}

/**
 * FAILED_PRECONDITION with reason LEASE_LOST: this worker no longer holds the trial.
 * Its lease expired and the trial went to another worker, so the call was refused
 * (the new holder's results stay its own). Drop the trial; `trial.run` does so silently.
 */
export class LeaseLostError extends FailedPreconditionError {
  /** The reason the server sends with it. */
  static readonly reason = "LEASE_LOST";

  /** `errorDetails` default to reason LEASE_LOST, for the error the client throws itself. */
  constructor(details: string, code?: status, errorDetails: ErrorDetails = LEASE_LOST) {
    super(details, code, errorDetails);
  }
}

const LEASE_LOST: ErrorDetails = Object.freeze({
  ...NO_DETAILS,
  reason: LeaseLostError.reason,
  domain: "sibyl",
});

/** ABORTED: a concurrency conflict, retried by the client until its retry window ends. */
export class AbortedError extends SibylError {
  static override readonly code = status.ABORTED;
}

/** RESOURCE_EXHAUSTED: a quota or size limit (e.g. the message size) was hit. */
export class ResourceExhaustedError extends SibylError {
  static override readonly code = status.RESOURCE_EXHAUSTED;
}

/** UNAUTHENTICATED: no valid credentials were sent. */
export class UnauthenticatedError extends SibylError {
  static override readonly code = status.UNAUTHENTICATED;
}

/** PERMISSION_DENIED: the credentials do not allow the call. */
export class PermissionDeniedError extends SibylError {
  static override readonly code = status.PERMISSION_DENIED;
}

/**
 * UNAVAILABLE: the server (or its database) could not be reached, after retries; the
 * message names the address.
 */
export class UnavailableError extends SibylError {
  static override readonly code = status.UNAVAILABLE;
}

/** DEADLINE_EXCEEDED: the call's deadline (`timeoutMs`) passed before the answer came. */
export class DeadlineExceededError extends SibylError {
  static override readonly code = status.DEADLINE_EXCEEDED;
}

/** CANCELLED: the call was cancelled, e.g. through its AbortSignal. */
export class CancelledError extends SibylError {
  static override readonly code = status.CANCELLED;
}

/** INTERNAL: a bug in the server; its log has the details. */
export class InternalError extends SibylError {
  static override readonly code = status.INTERNAL;
}

const BY_CODE: ReadonlyMap<status, typeof SibylError> = new Map(
  [
    InvalidArgumentError,
    NotFoundError,
    AlreadyExistsError,
    FailedPreconditionError,
    AbortedError,
    ResourceExhaustedError,
    UnauthenticatedError,
    PermissionDeniedError,
    UnavailableError,
    DeadlineExceededError,
    CancelledError,
    InternalError,
  ].map((cls) => [cls.code, cls] as const),
);

/** Reasons that have a class of their own, a subclass of their code's. */
const BY_REASON: ReadonlyMap<string, typeof SibylError> = new Map([
  [LeaseLostError.reason, LeaseLostError],
]);

/**
 * The typed error for a failed call, with the server's details decoded: the class of
 * its reason (e.g. LeaseLostError), else of its code, else SibylError.
 */
export function fromServiceError(error: Partial<ServiceError>): SibylError {
  const code = typeof error.code === "number" ? error.code : status.UNKNOWN;
  const details = error.details || error.message || statusName(code);
  const trailers = error.metadata instanceof Metadata ? error.metadata : undefined;
  const errorDetails = decodeDetails(trailers);
  const byReason = BY_REASON.get(errorDetails.reason);
  const cls = byReason?.code === code ? byReason : (BY_CODE.get(code) ?? SibylError);
  return new cls(details, code, errorDetails);
}

/**
 * Whether `error` is the service's rather than the caller's: a SibylError. A raw
 * grpc-js error is the caller's, as Python's `with trial:` has it: inside an
 * evaluation it is most often a call to the caller's own backend (a feature store)
 * that failed, and the trial would otherwise stay ACTIVE and come back to this worker.
 */
export function isServiceFailure(error: unknown): boolean {
  return error instanceof SibylError;
}

/**
 * `Trial.report` was given a NaN or infinite value: the run diverged. Thrown before
 * anything is sent; not a server error, so `Trial.run` marks the trial INFEASIBLE.
 */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DivergedError";
  }
}

/**
 * createOrLoadStudy found the study with a different spec. Not a server error: the
 * study exists, but is not the one the caller describes.
 */
export class SpecMismatchError extends Error {
  /** The study's resource name. */
  readonly study: string;
  /** What differs: "parameters", "metrics", "algorithm" or "maxTrials". */
  readonly difference: string;

  constructor(study: string, difference: string) {
    super(`study ${study} exists with a different ${difference}`);
    this.name = "SpecMismatchError";
    this.study = study;
    this.difference = difference;
  }
}
