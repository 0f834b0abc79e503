/**
 * Leases against a real server: a worker that outran its trial's lease loses the
 * trial to another and its writes are refused (fencing); and a study's budget and
 * lease changed after creation with `update`.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";

import {
  FailedPreconditionError,
  InvalidArgumentError,
  LeaseLostError,
  Trial,
  connect,
} from "../src/index";
import { printable } from "../src/study";
import type { Client, ConnectOptions, Study, StudySpec } from "../src/index";
import { startProxy } from "./support/proxy";
import {
  RANDOM_SPEC,
  cleanupsAfterEach,
  rejection,
  serverForFile,
  uniqueId,
} from "./support/fixtures";
import type { SibylServer } from "./support/sibylServer";

const SPEC: StudySpec = { ...RANDOM_SPEC, trialLeaseSeconds: 1 };

let server: SibylServer;
serverForFile((started) => {
  server = started;
});

const defer = cleanupsAfterEach();

function open(address: string, options: ConnectOptions = {}): Client {
  const client = connect(address, { team: "node-leases", ...options });
  defer(() => client.close());
  return client;
}

/** Worker A's trial, and the same trial as worker B took it over once A's lease expired. */
async function takenOver(studyA: Study): Promise<{ trialA: Trial; trialB: Trial; studyB: Study }> {
  const [trialA] = await studyA.suggest();
  assert.ok(trialA);
  assert.equal(trialA.clientId, studyA.client.options.clientId);
  await sleep(1_500); // past the 1 s lease, with no report to renew it
  const studyB = await open(server.address, { clientId: "worker-b" }).getStudy(studyA.studyId);
  const [trialB] = await studyB.suggest();
  assert.ok(trialB);
  assert.equal(trialB.id, trialA.id, "an expired trial goes to the next worker that asks");
  assert.equal(trialB.clientId, "worker-b");
  return { trialA, trialB, studyB };
}

test("a worker that lost its trial's lease is refused; the new holder's results count", async () => {
  const front = await startProxy(server.address); // to count worker A's calls
  defer(() => front.stop());
  const studyA = await open(front.address, { clientId: "worker-a" }).createStudy(
    uniqueId("l"),
    SPEC,
  );
  const { trialA, trialB, studyB } = await takenOver(studyA);

  const asking = new Trial(studyA, trialA.proto); // A's trial, as another loop of A holds it
  assert.equal(await asking.shouldStop(), true, "the server tells A to drop the trial");
  assert.equal(asking.leaseLost, true);

  const refused = await rejection(trialA.report({ loss: 1 }, 1));
  assert.ok(refused instanceof LeaseLostError, String(refused));
  assert.ok(refused instanceof FailedPreconditionError);
  assert.equal(refused.reason, "LEASE_LOST");
  assert.equal(trialA.leaseLost, true);
  const sent = front.received.length;
  assert.ok((await rejection(trialA.complete({ loss: 1 }))) instanceof LeaseLostError);
  assert.ok((await rejection(trialA.completeInfeasible("oom"))) instanceof LeaseLostError);
  assert.equal(await trialA.shouldStop(), true);
  assert.equal(front.received.length, sent, "a lost trial's calls never reach the server");

  await trialB.report({ loss: 0.5 }, 1);
  assert.equal(await trialB.shouldStop(), false);
  await trialB.complete();
  const stored = await studyB.getTrial(trialB.id);
  assert.equal(stored.state, "COMPLETED");
  assert.equal(stored.clientId, "worker-b");
  assert.deepEqual(stored.measurements, [{ metrics: { loss: 0.5 }, step: 1, elapsedSeconds: 0 }]);
  assert.deepEqual(stored.metrics, { loss: 0.5 }, "only B's measurements");
});

test("run() drops a lost trial and leaves a trial alone on a service error", async () => {
  const studyA = await open(server.address, { clientId: "worker-a" }).createStudy(
    uniqueId("l"),
    SPEC,
  );
  const { trialA, trialB, studyB } = await takenOver(studyA);
  const dropped = await trialA.run(async (trial) => {
    await trial.report({ loss: 1 }, 1);
    return "unreachable";
  });
  assert.equal(dropped, undefined, "dropped silently");
  assert.equal((await studyB.getTrial(trialB.id)).state, "ACTIVE", "not marked infeasible");

  const thrown = await rejection(trialB.run((trial) => trial.report({ "not a name": 1 }, 1)));
  assert.ok(thrown instanceof InvalidArgumentError, "the service's error comes back");
  const kept = await studyB.getTrial(trialB.id);
  assert.equal(kept.state, "ACTIVE", "a service error is not the configuration's fault");
});

