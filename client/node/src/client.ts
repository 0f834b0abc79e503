/** Connecting to a Sibyl server: the channel, the calls, and study-level operations. */
import { randomUUID } from "node:crypto";

import * as grpc from "@grpc/grpc-js";

import { Caller } from "./calls";
import { CancelledError, AlreadyExistsError } from "./errors";
import type { StudyServiceClient } from "./generated/sibyl/v1/StudyService";
import type { TeamServiceClient } from "./generated/sibyl/v1/TeamService";
import {
  callMetadata,
  channelCredentials,
  channelOptions,
  resolveOptions,
  resolveRetry,
} from "./options";
import type { ConnectOptions, ResolvedOptions, RetryOptions } from "./options";
import { durationOf, sibylV1 } from "./proto";
import type {
  MethodName,
  RequestOf,
  ResponseOf,
  TeamMethodName,
  TeamRequestOf,
  TeamResponseOf,
} from "./proto";
import { specToMessage } from "./spec";
import type { StudySpec } from "./spec";
import { mismatchError, specDifferences } from "./specDiff";
import { Study } from "./study";
import { roleEnum, teamOf, tokenOf } from "./team";
import type { CreatedToken, Role, Team, Token } from "./team";

const READY = grpc.connectivityState.READY;
const TRANSIENT_FAILURE = grpc.connectivityState.TRANSIENT_FAILURE;

/**
 * Whether `stub`'s channel is ready by `deadline`; rejects with CancelledError as soon
 * as `signal` is aborted.
 */
function readyBy(
  stub: grpc.Client,
  deadline: Date,
  method: string,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  return new Promise<boolean>((resolve, reject) => {
    const aborted = (): void =>
      reject(new CancelledError(`${method} not sent: the signal was aborted`));
    if (signal?.aborted) {
      aborted();
      return;
    }
    signal?.addEventListener("abort", aborted, { once: true });
    stub.waitForReady(deadline, (error) => {
      signal?.removeEventListener("abort", aborted);
      resolve(!error);
    });
  });
}
/** The longest an attempt waits for a connection before it counts as failed. */
const CONNECT_ATTEMPT_MS = 2_000;

/** Options every call takes. */
export interface CallOptions {
  /**
   * Deadline of each attempt of this call in ms, instead of the client's `timeoutMs`
   * (or `suggestTimeoutMs`).
   */
  readonly timeoutMs?: number;
  /** Cancels the call (or its retries) when aborted; it then fails with CancelledError. */
  readonly signal?: AbortSignal;
  /** Retries of this call, over the client's `retry`; `{ windowMs: 0, connectWindowMs: 0 }` turns them off. */
  readonly retry?: RetryOptions;
}

/** Options of createStudy and createOrLoadStudy. */
export interface CreateStudyOptions extends CallOptions {
  /** Human-readable name shown by tools; at most 256 characters. */
  readonly displayName?: string;
  /**
   * Makes retries safe: a second CreateStudy with the same id returns the study the
   * first created instead of AlreadyExistsError. Default: a random UUID per call, the
   * same for all of its retries.
   */
  readonly requestId?: string;
}

/** Options of createToken. */
export interface CreateTokenOptions extends CallOptions {
  /** Free text to recognise the token by, e.g. "ci pipeline"; at most 256 characters. */
  readonly description?: string;
  /** How long the token works, in seconds (at least 1). Unset: it never expires. */
  readonly ttlSeconds?: number;
}

/** Options of listing calls. */
export interface ListOptions extends CallOptions {
  /** Items fetched per call: 0 (the default) lets the server choose. */
  readonly pageSize?: number;
}

