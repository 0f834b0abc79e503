/**
 * What the channel does, against a stand-in server: retries of UNAVAILABLE and ABORTED
 * within their window, deadlines per method, bearer tokens, TLS and cancellation.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mock, test } from "node:test";

import * as grpc from "@grpc/grpc-js";

import {
  AbortedError,
  CancelledError,
  DeadlineExceededError,
  InternalError,
  UnavailableError,
  connect,
} from "../src/index";
import type { Client, ConnectOptions } from "../src/index";
import { failing, startFakeServer } from "./support/fakeServer";
import type { FakeServer } from "./support/fakeServer";
import { cleanupsAfterEach, rejection } from "./support/fixtures";

const FAST_RETRY = { initialBackoffMs: 10, maxBackoffMs: 50 };
const NO_RETRY = { windowMs: 0, connectWindowMs: 0 };
const STUDY = {
  name: "teams/default/studies/s",
  spec: { parameters: [], metrics: [] },
  state: "STUDY_STATE_ACTIVE",
};

const defer = cleanupsAfterEach();

async function serve(handlers: grpc.UntypedServiceImplementation): Promise<FakeServer> {
  const server = await startFakeServer(handlers);
  defer(() => server.stop());
  return server;
}

function open(address: string, options: ConnectOptions = {}): Client {
  const client = connect(address, { retry: FAST_RETRY, ...options });
  defer(() => client.close());
  return client;
}

test("UNAVAILABLE is retried until the server answers, and said once", async () => {
  let calls = 0;
  const server = await serve({
    ListStudies: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      calls += 1;
      if (calls < 4) {
        callback({ code: grpc.status.UNAVAILABLE, details: "draining" });
      } else {
        callback(null, { studies: [], nextPageToken: "" });
      }
    },
  });
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  assert.deepEqual(await open(server.address).listStudies(), []);
  assert.equal(calls, 4);
  assert.equal(warn.mock.callCount(), 1, "the first retry of a call is logged, once");
  assert.match(
    String(warn.mock.calls[0]!.arguments[0]),
    /UNAVAILABLE at 127\.0\.0\.1:\d+ \(draining\)/,
  );
});

test("retries stop once the window is used up, with UnavailableError naming the address", async () => {
  const counter = { calls: 0 };
  const server = await serve({ GetStudy: failing(grpc.status.UNAVAILABLE, counter) });
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const client = open(server.address, {
    retry: { ...FAST_RETRY, windowMs: 400, connectWindowMs: 400 },
  });
  const began = Date.now();
  const error = await rejection(client.getStudy("s"));
  const elapsed = Date.now() - began;
  assert.ok(error instanceof UnavailableError, String(error));
  assert.ok(elapsed >= 390 && elapsed < 2_000, `gave up after ${elapsed} ms`);
  assert.ok(counter.calls > 3, `${counter.calls} attempts`);
  assert.ok(error.message.includes(server.address), error.message);
  assert.match(error.message, /fake UNAVAILABLE/, "the last answer is kept");
});

test("retries can be turned off, for the client or for one call", async () => {
  const counter = { calls: 0 };
  const server = await serve({ GetStudy: failing(grpc.status.UNAVAILABLE, counter) });
  const client = open(server.address, { retry: NO_RETRY });
  assert.ok((await rejection(client.getStudy("s"))) instanceof UnavailableError);
  assert.equal(counter.calls, 1);
  const retrying = open(server.address);
  assert.ok(
    (await rejection(retrying.getStudy("s", { retry: NO_RETRY }))) instanceof UnavailableError,
  );
  assert.equal(counter.calls, 2, "a call's retry options win over the client's");
});

test("ABORTED is retried too; other codes are not", async () => {
  const internal = { calls: 0 };
  let aborted = 0;
  const server = await serve({
    GetStudy: failing(grpc.status.INTERNAL, internal),
    DeleteStudy: (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
      aborted += 1;
      callback(aborted < 3 ? { code: grpc.status.ABORTED, details: "conflict" } : null, {});
    },
  });
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const client = open(server.address);
  assert.ok((await rejection(client.getStudy("s"))) instanceof InternalError);
  await client.call("DeleteStudy", { name: "teams/default/studies/s" });
  assert.deepEqual([internal.calls, aborted], [1, 3]);
  const stubborn = await serve({ DeleteStudy: failing(grpc.status.ABORTED, { calls: 0 }) });
  const request = { name: "teams/default/studies/s" };
  const options = { retry: { windowMs: 100, connectWindowMs: 100 } };
  const error = await rejection(open(stubborn.address).call("DeleteStudy", request, options));
  assert.ok(error instanceof AbortedError, "ABORTED once its window is used up");
});

test("an unreachable server is UnavailableError after the connect window, naming the address", async () => {
  const server = await serve({});
  const { address } = server;
  server.stop(); // nothing listens on the port any more
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const retry = { connectWindowMs: 500, windowMs: 60_000 };
  const began = Date.now();
  const error = await rejection(open(address, { retry }).getStudy("s"));
  const elapsed = Date.now() - began;
  assert.ok(error instanceof UnavailableError, String(error));
  assert.ok(elapsed < 5_000, `a server never reached gets the connect window, not ${elapsed} ms`);
  assert.ok(error.message.includes(`could not reach a Sibyl server at ${address}`), error.message);
  assert.match(error.message, /Is `sibyl serve` running there/);
  // The cause, not "nothing answered in HTTP/2", which was said of every failure.
  assert.match(error.message, /ECONNREFUSED/);
});

test("an aborted signal ends the wait for a connection at once", async () => {
  const server = await serve({});
  const { address } = server;
  server.stop();
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const began = Date.now();
  const error = await rejection(
    open(address, { retry: { connectWindowMs: 10_000 } }).getStudy("s", {
      signal: AbortSignal.timeout(100),
    }),
  );
  assert.ok(error instanceof CancelledError, String(error));
  assert.ok(Date.now() - began < 1_000, "not after the connection attempt's slice");
});

test("an address that accepts connections but never answers fails after the connect window", async () => {
  // As a wrong port whose program never speaks HTTP/2 (a stuck proxy, another service).
  const sockets: net.Socket[] = [];
  const silent = net.createServer((socket) => sockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  defer(() => {
    sockets.forEach((socket) => socket.destroy());
    silent.close();
  });
  const address = `127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const client = open(address, { retry: { connectWindowMs: 500, windowMs: 60_000 } });
  for (const call of [
    () => client.listStudies(),
    () => client.call("SuggestTrials", { parent: "teams/default/studies/s", count: 1 }),
  ]) {
    const began = Date.now();
    const error = await rejection(call());
    const elapsed = Date.now() - began;
    assert.ok(error instanceof UnavailableError, String(error));
    assert.ok(elapsed < 5_000, `the connect window, not the call's deadline: ${elapsed} ms`);
    assert.ok(error.message.includes(`could not reach a Sibyl server at ${address}`));
  }
});

test("an aborted signal ends the retries with CancelledError", async () => {
  const counter = { calls: 0 };
  const server = await serve({ GetStudy: failing(grpc.status.UNAVAILABLE, counter) });
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  const error = await rejection(
    open(server.address).getStudy("s", { signal: AbortSignal.timeout(200) }),
  );
  assert.ok(error instanceof CancelledError, String(error));
  assert.ok(counter.calls > 1);
});

test("SuggestTrials gets suggestTimeoutMs, other calls timeoutMs", async () => {
  const deadlines: Record<string, number> = {};
  const remember =
    (name: string, response: object) =>
    (call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      deadlines[name] = Number(call.getDeadline()) - Date.now();
      callback(null, response);
    };
  const server = await serve({
    GetStudy: remember("GetStudy", { study: STUDY }),
    SuggestTrials: remember("SuggestTrials", { trials: [], studyState: "STUDY_STATE_ACTIVE" }),
  });
  const client = open(server.address, { timeoutMs: 5_000, suggestTimeoutMs: 50_000 });
  const study = await client.getStudy("s");
  await study.suggest();
  assert.ok(deadlines.GetStudy! > 4_000 && deadlines.GetStudy! <= 5_000, `${deadlines.GetStudy}`);
  assert.ok(deadlines.SuggestTrials! > 49_000 && deadlines.SuggestTrials! <= 50_000);
});

test("a call that gets no answer fails at its deadline", async () => {
  const server = await serve({ GetStudy: () => undefined }); // never answers
  const client = open(server.address, { timeoutMs: 300 });
  const began = Date.now();
  const error = await rejection(client.getStudy("s"));
  const elapsed = Date.now() - began;
  assert.ok(error instanceof DeadlineExceededError);
  assert.ok(elapsed >= 250 && elapsed < 3_000, `failed after ${elapsed} ms`);
});

test("an aborted signal cancels the call", async () => {
  const server = await serve({ GetStudy: () => undefined });
  const client = open(server.address);
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  const error = await rejection(client.getStudy("s", { signal: controller.signal }));
  assert.ok(error instanceof CancelledError, String(error));
  const early = await rejection(client.getStudy("s", { signal: AbortSignal.abort() }));
  assert.ok(early instanceof CancelledError, "an already aborted signal sends nothing");
});

test("a token is sent as bearer authorization metadata, and only when set", async () => {
  const seen: string[][] = [];
  const server = await serve({
    GetStudy: (
      call: grpc.ServerUnaryCall<unknown, unknown>,
      callback: grpc.sendUnaryData<unknown>,
    ) => {
      seen.push(call.metadata.get("authorization").map(String));
      callback(null, { study: STUDY });
    },
  });
  await open(server.address, { token: "s3cret" }).getStudy("s");
  await open(server.address).getStudy("s");
  assert.deepEqual(seen, [["Bearer s3cret"], []]);
});

function selfSignedCertificate(directory: string): { key: Buffer; cert: Buffer; certFile: string } {
  const keyFile = join(directory, "key.pem");
  const certFile = join(directory, "cert.pem");
  execFileSync(
    "openssl",
    ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyFile, "-out", certFile]
      .concat(["-days", "1", "-subj", "/CN=localhost"])
      .concat(["-addext", "subjectAltName=DNS:localhost"]),
    { stdio: "ignore" },
  );
  return { key: readFileSync(keyFile), cert: readFileSync(certFile), certFile };
}

function hasOpenssl(): boolean {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

test(
  "TLS with caFile or rootCerts; plaintext otherwise",
  { skip: !hasOpenssl() && "no openssl" },
  async () => {
    const directory = mkdtempSync(join(tmpdir(), "sibyl-tls-"));
    defer(() => rmSync(directory, { recursive: true, force: true }));
    const { key, cert, certFile } = selfSignedCertificate(directory);
    const credentials = grpc.ServerCredentials.createSsl(null, [
      { private_key: key, cert_chain: cert },
    ]);
    const server = await startFakeServer(
      {
        GetStudy: (_call: unknown, callback: grpc.sendUnaryData<unknown>) =>
          callback(null, { study: STUDY }),
      },
      credentials,
    );
    defer(() => server.stop());
    // The certificate names localhost: the name to check, instead of the address's IP.
    const channelOptions = { "grpc.ssl_target_name_override": "localhost" };
    const withFile = open(server.address, { caFile: certFile, channelOptions });
    assert.equal((await withFile.getStudy("s")).name, STUDY.name);
    const withPem = open(server.address, { rootCerts: cert, channelOptions });
    assert.equal((await withPem.getStudy("s")).name, STUDY.name);
    const plaintext = open(server.address, { timeoutMs: 2_000, retry: NO_RETRY });
    assert.ok((await rejection(plaintext.getStudy("s"))) instanceof UnavailableError);
  },
);
