/**
 * A pass-through gRPC proxy in front of a real server, for what the network does and
 * a server cannot be made to do on cue: lose an answer after the server acted on the
 * request. Every StudyService and TeamService call is forwarded, with its metadata;
 * `intercept` sees each one and may fail it instead of answering.
 */
import * as grpc from "@grpc/grpc-js";

import { sibylV1 } from "../../src/proto";

/** Forwards the call to the server and resolves with its answer (or rejects with its error). */
export type Forward = () => Promise<unknown>;

/** Sees each call: resolves with the answer to give, or rejects with the error to give. */
export type Intercept = (method: string, request: unknown, forward: Forward) => Promise<unknown>;

/** A call the proxy received. */
export interface Received {
  readonly method: string;
  readonly request: Record<string, unknown>;
}

export interface Proxy {
  /** host:port it listens on (127.0.0.1). */
  readonly address: string;
  /** Every call received, in order. */
  readonly received: Received[];
  /** Stops at once. */
  stop(): void;
}

/** Starts a proxy to `target`; `intercept` defaults to forwarding every call. */
export async function startProxy(
  target: string,
  intercept: Intercept = (_method, _request, forward) => forward(),
): Promise<Proxy> {
  const received: Received[] = [];
  const server = new grpc.Server();
  const insecure = grpc.credentials.createInsecure();
  const upstreams: grpc.Client[] = [];
  for (const Service of [sibylV1.StudyService, sibylV1.TeamService]) {
    const upstream = new Service(target, insecure) as unknown as grpc.Client;
    upstreams.push(upstream);
    const handlers: grpc.UntypedServiceImplementation = {};
    for (const method of Object.keys(Service.service)) {
      handlers[method] = (
        call: grpc.ServerUnaryCall<Record<string, unknown>, unknown>,
        callback: grpc.sendUnaryData<unknown>,
      ) => {
        received.push({ method, request: call.request });
        const forward = (): Promise<unknown> => relay(upstream, method, call);
        intercept(method, call.request, forward).then(
          (response) => callback(null, response),
          (error: grpc.ServiceError) => callback(error),
        );
      };
    }
    server.addService(Service.service, handlers);
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  const stop = (): void => {
    server.forceShutdown();
    upstreams.forEach((upstream) => upstream.close());
  };
  return { address: `127.0.0.1:${port}`, received, stop };
}

type Unary = (
  request: unknown,
  metadata: grpc.Metadata,
  callback: (error: grpc.ServiceError | null, response?: unknown) => void,
) => void;

function relay(
  upstream: grpc.Client,
  method: string,
  call: grpc.ServerUnaryCall<unknown, unknown>,
): Promise<unknown> {
  const send = (upstream as unknown as Record<string, Unary>)[method]!;
  return new Promise((resolve, reject) =>
    send.call(upstream, call.request, call.metadata, (error, response) =>
      error ? reject(error) : resolve(response),
    ),
  );
}
