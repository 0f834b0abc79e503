/** How to reach a server and how calls behave: the options of `connect`, resolved. */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

import * as grpc from "@grpc/grpc-js";

/**
 * Retries of calls that failed with UNAVAILABLE (the server or its database is away)
 * or ABORTED (a conflict worth retrying).
 *
 * Every Sibyl call is safe to retry (see the proto), so this covers all of them. The
 * client retries them itself, with exponential backoff and full jitter, for up to a
 * window of time: gRPC's own retry policy stops after 5 attempts and never retries a
 * call once response headers arrived. `timeoutMs` bounds each attempt, not the window.
 */
export interface RetryOptions {
  /**
   * How long after its first attempt a call keeps being retried, in ms, once this
   * client has reached the server: a server restart or a database outage is ridden
   * out. 0 turns retries off. Default 60,000.
   */
  readonly windowMs?: number;
  /**
   * The same before this client ever reached the server, in ms: a wrong address fails
   * within this time, with a message that names it. Default 10,000.
   */
  readonly connectWindowMs?: number;
  /** Upper bound of the random wait before the first retry, in ms; later bounds grow by `backoffMultiplier`. Default 100. */
  readonly initialBackoffMs?: number;
  /** Longest wait between two attempts, in ms. Default 2,000. */
  readonly maxBackoffMs?: number;
  /** Growth of the wait bound from one retry to the next (at least 1). Default 2. */
  readonly backoffMultiplier?: number;
}

/** Options of `connect`. Every one has a default. */
export interface ConnectOptions {
  /** The team whose studies this client works with. Default "default". */
  readonly team?: string;
  /**
   * Identifies this worker: a worker that restarts with the same id gets its
   * unfinished trials back. Default `${hostname}-${pid}` (set it for resumable workers).
   * Every call of this client uses it, so concurrent loops in one process (e.g. workers
   * run with `Promise.all`) must each pass their own `clientId` to `suggest`: loops
   * sharing an id are handed the same trials.
   */
  readonly clientId?: string;
  /** Deadline of each attempt of a call but SuggestTrials, in ms. Default 30,000. */
  readonly timeoutMs?: number;
  /** Deadline of each attempt of SuggestTrials, which may fit a model and wait for other workers, in ms. Default 600,000. */
  readonly suggestTimeoutMs?: number;
  /** Retries of calls that failed with UNAVAILABLE or ABORTED; each call may override them. */
  readonly retry?: RetryOptions;
  /** Largest message sent or received, in bytes. Default 4 MiB. */
  readonly maxMessageBytes?: number;
  /**
   * Bearer token sent with every call as `authorization: Bearer <token>` metadata.
   * Unset: no authorization metadata (servers without authentication need none).
   */
  readonly token?: string;
  /** PEM file of the certificate authorities that sign the server's certificate; implies TLS. */
  readonly caFile?: string;
  /** PEM contents of those certificate authorities (instead of `caFile`); implies TLS. */
  readonly rootCerts?: string | Buffer;
  /** TLS with the system's certificate authorities (implied by `caFile` and `rootCerts`). Default false: plaintext. */
  readonly tls?: boolean;
  /**
   * How calls spread over the addresses the target resolves to (e.g. a headless
   * Kubernetes Service, or "ipv4:10.0.0.1:50051,10.0.0.2:50051"): "round_robin"
   * (the default; a replica that dies is skipped) or "pick_first".
   */
  readonly loadBalancing?: "round_robin" | "pick_first";
  /** Extra grpc-js channel options, e.g. keepalive settings; they win over the client's own. */
  readonly channelOptions?: grpc.ChannelOptions;
}

/** ConnectOptions with every default filled in. */
export interface ResolvedOptions {
  readonly address: string;
  readonly team: string;
  readonly clientId: string;
  readonly timeoutMs: number;
  readonly suggestTimeoutMs: number;
  readonly retry: Required<RetryOptions>;
  readonly loadBalancing: "round_robin" | "pick_first";
  readonly maxMessageBytes: number;
  readonly token: string | undefined;
}