test("a worker resumed after a restart skips the steps its earlier run recorded", async () => {
  const study = await open(server.address, { clientId: "worker-r" }).createStudy(uniqueId("l"), {
    ...RANDOM_SPEC,
    trialLeaseSeconds: 60,
  });
  const [first] = await study.suggest();
  assert.ok(first);
  for (const step of [0, 1, 2]) {
    await first.report({ loss: 1 - step / 10 }, step);
  }
  const warnings: string[] = [];
  const listen = (warning: Error) => warnings.push(warning.message);
  process.on("warning", listen);
  defer(() => process.off("warning", listen));

  const [resumed] = await study.suggest(); // the same worker, restarted: its trial again
  assert.ok(resumed);
  assert.equal(resumed.id, first.id);
  const handedOut = Number(resumed.proto.leaseExpireTime!.seconds);
  await sleep(1_100);
  await resumed.report({ loss: 0.5 }, 0); // skipped, but the lease is renewed
  assert.ok(Number(resumed.proto.leaseExpireTime!.seconds) > handedOut, "lease renewed");
  for (const step of [0, 1, 2, 3]) {
    await resumed.report({ loss: 0.5 - step / 10 }, step); // training starts over
  }
  await resumed.complete();
  await sleep(10); // warnings are emitted on the next tick

  const stored = await study.getTrial(first.id);
  assert.deepEqual(
    stored.measurements.map((m) => [m.step, m.metrics.loss]),
    [
      [0, 1],
      [1, 0.9],
      [2, 0.8],
      [3, 0.2],
    ],
  );
  assert.equal(warnings.filter((w) => w.includes(`trial ${first.name} was resumed`)).length, 1);
});

test("printable escapes what the server refuses and never splits a character", () => {
  assert.equal(printable("\u001b[31mred\u001b[0m\tok\n", 100), "\\x1b[31mred\\x1b[0m\tok\n");
  assert.equal(printable("a\ud800b", 100), "a\\ud800b");
  assert.equal(printable("😀😀😀", 2), "😀😀");
});

test("run() marks a trial infeasible with an error message the server would refuse raw", async () => {
  const study = await open(server.address, { clientId: "worker-c" }).createStudy(
    uniqueId("l"),
    RANDOM_SPEC,
  );
  const [trial] = await study.suggest();
  assert.ok(trial);
  const thrown = await rejection(
    trial.run(() => {
      throw new Error("\u001b[31mCUDA out of memory\u001b[0m");
    }),
  );
  assert.equal((thrown as Error).message, "\u001b[31mCUDA out of memory\u001b[0m");
  const stored = await study.getTrial(trial.id);
  assert.equal(stored.state, "INFEASIBLE");
  assert.match(stored.infeasibilityReason, /\\x1b\[31mCUDA out of memory/);
});

test("update: a higher maxTrials lets a completed study suggest again", async () => {
  const client = open(server.address, { clientId: "worker-u" });
  const study = await client.createStudy(uniqueId("l"), { ...SPEC, maxTrials: 1 });
  const [first] = await study.suggest();
  assert.ok(first);
  await first.complete({ loss: 1 });
  await study.refresh();
  assert.equal(study.state, "COMPLETED", "its budget is used up");
  const exhausted = await rejection(study.resume());
  assert.ok(exhausted instanceof FailedPreconditionError);
  assert.equal(exhausted.reason, "STUDY_EXHAUSTED");

  await study.update({ maxTrials: 2 });
  assert.equal(study.state, "ACTIVE");
  assert.equal(study.proto.spec!.maxTrials, "2");
  const [second] = await study.suggest();
  assert.ok(second, "it suggests again");
  assert.equal(second.id, 2);

  await study.update({ trialLeaseSeconds: 90.5, displayName: "renamed" });
  assert.deepEqual(study.proto.spec!.trialLease, { seconds: "90", nanos: 500_000_000 });
  assert.equal(study.proto.displayName, "renamed");
  assert.equal(study.proto.spec!.maxTrials, "2", "fields left out stay");
  const below = await rejection(study.update({ maxTrials: 1 }));
  assert.ok(below instanceof FailedPreconditionError, "not below the trials it has");
  await assert.rejects(study.update({}), RangeError);
  // Checked here, as the spec's: 10.7 was sent as 10, NaN to the server.
  await assert.rejects(study.update({ maxTrials: 10.7 }), /maxTrials must be an integer/);
  await assert.rejects(study.update({ trialLeaseSeconds: Number.NaN }), /must be finite/);
  await assert.rejects(study.suggest(1.5), /count must be an integer/);
});
