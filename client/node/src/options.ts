/** How to reach a server and how calls behave: the options of `connect`, resolved. */
import { readFileSync } from "node:fs";
import { hostname } from "node:os";

import * as grpc from "@grpc/grpc-js";

import { SERVICE_NAME, TEAM_SERVICE_NAME } from "./proto";

/**
 * Retries of calls that failed with UNAVAILABLE, the only code retried.
 *
 * Every Sibyl call is safe to retry (see the proto), so this covers all of them,
 * TeamService's included. The retries are done by grpc-js from the channel's service
 * config.
 */
export interface RetryOptions {
  /** Attempts in all, the first included: 2 to 5 (gRPC's limit); 1 turns retries off. Default 5. */
  readonly maxAttempts?: number;
  /** Upper bound of the random wait before the first retry, in ms; later bounds grow by `backoffMultiplier`. Default 200. */
  readonly initialBackoffMs?: number;
  /** Longest wait between two attempts, in ms. Default 5000. */
  readonly maxBackoffMs?: number;
  /** Growth of the wait from one retry to the next. Default 2. */
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
  /** Deadline of each call but SuggestTrials, in ms. Default 30,000. */
  readonly timeoutMs?: number;
  /** Deadline of SuggestTrials, which may fit a model and wait for other workers, in ms. Default 600,000. */
  readonly suggestTimeoutMs?: number;
  /** Retries of UNAVAILABLE calls. */
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

const DEFAULT_RETRY: Required<RetryOptions> = {
  maxAttempts: 5,
  initialBackoffMs: 200,
  maxBackoffMs: 5000,
  backoffMultiplier: 2,
};

/** `options` with the defaults filled in. */
export function resolveOptions(address: string, options: ConnectOptions = {}): ResolvedOptions {
  return {
    address,
    team: options.team ?? "default",
    clientId: options.clientId ?? `${hostname()}-${process.pid}`,
    timeoutMs: options.timeoutMs ?? 30_000,
    suggestTimeoutMs: options.suggestTimeoutMs ?? 600_000,
    retry: { ...DEFAULT_RETRY, ...options.retry },
    loadBalancing: options.loadBalancing ?? "round_robin",
    maxMessageBytes: options.maxMessageBytes ?? 4 * 1024 * 1024,
    token: options.token,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)}s`;
}

/**
 * The channel's service config: the load-balancing policy, and retries of UNAVAILABLE
 * (and only it) on every StudyService and TeamService method.
 */
export function serviceConfig(resolved: Pick<ResolvedOptions, "retry" | "loadBalancing">): object {
  const { retry } = resolved;
  const methodConfig: Record<string, unknown> = {
    name: [{ service: SERVICE_NAME }, { service: TEAM_SERVICE_NAME }],
  };
  if (retry.maxAttempts > 1) {
    methodConfig.retryPolicy = {
      maxAttempts: Math.min(retry.maxAttempts, 5),
      initialBackoff: seconds(retry.initialBackoffMs),
      maxBackoff: seconds(retry.maxBackoffMs),
      backoffMultiplier: retry.backoffMultiplier,
      retryableStatusCodes: ["UNAVAILABLE"],
    };
  }
  return {
    loadBalancingConfig: [{ [resolved.loadBalancing]: {} }],
    // CreateToken is the one call not safe to retry: a retry whose first answer was
    // lost would mint a second token nobody saw.
    methodConfig: [methodConfig, { name: [{ service: TEAM_SERVICE_NAME, method: "CreateToken" }] }],
  };
}

/** The grpc-js channel options of a client. */
export function channelOptions(
  resolved: ResolvedOptions,
  options: ConnectOptions = {},
): grpc.ChannelOptions {
  return {
    "grpc.enable_retries": 1,
    "grpc.service_config": JSON.stringify(serviceConfig(resolved)),
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