/** The retries of a client that sets none. */
export const DEFAULT_RETRY: Readonly<Required<RetryOptions>> = Object.freeze({
  windowMs: 60_000,
  connectWindowMs: 10_000,
  initialBackoffMs: 100,
  maxBackoffMs: 2_000,
  backoffMultiplier: 2,
});

/** `retry` over `base`, checked: RangeError for a negative time or a multiplier below 1. */
export function resolveRetry(
  retry: RetryOptions = {},
  base: Required<RetryOptions> = DEFAULT_RETRY,
): Required<RetryOptions> {
  const resolved = { ...base };
  for (const [key, value] of Object.entries(retry) as [keyof RetryOptions, number][]) {
    if (value !== undefined) {
      resolved[key] = value;
    }
  }
  for (const key of ["windowMs", "connectWindowMs", "initialBackoffMs", "maxBackoffMs"] as const) {
    if (!(resolved[key] >= 0)) {
      throw new RangeError(`retry.${key} must be 0 or more, not ${resolved[key]}`);
    }
  }
  if (!(resolved.backoffMultiplier >= 1)) {
    throw new RangeError(
      `retry.backoffMultiplier must be at least 1, not ${resolved.backoffMultiplier}`,
    );
  }
  return resolved;
}

/** `options` with the defaults filled in. */
export function resolveOptions(address: string, options: ConnectOptions = {}): ResolvedOptions {
  if (options.token !== undefined && !/^[\x20-\x7e]*$/.test(options.token)) {
    // grpc-js would refuse it on every call, with a plain Error.
    throw new TypeError("token must be printable ASCII (a secret as `sibyl admin` prints it)");
  }
  return {
    address,
    team: options.team ?? "default",
    clientId: options.clientId ?? `${hostname()}-${process.pid}`,
    timeoutMs: options.timeoutMs ?? 30_000,
    suggestTimeoutMs: options.suggestTimeoutMs ?? 600_000,
    retry: resolveRetry(options.retry),
    loadBalancing: options.loadBalancing ?? "round_robin",
    maxMessageBytes: options.maxMessageBytes ?? 4 * 1024 * 1024,
    token: options.token,
  };
}

/**
 * The channel's service config: the load-balancing policy only. It carries no retry
 * policy, since the client retries calls itself (see RetryOptions).
 */
export function serviceConfig(resolved: Pick<ResolvedOptions, "loadBalancing">): object {
  return { loadBalancingConfig: [{ [resolved.loadBalancing]: {} }] };
}

/** The grpc-js channel options of a client. */
export function channelOptions(
  resolved: ResolvedOptions,
  options: ConnectOptions = {},
): grpc.ChannelOptions {
  return {
    "grpc.service_config": JSON.stringify(serviceConfig(resolved)),
    // grpc-js waits up to 120 s between reconnections by default: a server back after
    // an outage would only be seen after the retry window ran out.
    "grpc.max_reconnect_backoff_ms": Math.max(resolved.retry.maxBackoffMs, 1_000),
    "grpc.max_receive_message_length": resolved.maxMessageBytes,
    "grpc.max_send_message_length": resolved.maxMessageBytes,
    "grpc.primary_user_agent": "sibyl-node",
    ...options.channelOptions,
  };
}

/** TLS when a CA (or `tls`) is given, plaintext otherwise. */
export function channelCredentials(options: ConnectOptions = {}): grpc.ChannelCredentials {
  if (options.rootCerts !== undefined) {
    return grpc.credentials.createSsl(Buffer.from(options.rootCerts));
  }
  if (options.caFile !== undefined) {
    return grpc.credentials.createSsl(readFileSync(options.caFile));
  }
  if (options.tls) {
    return grpc.credentials.createSsl();
  }
  return grpc.credentials.createInsecure();
}

/** The metadata sent with every call: the bearer token, when there is one. */
export function callMetadata(resolved: ResolvedOptions): grpc.Metadata {
  const metadata = new grpc.Metadata();
  if (resolved.token) {
    metadata.set("authorization", `Bearer ${resolved.token}`);
  }
  return metadata;
}
