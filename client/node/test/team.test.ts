/**
 * Teams and tokens against a real server with authentication on (`--auth token`):
 * a token's lifecycle, roles, and the typed errors of refused calls.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { NotFoundError, PermissionDeniedError, UnauthenticatedError, connect } from "../src/index";
import type { Client, StudySpec } from "../src/index";
import { rejection } from "./support/fixtures";
import { SibylServer } from "./support/sibylServer";

const TEAM = "node-team";
const SPEC: StudySpec = { parameters: { c: ["a", "b"] }, metrics: { y: "minimize" } };

let server: SibylServer;
let admin: Client;
const clients: Client[] = [];

/** A client of TEAM (or `team`) with `token`; closed after the tests. */
function as(token: string | undefined, team = TEAM): Client {
  const client = connect(server.address, { team, token });
  clients.push(client);
  return client;
}

before(async () => {
  server = await SibylServer.start({ args: ["--auth", "token"] });
  admin = as(await server.createTeam(TEAM));
});

after(async () => {
  for (const client of clients) {
    client.close();
  }
  await server?.stop();
});

test("the team, read with any role", async () => {
  const team = await admin.team();
  assert.equal(team.name, `teams/${TEAM}`);
  assert.deepEqual(team.quotas, {
    maxActiveStudies: 0,
    maxTrialsPerStudy: 0,
    maxSuggestRequestsPerSecond: 0,
  });
  assert.ok(team.createTime instanceof Date && Date.now() - team.createTime.getTime() < 600_000);
  const { secret } = await admin.createToken("reader");
  assert.equal((await as(secret).team()).name, `teams/${TEAM}`);
});

test("a token's lifecycle: create, use, list, revoke", async () => {
  const before = Date.now();
  const { token, secret } = await admin.createToken("writer", {
    description: "ci pipeline",
    ttlSeconds: 3600,
  });
  assert.match(token.name, new RegExp(`^teams/${TEAM}/tokens/[0-9a-f]+$`));
  assert.ok(secret.includes(token.name.split("/").pop()!), "the id is part of the secret");
  assert.equal(token.role, "writer");
  assert.equal(token.description, "ci pipeline");
  assert.equal(token.revokeTime, undefined);
  const expiresIn = token.expireTime!.getTime() - before;
  assert.ok(expiresIn > 3590_000 && expiresIn < 3700_000, `expires in ${expiresIn} ms`);

  const writer = as(secret);
  const study = await writer.createStudy("written-by-ci", SPEC);
  assert.equal((await study.suggest()).length, 1);

  const listed = await admin.listTokens({ pageSize: 1 });
  assert.ok(listed.length >= 2, "across pages");
  assert.equal(listed[0]!.role, "admin", "oldest first: the team's first admin token");
  assert.deepEqual(
    listed.find((t) => t.name === token.name),
    token,
  );
  const forever = await admin.createToken("reader");
  assert.equal(forever.token.expireTime, undefined, "no ttl: never expires");

  const revoked = await admin.revokeToken(token.name);
  assert.ok(revoked.revokeTime instanceof Date);
  assert.deepEqual(await admin.revokeToken(revoked), revoked, "revoking again: unchanged");
  const refused = await rejection(writer.getStudy("written-by-ci"));
  assert.ok(refused instanceof UnauthenticatedError);
  assert.ok((await admin.listTokens()).some((t) => t.name === token.name && t.revokeTime));
});

test("roles, missing tokens and other teams are typed errors", async () => {
  const reader = as((await admin.createToken("reader")).secret);
  const readOnly = await rejection(reader.createStudy("by-a-reader", SPEC));
  assert.ok(readOnly instanceof PermissionDeniedError, String(readOnly));
  const writer = as((await admin.createToken("writer")).secret);
  const notAdmin = await rejection(writer.listTokens());
  assert.ok(notAdmin instanceof PermissionDeniedError, String(notAdmin));
  const notAdminCreate = await rejection(writer.createToken("admin"));
  assert.ok(notAdminCreate instanceof PermissionDeniedError);

  const anonymous = await rejection(as(undefined).team());
  assert.ok(anonymous instanceof UnauthenticatedError, String(anonymous));
  const wrong = await rejection(as("sibyl_0123456789abcdef_nope").listStudies());
  assert.ok(wrong instanceof UnauthenticatedError);

  const elsewhere = await rejection(as(admin.options.token, "another-team").team());
  assert.ok(elsewhere instanceof NotFoundError, "another team's resources do not exist");

  await assert.rejects(admin.createToken("owner" as "admin"), RangeError);
});
