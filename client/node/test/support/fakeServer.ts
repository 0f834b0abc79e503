/**
 * A stand-in StudyService on a loopback port, for what a real server cannot be made
 * to do on cue: fail with UNAVAILABLE, never answer, check the metadata it receives.
 */
import * as grpc from "@grpc/grpc-js";

import { sibylV1 } from "../../src/proto";

export interface FakeServer {
  /** host:port it listens on (127.0.0.1). */
  readonly address: string;
  readonly port: number;
  /** Stops at once, failing calls in flight. */
  stop(): void;
}

/** Serves `handlers` (any StudyService method left out answers UNIMPLEMENTED). */
export async function startFakeServer(
  handlers: grpc.UntypedServiceImplementation,
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
): Promise<FakeServer> {
  const server = new grpc.Server();
  server.addService(sibylV1.StudyService.service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", credentials, (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return { address: `127.0.0.1:${port}`, port, stop: () => server.forceShutdown() };
}

/** A unary handler that answers with `status` every time, counting calls in `counter`. */
export function failing(
  code: grpc.status,
  counter: { calls: number },
): grpc.handleUnaryCall<unknown, unknown> {
  return (_call, callback) => {
    counter.calls += 1;
    callback({ code, details: `fake ${grpc.status[code]}` });
  };
}
