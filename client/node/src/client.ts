/** Connecting to a Sibyl server: the channel, the calls, and study-level operations. */
import { isDeepStrictEqual } from "node:util";

import * as grpc from "@grpc/grpc-js";

import { CancelledError, AlreadyExistsError, SpecMismatchError, fromServiceError } from "./errors";
import type { StudySpec__Output } from "./generated/sibyl/v1/StudySpec";
import type { StudyServiceClient } from "./generated/sibyl/v1/StudyService";
import { callMetadata, channelCredentials, channelOptions, resolveOptions } from "./options";
import type { ConnectOptions, ResolvedOptions } from "./options";
import { normalized, sibylV1 } from "./proto";
import type { MethodName, RequestOf, ResponseOf } from "./proto";
import { specToMessage } from "./spec";
import type { StudySpec } from "./spec";
import { Study } from "./study";

/** Options every call takes. */
export interface CallOptions {
  /** Deadline of this call in ms, instead of the client's `timeoutMs` (or `suggestTimeoutMs`). */
  readonly timeoutMs?: number;
  /** Cancels the call when aborted; it then fails with CancelledError. */
  readonly signal?: AbortSignal;
}

/** Options of createStudy and createOrLoadStudy. */
export interface CreateStudyOptions extends CallOptions {
  /** Human-readable name shown by tools; at most 256 characters. */
  readonly displayName?: string;
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

  constructor(address: string, options: ConnectOptions = {}) {
    this.options = resolveOptions(address, options);
    this.stub = new sibylV1.StudyService(
      address,
      channelCredentials(options),
      channelOptions(this.options, options),
    );
  }

  /** `teams/{team}`: the parent of this client's studies. */
  get teamName(): string {
    return `teams/${this.options.team}`;
  }

  /**
   * Calls a StudyService method with the client's deadline and metadata; failures
   * reject with a SibylError subclass. SuggestTrials gets `suggestTimeoutMs`.
   */
  call<M extends MethodName>(
    method: M,
    request: RequestOf<M>,
    options: CallOptions = {},
  ): Promise<ResponseOf<M>> {
    const fallback =
      method === "SuggestTrials" ? this.options.suggestTimeoutMs : this.options.timeoutMs;
    const deadline = new Date(Date.now() + (options.timeoutMs ?? fallback));
    const { signal } = options;
    if (signal?.aborted) {
      return Promise.reject(new CancelledError(`${method} not sent: the signal was aborted`));
    }
    const invoke = (this.stub as unknown as Record<MethodName, UnaryMethod>)[method];
    return new Promise((resolve, reject) => {
      const cancel = (): void => call.cancel();
      const call = invoke.call(
        this.stub,
        request,
        callMetadata(this.options),
        { deadline },
        (error, response) => {
          signal?.removeEventListener("abort", cancel);
          if (error) {
            reject(fromServiceError(error));
          } else {
            resolve(response as ResponseOf<M>);
          }
        },
      );
      signal?.addEventListener("abort", cancel, { once: true });
    });
  }

  /** Creates a study; AlreadyExistsError if the team has one with that id. */
  async createStudy(
    studyId: string,
    spec: StudySpec,
    options: CreateStudyOptions = {},
  ): Promise<Study> {
    const request = {
      parent: this.teamName,
      studyId,
      study: { displayName: options.displayName ?? "", spec: specToMessage(spec) },
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
   * SpecMismatchError if an existing study's parameters, metrics, algorithm or
   * budget differ from `spec`.
   */
  async createOrLoadStudy(
    studyId: string,
    spec: StudySpec,
    options: CreateStudyOptions = {},
  ): Promise<Study> {
    let study: Study;
    try {
      return await this.createStudy(studyId, spec, options);
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) {
        throw error;
      }
      study = await this.getStudy(studyId, options);
    }
    const difference = specDifference(spec, study.proto.spec!);
    if (difference) {
      throw new SpecMismatchError(study.name, difference);
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

  /** Closes the channel: no call can be made with this client afterwards. */
  close(): void {
    this.stub.close();
  }
}

/**
 * Names the first of parameters/metrics/algorithm/maxTrials where `wanted` and the
 * stored spec differ, or "" when they agree.
 */
export function specDifference(wanted: StudySpec, stored: StudySpec__Output): string {
  const asStored = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(wanted));
  for (const parameter of asStored.parameters) {
    parameter.discreteValues?.values.sort((a, b) => a - b); // the server stores them ascending
  }
  for (const key of ["parameters", "metrics", "algorithm", "maxTrials"] as const) {
    if (!isDeepStrictEqual(asStored[key], stored[key])) {
      return key;
    }
  }
  return "";
}

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
