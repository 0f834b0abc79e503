/**
 * Retries against a real server: a server that starts late or goes away, and answers
 * lost on the way back, retried without creating anything twice.
 */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { mock, test } from "node:test";

import * as grpc from "@grpc/grpc-js";

import { AlreadyExistsError, UnavailableError, connect, specToMessage } from "../src/index";
import type { Client, ConnectOptions } from "../src/index";
import { RANDOM_SPEC, cleanupsAfterEach, rejection, serverForFile } from "./support/fixtures";
import { startProxy } from "./support/proxy";
import type { Intercept, Proxy } from "./support/proxy";
import { SibylServer, freePort } from "./support/sibylServer";
import type { StartOptions } from "./support/sibylServer";

let shared: SibylServer;
serverForFile((started) => {
  shared = started;
});

const defer = cleanupsAfterEach();

async function startServer(options: StartOptions = {}): Promise<SibylServer> {
  const server = await SibylServer.start(options);
  defer(() => server.stop());
  return server;
}

function open(address: string, options: ConnectOptions = {}): Client {
  const client = connect(address, { team: "node-retries", ...options });
  defer(() => client.close());
  return client;
}

async function proxy(target: string, intercept?: Intercept): Promise<Proxy> {
  const started = await startProxy(target, intercept);
  defer(() => started.stop());
  return started;
}

/** console.warn, silenced and counted. */
function silenceWarnings(): { callCount(): number } {
  const warn = mock.method(console, "warn", () => undefined);
  defer(() => warn.mock.restore());
  return warn.mock;
}

function lostAnswer(method: string): Intercept {
  let lost = false;
  return async (called, _request, forward) => {
    const response = await forward();
    if (called === method && !lost) {
      lost = true; // the server acted on it, but the client never hears so
      throw { code: grpc.status.UNAVAILABLE, details: "connection reset", metadata: undefined };
    }
    return response;
  };
}

test("calls are retried until a server that starts late answers", async () => {
  const warnings = silenceWarnings();
  const port = await freePort();
  // A window longer than the default 10 s, which a slow machine may need to start Python.
  const client = open(`127.0.0.1:${port}`, { retry: { connectWindowMs: 60_000 } });
  const listed = client.listStudies();
  await sleep(500);
  await startServer({ port });
  assert.deepEqual(await listed, []);
  assert.equal(warnings.callCount(), 1, "the retries are logged once");
});

test("a server that went away fails the call after the window, naming the address", async () => {
  silenceWarnings();
  const server = await startServer();
  const client = open(server.address, { retry: { windowMs: 1_500, connectWindowMs: 100 } });
  await client.listStudies(); // reached: from now on, the longer window applies
  await server.stop();
  const began = Date.now();
  const error = await rejection(client.listStudies());
  const elapsed = Date.now() - began;
  assert.ok(error instanceof UnavailableError, String(error));
  assert.ok(elapsed >= 1_490 && elapsed < 6_000, `gave up after ${elapsed} ms`);
  assert.ok(error.message.includes(server.address), error.message);
  assert.doesNotMatch(error.message, /sibyl serve/, "no hint once the server was reached");
});

test("createStudy whose answer was lost is retried and returns the study it created", async () => {
  silenceWarnings();
  const front = await proxy(shared.address, lostAnswer("CreateStudy"));
  const client = open(front.address);
  const id = `lost-${randomUUID().slice(0, 8)}`;
  const study = await client.createStudy(id, RANDOM_SPEC, { displayName: "once" });
  assert.equal(study.studyId, id);
  assert.equal(study.proto.displayName, "once");
  const sent = front.received.filter((r) => r.method === "CreateStudy");
  assert.equal(sent.length, 2, "the first answer was lost, the retry got one");
  assert.ok(sent[0]!.request.requestId, "a request id is sent");
  assert.equal(sent[1]!.request.requestId, sent[0]!.request.requestId, "the same for the retry");
  assert.equal((await client.listStudies()).filter((s) => s.studyId === id).length, 1);
  const another = await rejection(client.createStudy(id, RANDOM_SPEC));
  assert.ok(another instanceof AlreadyExistsError, "a new call is a new request");
});

test("the same request id, sent twice through client.call, returns the same study", async () => {
  const client = open(shared.address);
  const request = {
    parent: client.teamName,
    studyId: `again-${randomUUID().slice(0, 8)}`,
    study: { spec: specToMessage(RANDOM_SPEC) },
    requestId: randomUUID(),
  };
  const first = await client.call("CreateStudy", request);
  const second = await client.call("CreateStudy", request);
  assert.deepEqual(second.study, first.study);
  const other = await rejection(client.call("CreateStudy", { ...request, requestId: "other" }));
  assert.ok(other instanceof AlreadyExistsError);
});

test("study.delete whose answer was lost succeeds, as does deleting it again", async () => {
  silenceWarnings();
  const front = await proxy(shared.address, lostAnswer("DeleteStudy"));
  const client = open(front.address);
  const study = await client.createStudy(`gone-${randomUUID().slice(0, 8)}`, RANDOM_SPEC);
  await study.delete(); // deleted by the first attempt, whose answer was lost
  const deletes = front.received.filter((r) => r.method === "DeleteStudy");
  assert.equal(deletes.length, 2);
  assert.equal(deletes[1]!.request.allowMissing, true);
  await study.delete();
});

/** An admin of a new server with tokens, behind a proxy that loses CreateToken's first answer. */
async function adminLosingCreateToken(): Promise<{ admin: Client; front: Proxy }> {
  silenceWarnings();
  const server = await startServer({ args: ["--auth", "token"] });
  const front = await proxy(server.address, lostAnswer("CreateToken"));
  const token = await server.createTeam("node-tokens");
  return { admin: open(front.address, { team: "node-tokens", token }), front };
}

test("createToken whose answer was lost is retried with the same request id", async () => {
  const { admin, front } = await adminLosingCreateToken();
  const { secret } = await admin.createToken("reader", { description: "lost once" });
  const sent = front.received.filter((r) => r.method === "CreateToken");
  assert.equal(sent.length, 2);
  assert.match(String(sent[0]!.request.requestId), /^[0-9a-f-]{36}$/);
  assert.equal(sent[1]!.request.requestId, sent[0]!.request.requestId);
  const reader = open(front.address, { team: "node-tokens", token: secret });
  assert.equal((await reader.team()).name, "teams/node-tokens", "the secret returned works");
});

test("a lost CreateToken answer leaves no second working token", async () => {
  const { admin } = await adminLosingCreateToken();
  await admin.createToken("reader", { description: "lost once" });
  const made = (await admin.listTokens()).filter((t) => t.description === "lost once");
  assert.equal(made.filter((t) => t.revokeTime === undefined).length, 1);
});