type UnaryMethod = (
  request: unknown,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => grpc.ClientUnaryCall;

/** A connection to a Sibyl server, for one team. `close()` when done. */
export class Client {
  /** The options in force, defaults filled in. */
  readonly options: ResolvedOptions;
  /** The generated grpc-js stub, for what this client does not wrap. */
  readonly stub: StudyServiceClient;
  /** The generated grpc-js stub of TeamService, on the same channel. */
  readonly teamStub: TeamServiceClient;
  private readonly caller: Caller;

  constructor(address: string, options: ConnectOptions = {}) {
    this.options = resolveOptions(address, options);
    const credentials = channelCredentials(options);
    this.stub = new sibylV1.StudyService(
      address,
      credentials,
      channelOptions(this.options, options),
    );
    this.teamStub = new sibylV1.TeamService(address, credentials, {
      channelOverride: this.stub.getChannel(),
    });
    this.caller = new Caller(address, this.options.retry);
  }

  /** `teams/{team}`: the parent of this client's studies. */
  get teamName(): string {
    return `teams/${this.options.team}`;
  }

  /**
   * Calls a StudyService method with the client's deadline, metadata and retries;
   * failures reject with a SibylError subclass. SuggestTrials gets `suggestTimeoutMs`.
   */
  call<M extends MethodName>(
    method: M,
    request: RequestOf<M>,
    options: CallOptions = {},
  ): Promise<ResponseOf<M>> {
    const fallback =
      method === "SuggestTrials" ? this.options.suggestTimeoutMs : this.options.timeoutMs;
    return this.invoke(this.stub, method, request, options.timeoutMs ?? fallback, options);
  }

  /** Calls a TeamService method, as `call` does StudyService ones. */
  callTeam<M extends TeamMethodName>(
    method: M,
    request: TeamRequestOf<M>,
    options: CallOptions = {},
  ): Promise<TeamResponseOf<M>> {
    const timeoutMs = options.timeoutMs ?? this.options.timeoutMs;
    return this.invoke(this.teamStub, method, request, timeoutMs, options);
  }

  private invoke<R>(
    stub: grpc.Client,
    method: string,
    request: unknown,
    timeoutMs: number,
    options: CallOptions,
  ): Promise<R> {
    const retry = options.retry ? resolveRetry(options.retry, this.options.retry) : undefined;
    const began = Date.now();
    const connectWindowMs = (retry ?? this.options.retry).connectWindowMs;
    const attempt = async (): Promise<R> => {
      if (connectWindowMs > 0) {
        await this.connected(stub, began + connectWindowMs, method, options.signal);
      }
      return this.attempt(stub, method, request, timeoutMs, options.signal);
    };
    return this.caller.invoke(method, attempt, retry, options.signal);
  }

  /**
   * Resolves once the channel is connected, or at once after the server answered a call;
   * until then an attempt waits for the connection at most CONNECT_ATTEMPT_MS, and never
   * past `by` (the end of the connect window), then fails UNAVAILABLE. Without this, an
   * address that accepts connections but never speaks HTTP/2 would hold each call for
   * its whole deadline (SuggestTrials': ten minutes) instead of failing fast and naming
   * the address. A channel in TRANSIENT_FAILURE (a refused connection, an unknown host,
   * a certificate it does not trust) goes on to the attempt, which grpc-js fails at
   * once with that cause. An aborted `signal` ends the wait at once.
   */
  private async connected(
    stub: grpc.Client,
    by: number,
    method: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const channel = stub.getChannel();
    if (this.caller.everReached || channel.getConnectivityState(true) === READY) {
      return;
    }
    if (by > Date.now()) {
      // In slices: each failed one is an UNAVAILABLE attempt, retried and logged as any.
      const deadline = new Date(Math.min(by, Date.now() + CONNECT_ATTEMPT_MS));
      if (await readyBy(stub, deadline, method, signal)) {
        return;
      }
    }
    if (channel.getConnectivityState(false) === TRANSIENT_FAILURE) {
      return;
    }
    throw {
      code: grpc.status.UNAVAILABLE,
      details: "no connection could be made (nothing answered in HTTP/2)",
      metadata: new grpc.Metadata(),
    } satisfies Partial<grpc.ServiceError>;
  }

  /** One attempt of a call: rejects with grpc-js's error, or CancelledError if `signal` is aborted. */
  private attempt<R>(
    stub: grpc.Client,
    method: string,
    request: unknown,
    timeoutMs: number,
    signal: AbortSignal | undefined,
  ): Promise<R> {
    const deadline = new Date(Date.now() + timeoutMs);
    if (signal?.aborted) {
      return Promise.reject(new CancelledError(`${method} not sent: the signal was aborted`));
    }
    const invoke = (stub as unknown as Record<string, UnaryMethod>)[method]!;
    return new Promise((resolve, reject) => {
      const cancel = (): void => call.cancel();
      const call = invoke.call(
        stub,
        request,
        callMetadata(this.options),
        { deadline },
        (error, response) => {
          signal?.removeEventListener("abort", cancel);
          if (error) {
            reject(error);
          } else {
            resolve(response as R);
          }
        },
      );
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  /**
   * Creates a study; AlreadyExistsError if the team has one with that id (unless an
   * earlier attempt of this very call created it: retries return it).
   */
  async createStudy(
    studyId: string,
    spec: StudySpec,
    options: CreateStudyOptions = {},
  ): Promise<Study> {
    const request = {
      parent: this.teamName,
      studyId,
      study: { displayName: options.displayName ?? "", spec: specToMessage(spec) },
      requestId: options.requestId ?? randomUUID(),
    };
    const response = await this.call("CreateStudy", request, options);
    return new Study(this, response.study!);
  }

  /** The study with this id; NotFoundError if there is none. */
  async getStudy(studyId: string, options: CallOptions = {}): Promise<Study> {
    const response = await this.call(
      "GetStudy",
      { name: `${this.teamName}/studies/${studyId}` },
      options,
    );
    return new Study(this, response.study!);
  }

  /**
   * Creates the study, or loads it if it exists with the same search space.
   *
   * Every worker of a job can call this with the same arguments. Throws
   * SpecMismatchError if an existing study's parameters, metrics, algorithm, budget or
   * early stopping differ from `spec`; its message lists each difference with the
   * stored and the given value (see `specDifferences`).
   */
  async createOrLoadStudy(
    studyId: string,
    spec: StudySpec,
    options: CreateStudyOptions = {},
  ): Promise<Study> {
    let study: Study;
    try {
      // Compared too: with the `requestId` of an earlier call, the study that call made.
      study = await this.createStudy(studyId, spec, options);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) {
        throw error;
      }
      study = await this.getStudy(studyId, options);
    }
    const differences = specDifferences(spec, study.proto.spec!);
    if (differences.length > 0) {
      throw mismatchError(study.name, studyId, differences);
    }
    return study;
  }

  /** Every study of the team, oldest first, fetched a page at a time as the loop goes. */
  async *iterateStudies(options: ListOptions = {}): AsyncGenerator<Study> {
    let pageToken = "";
    do {
      const request = { parent: this.teamName, pageSize: options.pageSize ?? 0, pageToken };
      const response = await this.call("ListStudies", request, options);
      for (const study of response.studies) {
        yield new Study(this, study);
      }
      pageToken = response.nextPageToken;
    } while (pageToken);
  }

  /** Every study of the team, oldest first (all pages). */
  async listStudies(options: ListOptions = {}): Promise<Study[]> {
    const studies: Study[] = [];
    for await (const study of this.iterateStudies(options)) {
      studies.push(study);
    }
    return studies;
  }

  /** The client's team with its quotas. Any role may read it. */
  async team(options: CallOptions = {}): Promise<Team> {
    return teamOf((await this.callTeam("GetTeam", { name: this.teamName }, options)).team!);
  }

  /**
   * Creates a token for the team ("reader", "writer" or "admin") and returns it with
   * its secret, which is shown only here. Needs an admin token. Safe to retry: a retry
   * whose first answer was lost revokes the token that attempt created.
   */
  async createToken(role: Role, options: CreateTokenOptions = {}): Promise<CreatedToken> {
    const request: TeamRequestOf<"CreateToken"> = {
      parent: this.teamName,
      role: roleEnum(role),
      description: options.description ?? "",
      requestId: randomUUID(),
    };
    if (options.ttlSeconds !== undefined) {
      request.timeToLive = durationOf(options.ttlSeconds);
    }
    const response = await this.callTeam("CreateToken", request, options);
    return { token: tokenOf(response.token!), secret: response.secret };
  }

  /** The team's tokens (never their secrets), oldest first, revoked and expired ones included. Needs an admin token. */
  async listTokens(options: ListOptions = {}): Promise<Token[]> {
    const tokens: Token[] = [];
    let pageToken = "";
    do {
      const request = { parent: this.teamName, pageSize: options.pageSize ?? 0, pageToken };
      const response = await this.callTeam("ListTokens", request, options);
      tokens.push(...response.tokens.map(tokenOf));
      pageToken = response.nextPageToken;
    } while (pageToken);
    return tokens;
  }

  /**
   * Revokes a token (by its name, `teams/{team}/tokens/{id}`, or as listed): calls
   * with it fail with UnauthenticatedError from then on. Revoking it again returns it
   * unchanged. Needs an admin token.
   */
  async revokeToken(
    token: string | Pick<Token, "name">,
    options: CallOptions = {},
  ): Promise<Token> {
    const name = typeof token === "string" ? token : token.name;
    return tokenOf((await this.callTeam("RevokeToken", { name }, options)).token!);
  }

  /** Closes the channel: no call can be made with this client afterwards. */
  close(): void {
    this.stub.close();
  }
}

export { specDifference } from "./specDiff";

/**
 * Connects to a Sibyl server (no call is made until the first request).
 *
 * ```ts
 * const client = connect("localhost:50051", { team: "vision", clientId: "worker-3" });
 * const study = await client.createOrLoadStudy("my-study", spec);
 * ```
 */
export function connect(address: string, options: ConnectOptions = {}): Client {
  return new Client(address, options);
}
