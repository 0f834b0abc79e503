/**
 * How one call is made: its attempts, and the retries between them.
 *
 * Every Sibyl RPC is safe to retry (the contract says how each one is), so a call that
 * fails with UNAVAILABLE (the server or its database is away) or ABORTED (a conflict
 * worth retrying) is retried with exponential backoff for as long as `RetryOptions`
 * allow: a worker rides out a replica restart or a database outage without an error
 * reaching its own code.
 *
 * gRPC's own retry policy cannot do this: it stops after 5 attempts (a few seconds),
 * and never retries a call once the server sent response headers.
 */
import { setTimeout as sleep } from "node:timers/promises";

import { Metadata, status } from "@grpc/grpc-js";
import type { ServiceError } from "@grpc/grpc-js";

import { CancelledError, SibylError, fromServiceError, statusName } from "./errors";
import type { RetryOptions } from "./options";
import { carriesDetails } from "./rpcDetails";

/** The codes a call is retried on. */
export const RETRIED_CODES: ReadonlySet<status> = new Set([status.UNAVAILABLE, status.ABORTED]);

/** One attempt of a call: resolves with the response, rejects with grpc-js's error. */
export type Attempt<R> = () => Promise<R>;

/** Makes the calls of one client: retries them, and remembers whether the server was ever reached. */
export class Caller {
  private reached = false;

  /**
   * @param address The server's address, named by the errors of calls that could not reach it.
   * @param retry The client's retries, used by calls that set none of their own.
   */
  constructor(
    readonly address: string,
    readonly retry: Required<RetryOptions>,
  ) {}

  /** Whether a server ever answered one of this client's calls. */
  get everReached(): boolean {
    return this.reached;
  }

  /**
   * Runs `attempt` until it succeeds, fails with a code that is not retried, or the
   * retry window is used up; failures reject with a SibylError subclass.
   */
  async invoke<R>(
    method: string,
    attempt: Attempt<R>,
    retry: Required<RetryOptions> = this.retry,
    signal?: AbortSignal,
  ): Promise<R> {
    const attempts = new Attempts(retry);
    for (;;) {
      try {
        const response = await attempt();
        this.reached = true;
        return response;
      } catch (error) {
        if (error instanceof SibylError || typeof (error as ServiceError)?.code !== "number") {
          throw error; // the client's own, e.g. for an aborted signal or a bad request
        }
        const failure = error as Partial<ServiceError>;
        const answered = carriesDetails(asMetadata(failure.metadata));
        this.reached ||= answered;
        attempts.unreachable ||= !answered;
        const window = this.reached ? retry.windowMs : retry.connectWindowMs;
        const wait = RETRIED_CODES.has(failure.code as status)
          ? attempts.nextWait(window)
          : undefined;
        if (wait === undefined) {
          throw this.typed(failure, attempts);
        }
        if (attempts.count === 2) {
          this.warn(failure, window);
        }
        await pause(wait, method, signal);
      }
    }
  }

  /** Says once per call that it is being retried, so a stalled worker's log tells why. */
  private warn(failure: Partial<ServiceError>, window: number): void {
    const why = firstLine(failure.details ?? "");
    console.warn(
      `sibyl: ${statusName(failure.code as status)} at ${this.address}` +
        `${why ? ` (${why})` : ""}; retrying for up to ${seconds(window)} s`,
    );
  }

  /** The error a call ends with; an UNAVAILABLE one names the address and what was tried. */
  private typed(failure: Partial<ServiceError>, attempts: Attempts): SibylError {
    if (failure.code !== status.UNAVAILABLE) {
      return fromServiceError(failure);
    }
    const reach =
      attempts.unreachable && !this.reached
        ? `could not reach a Sibyl server at ${this.address}`
        : `the Sibyl server at ${this.address} stayed unavailable`;
    const hint = this.reached ? "" : " Is `sibyl serve` running there, and is the address right?";
    const tried = `${seconds(attempts.elapsed())} s, ${attempts.count} attempt${attempts.count > 1 ? "s" : ""}`;
    const details = `${reach} (${tried}): ${firstLine(failure.details ?? "") || "UNAVAILABLE"}.${hint}`;
    return fromServiceError({
      code: failure.code,
      details,
      metadata: asMetadata(failure.metadata),
    });
  }
}

/** The attempts of one call: when it began, how many, and the bound of the next wait. */
class Attempts {
  private readonly began = performance.now();
  private bound: number;
  /** Attempts made so far, the one about to start included. */
  count = 1;
  /** Whether an attempt failed without the server answering it. */
  unreachable = false;

  constructor(private readonly retry: Required<RetryOptions>) {
    this.bound = retry.initialBackoffMs;
  }

  /** Milliseconds since the first attempt began. */
  elapsed(): number {
    return performance.now() - this.began;
  }

  /**
   * The wait before one more attempt, which starts at the end of `windowMs` at the
   * latest; undefined once the window is used up.
   */
  nextWait(windowMs: number): number | undefined {
    const left = windowMs - this.elapsed();
    if (left <= 0) {
      return undefined;
    }
    // Full jitter: workers that failed together do not come back together.
    const wait = Math.min(Math.random() * this.bound, left);
    this.bound = Math.min(this.bound * this.retry.backoffMultiplier, this.retry.maxBackoffMs);
    this.count += 1;
    return wait;
  }
}

/** Waits `ms` before the next attempt; an aborted `signal` ends the wait with CancelledError. */
async function pause(ms: number, method: string, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleep(ms, undefined, { signal });
  } catch {
    throw new CancelledError(`${method} cancelled between retries: the signal was aborted`);
  }
}

function asMetadata(value: unknown): Metadata | undefined {
  return value instanceof Metadata ? value : undefined;
}

function firstLine(text: string): string {
  return (text.trim().split("\n")[0] ?? "").slice(0, 200);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(1);
}
