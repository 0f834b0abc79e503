/** The client against a real server: typed errors, deadlines, trials' round-trips, lifecycle. */
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";

import * as grpc from "@grpc/grpc-js";

import {
  AlreadyExistsError,
  DeadlineExceededError,
  DivergedError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  SibylError,
  SpecMismatchError,
  categorical,
  connect,
  double,
  integer,
  metric,
  modelStopping,
  specToMessage,
} from "../src/index";
import type { Client, StudySpec } from "../src/index";
import { FOUR_KINDS, FOUR_KINDS_AS_DATA, rejection, serveFile, uniqueId } from "./support/fixtures";
import type { SibylServer } from "./support/sibylServer";

const QUASI_RANDOM = { algorithm: "quasi_random_search", seed: 0 } as const;
const SPEC: StudySpec = { ...FOUR_KINDS, ...QUASI_RANDOM };

let server: SibylServer;
let client: Client;
serveFile({ team: "node-client-tests", clientId: "test-worker" }, (started) => {
  ({ server, client } = started);
});

test("parameters are plain values of the right types", async () => {
  const study = await client.createOrLoadStudy(uniqueId("s"), SPEC);
  for (const trial of await study.suggest(4)) {
    const p = trial.parameters;
    assert.deepEqual(Object.keys(p), ["lr", "layers", "batch", "optimizer"]);
    assert.ok(Number.isInteger(p.layers) && (p.layers as number) >= 1 && (p.layers as number) <= 4);
    assert.ok([16, 32, 64].includes(p.batch as number));
    assert.equal(typeof p.lr, "number");
    assert.ok((p.lr as number) >= 1e-4 && (p.lr as number) <= 1e-1);
    assert.ok(p.optimizer === "sgd" || p.optimizer === "adam");
    assert.equal(trial.state, "ACTIVE");
    assert.equal(trial.proto.clientId, "test-worker");
  }
});

test("a spec as plain data is the same spec", async () => {
  const data: StudySpec = { ...FOUR_KINDS_AS_DATA, ...QUASI_RANDOM };
  const id = uniqueId("s");
  const study = await client.createOrLoadStudy(id, data);
  const again = await client.createOrLoadStudy(id, SPEC);
  assert.deepEqual(again.proto.spec, study.proto.spec);
});

test("report and complete round-trip", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [trial] = await study.suggest();
  assert.ok(trial);
  await trial.report({ accuracy: 0.5 }, 1, { elapsedSeconds: 1.5 });
  await trial.report({ accuracy: 0.7 }, 2);
  await trial.report({ accuracy: 0.7 }, 2); // the same measurement again: a no-op
  assert.deepEqual(trial.measurements, [
    { metrics: { accuracy: 0.5 }, step: 1, elapsedSeconds: 1.5 },
    { metrics: { accuracy: 0.7 }, step: 2, elapsedSeconds: 0 },
  ]);
  const backwards = await rejection(trial.report({ accuracy: 0.1 }, 1));
  assert.ok(backwards instanceof FailedPreconditionError);
  assert.equal(backwards.reason, "MEASUREMENT_STEP_NOT_INCREASING");

  await trial.complete({ accuracy: 0.75 });
  assert.equal(trial.state, "COMPLETED");
  assert.deepEqual(trial.metrics, { accuracy: 0.75 });
  const read = await study.getTrial(trial.id);
  assert.deepEqual(read.metrics, { accuracy: 0.75 });
  assert.deepEqual(read.parameters, trial.parameters);
  const [listed] = await study.trials();
  assert.equal(listed?.measurements.length, 2);
  const [basic] = await study.trials([], { measurements: false });
  assert.deepEqual(basic?.measurements, [], "the basic view leaves the measurements out");
  assert.deepEqual(basic?.metrics, { accuracy: 0.75 });
  await trial.complete({ accuracy: 0.75 }); // the same result again: unchanged
  const changed = await rejection(trial.complete({ accuracy: 0.8 }));
  assert.ok(changed instanceof FailedPreconditionError);
  assert.equal(changed.reason, "TRIAL_ALREADY_COMPLETED");

  const [second] = await study.suggest();
  assert.ok(second && second.id === trial.id + 1);
  await second.report({ accuracy: 0.6 }, 3);
  await second.complete(); // the last measurement becomes the result
  assert.deepEqual(second.metrics, { accuracy: 0.6 });

  const [third] = await study.suggest();
  assert.ok(third);
  await third.completeInfeasible("out of memory");
  assert.equal(third.state, "INFEASIBLE");
  assert.equal((await third.refresh()).infeasibilityReason, "out of memory");
  assert.equal((await study.bestTrial())?.id, trial.id);
});

test("parameterImportance ranks the parameter that moves the metric first", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const early = await rejection(study.parameterImportance());
  assert.ok(early instanceof FailedPreconditionError);
  assert.equal(early.reason, "NOT_ENOUGH_TRIALS");
  for (const trial of await study.suggest(12)) {
    await trial.complete({ accuracy: 0.1 * Number(trial.parameters.layers) });
  }
  const importance = await study.parameterImportance();
  assert.equal(importance.metric, "accuracy");
  assert.equal(importance.method, "GP_SOBOL");
  assert.equal(importance.trialCount, 12);
  assert.equal(importance.parameters[0]?.parameter, "layers");
  assert.ok((importance.parameters[0]?.importance ?? 0) > 0.9);
  assert.equal(typeof importance.parameters[0]?.totalEffect, "number");
});

test("rows() gives the trials as plain rows with the Python client's columns", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [done, failed, running] = await study.suggest(3);
  assert.ok(done && failed && running);
  await done.complete({ accuracy: 0.5 });
  await failed.completeInfeasible("out of memory");
  const rows = await study.rows();
  assert.deepEqual(
    rows.map((r) => [r.id, r.state, r.metrics_accuracy, r.infeasibilityReason]),
    [
      [done.id, "COMPLETED", 0.5, ""],
      [failed.id, "INFEASIBLE", undefined, "out of memory"],
      [running.id, "ACTIVE", undefined, ""],
    ],
  );
  assert.equal(rows[0]?.params_layers, done.parameters.layers);
  assert.ok(rows[0]?.completeTime instanceof Date);
  assert.equal(rows[2]?.completeTime, undefined);
  assert.deepEqual(
    (await study.rows(["completed"])).map((r) => r.id),
    [done.id],
  );
});

test("run() marks a trial infeasible when the evaluation throws", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [trial] = await study.suggest();
  assert.ok(trial);
  const thrown = await rejection(
    trial.run(() => {
      throw new RangeError("CUDA out of memory");
    }),
  );
  assert.ok(thrown instanceof RangeError, "the evaluation's error comes back");
  assert.equal(trial.state, "INFEASIBLE");
  const read = await study.getTrial(trial.id);
  assert.equal(read.infeasibilityReason, "RangeError: CUDA out of memory");
  const [next] = await study.suggest();
  assert.ok(next);
  assert.equal(await next.run(async (t) => (await t.complete({ accuracy: 1 }), "done")), "done");
  assert.equal(next.state, "COMPLETED");
});

test("a NaN report throws DivergedError before sending, and run() marks the trial infeasible", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [trial] = await study.suggest();
  assert.ok(trial);
  await trial.report({ accuracy: 0.5 }, 1);
  const thrown = await rejection(trial.run((t) => t.report({ accuracy: Number.NaN }, 2)));
  assert.ok(thrown instanceof DivergedError);
  const read = await study.getTrial(trial.id);
  assert.equal(read.state, "INFEASIBLE");
  assert.equal(
    read.infeasibilityReason,
    "DivergedError: accuracy = NaN at step 2: the run diverged",
  );
  assert.deepEqual(
    read.measurements.map((m) => m.step),
    [1],
    "the NaN was never sent",
  );
});

test("addTrial: warm-start results, and queued trials handed out first", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const params = { lr: 0.01, layers: 2, batch: 32, optimizer: "adam" };
  const done = await study.addTrial(params, { accuracy: 0.9 });
  const failed = await study.addTrial({ ...params, layers: 3 }, undefined, {
    infeasibleReason: "\u001b[31mdiverged",
  });
  const queued = await study.addTrial({ ...params, layers: 4 }, undefined, {
    metadata: { source: "hand-picked" },
  });
  assert.deepEqual(
    [done.state, failed.state, queued.state],
    ["COMPLETED", "INFEASIBLE", "REQUESTED"],
  );
  assert.equal(failed.infeasibilityReason, "\\x1b[31mdiverged", "escaped, as a failed run's");
  assert.deepEqual(done.parameters, params, "values round-trip exactly");
  assert.equal(done.metadata["sibyl.algorithm"], "USER");
  const [handed, fresh] = await study.suggest(2);
  assert.ok(handed && fresh);
  assert.equal(handed.id, queued.id, "the queued trial comes first");
  assert.equal(handed.parameters.layers, 4);
  assert.equal(handed.metadata.source, "hand-picked");
  assert.equal(fresh.id, 4, "then new trials from the algorithm");
  const finished = await study.trials(["completed", "infeasible"]);
  assert.deepEqual(
    finished.map((t) => t.id),
    [1, 2],
  );
  assert.equal((await study.bestTrial())?.id, done.id);
  const retried = await study.addTrial(params, { accuracy: 0.1 }, { requestId: "import-1" });
  const again = await study.addTrial(params, { accuracy: 0.1 }, { requestId: "import-1" });
  assert.equal(again.id, retried.id, "the same request id creates one trial");
});

test("study lifecycle: pause, resume, complete, list, delete", async () => {
  const id = uniqueId("s");
  const study = await client.createStudy(id, SPEC, { displayName: "lifecycle" });
  assert.equal(study.proto.displayName, "lifecycle");
  await study.pause();
  assert.equal(study.state, "PAUSED");
  const paused = await rejection(study.suggest());
  assert.ok(paused instanceof FailedPreconditionError);
  assert.equal(paused.reason, "STUDY_NOT_ACTIVE");
  assert.equal(paused.metadata.state, "PAUSED");
  await study.resume();
  assert.equal((await study.suggest()).length, 1);
  await study.complete();
  assert.equal(study.state, "COMPLETED");
  assert.deepEqual(await study.suggest(), [], "a completed study suggests nothing");
  assert.ok((await client.listStudies()).some((s) => s.studyId === id));
  await study.delete();
  const missing = await rejection(client.getStudy(id));
  assert.ok(missing instanceof NotFoundError);
  assert.equal(missing.reason, "STUDY_NOT_FOUND");
});

test("listing goes through every page", async () => {
  const team = connect(server.address, { team: `t-${randomUUID().slice(0, 8)}` });
  try {
    const ids = [uniqueId("s"), uniqueId("s"), uniqueId("s")];
    for (const id of ids) {
      await team.createStudy(id, SPEC);
    }
    const listed = await team.listStudies({ pageSize: 2 });
    assert.deepEqual(
      listed.map((s) => s.studyId),
      ids,
      "oldest first, across pages",
    );
    const study = listed[0]!;
    await study.suggest(5);
    const trials = await study.trials([], { pageSize: 2 });
    assert.deepEqual(
      trials.map((t) => t.id),
      [1, 2, 3, 4, 5],
    );
  } finally {
    team.close();
  }
});

test("createOrLoadStudy loads the same spec and refuses a different one", async () => {
  const id = uniqueId("s");
  const first = await client.createOrLoadStudy(id, SPEC);
  const again = await client.createOrLoadStudy(id, SPEC);
  assert.equal(again.name, first.name);
  const different: StudySpec = {
    ...SPEC,
    parameters: [double("learning_rate", 1e-5, 1e-1, "log")],
  };
  const mismatch = await rejection(client.createOrLoadStudy(id, different));
  assert.ok(mismatch instanceof SpecMismatchError);
  assert.equal(mismatch.difference, "parameters");
  assert.match(mismatch.message, /different parameters/);
  const budget = await rejection(client.createOrLoadStudy(id, { ...SPEC, maxTrials: 10 }));
  assert.ok(budget instanceof SpecMismatchError && budget.difference === "maxTrials");
  const duplicate = await rejection(client.createStudy(id, SPEC));
  assert.ok(duplicate instanceof AlreadyExistsError);
  assert.equal(duplicate.code, grpc.status.ALREADY_EXISTS);
  // One requestId for every worker: the study it made is compared like any other.
  const shared = { requestId: `job-${id}` };
  const made = await client.createOrLoadStudy(`${id}-r`, SPEC, shared);
  assert.equal((await client.createOrLoadStudy(`${id}-r`, SPEC, shared)).name, made.name);
  const other = await rejection(client.createOrLoadStudy(`${id}-r`, different, shared));
  assert.ok(other instanceof SpecMismatchError);
  const elsewhere = await rejection(client.createOrLoadStudy(`${id}-x`, SPEC, shared));
  assert.ok(elsewhere instanceof InvalidArgumentError && elsewhere.field === "request_id");
});

test("a step must be a whole number, checked before sending", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [trial] = await study.suggest();
  assert.ok(trial);
  const thrown = await rejection(trial.report({ accuracy: 0.5 }, 0.5));
  assert.ok(thrown instanceof TypeError && /whole number, not 0.5/.test(thrown.message));
  const params = { lr: 0.01, layers: 2, batch: 32, optimizer: "adam" };
  const added = await rejection(
    study.addTrial(params, { accuracy: 0.9 }, { measurements: [[1.5, { accuracy: 0.8 }]] }),
  );
  assert.ok(added instanceof TypeError);
  assert.equal((await study.trials()).length, 1, "nothing was written");
});

test("errors are typed and name the wrong field", async () => {
  // A condition on a category the parent lacks: only the server can judge it.
  const bad: StudySpec = {
    parameters: [
      categorical("opt", ["sgd"]),
      double("m", 0, 1, { when: { parent: "opt", values: ["rmsprop"] } }),
    ],
    metrics: [metric("y")],
  };
  const error = await rejection(client.createStudy(uniqueId("s"), bad));
  assert.ok(error instanceof InvalidArgumentError);
  assert.ok(error instanceof SibylError);
  assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
  assert.equal(error.codeName, "INVALID_ARGUMENT");
  assert.equal(error.field, "study.spec.parameters[1].condition.categories.values[0]");
  assert.equal(error.reason, "INVALID_ARGUMENT");
  assert.equal(error.domain, "sibyl");
  assert.equal(error.metadata.field, error.field);
  assert.match(error.message, /^INVALID_ARGUMENT: study\.spec\.parameters\[1\]/);

  const badId = await rejection(client.createStudy("Not_An_Id", SPEC));
  assert.ok(badId instanceof InvalidArgumentError);
  assert.equal(badId.field, "study_id");

  const study = await client.createStudy(uniqueId("s"), SPEC);
  const [trial] = await study.suggest();
  assert.ok(trial);
  const nan = await rejection(trial.complete({ accuracy: Number.NaN }));
  assert.ok(nan instanceof InvalidArgumentError);
  assert.equal(nan.field, "final_measurement.metrics['accuracy']");
  const count = await rejection(study.suggest(0));
  assert.ok(count instanceof InvalidArgumentError && count.field === "count");
});

test("unknown studies and trials are NOT_FOUND", async () => {
  const study = await rejection(client.getStudy("no-such-study"));
  assert.ok(study instanceof NotFoundError);
  assert.equal(study.code, grpc.status.NOT_FOUND);
  assert.equal(study.reason, "STUDY_NOT_FOUND");
  const existing = await client.createStudy(uniqueId("s"), SPEC);
  const trial = await rejection(existing.getTrial(999));
  assert.ok(trial instanceof NotFoundError);
  assert.equal(trial.reason, "TRIAL_NOT_FOUND");
});

test("every call has a deadline; SuggestTrials has its own", async () => {
  const study = await client.createStudy(uniqueId("s"), SPEC);
  // A deadline of 0 ms has passed when the call starts: one of 1 ms raced a call on a
  // warm loopback connection, which can answer within it.
  const hurried = connect(server.address, { team: "node-client-tests", timeoutMs: 0 });
  const slowSuggest = connect(server.address, { team: "node-client-tests", suggestTimeoutMs: 0 });
  try {
    const error = await rejection(hurried.getStudy(study.studyId));
    assert.ok(error instanceof DeadlineExceededError);
    assert.equal(error.code, grpc.status.DEADLINE_EXCEEDED);
    const loaded = await slowSuggest.getStudy(study.studyId); // timeoutMs still 30 s
    assert.ok((await rejection(loaded.suggest())) instanceof DeadlineExceededError);
    const overridden = await rejection(study.suggest(1, { timeoutMs: 0 }));
    assert.ok(overridden instanceof DeadlineExceededError, "a per-call deadline wins");
  } finally {
    hurried.close();
    slowSuggest.close();
  }
});

test("a fidelity study reports its schedule, loads again, and stops a trial behind at a rung", async () => {
  const spec: StudySpec = {
    parameters: [double("x", 0, 1)],
    metrics: [metric("loss")],
    algorithm: "random_search",
    seed: 1,
    fidelity: { maxStep: 9 },
  };
  const id = uniqueId("f");
  const study = await client.createOrLoadStudy(id, spec);
  assert.equal(study.proto.spec?.fidelity?.maxStep, "9");
  assert.equal(study.proto.spec?.earlyStopping?.successiveHalving?.minStep, "1");
  await client.createOrLoadStudy(id, spec); // the server's schedule is no difference
  const [ahead, behind] = await study.suggest(2);
  assert.ok(ahead && behind);
  await ahead.report({ loss: 0.1 }, 1);
  assert.equal(await ahead.shouldStop(), false);
  await behind.report({ loss: 0.9 }, 1);
  assert.equal(await behind.shouldStop(), true, "not among the best third at step 1");
  const other = await rejection(
    client.createOrLoadStudy(id, { ...spec, fidelity: { maxStep: 27 } }),
  );
  assert.ok(other instanceof SpecMismatchError);
  assert.match(
    other.message,
    /fidelity: stored fidelity\(maxStep=9\), given fidelity\(maxStep=27\)/,
  );
  assert.throws(() => specToMessage({ ...spec, fidelity: { maxStep: 1 } }), RangeError);
});

test("the model rule stops, at a rung, a trial the fidelity GP gives no chance", async () => {
  const spec: StudySpec = {
    parameters: [double("x", 0, 1)],
    metrics: [metric("loss")],
    algorithm: "random_search",
    seed: 3,
    fidelity: { maxStep: 9 },
    earlyStopping: modelStopping(),
  };
  const study = await client.createOrLoadStudy(uniqueId("m"), spec);
  assert.equal(study.proto.spec?.earlyStopping?.model?.minProbability, 0.1);
  // Four trials run to step 9: the loss is (x - 0.5)^2 plus 0.5 fading with the steps.
  const loss = (x: number, step: number) =>
    (x - 0.5) ** 2 + 0.5 * (1 - Math.log(step) / Math.log(9));
  for (const trial of await study.suggest(4)) {
    const x = Number(trial.parameters.x);
    for (let step = 1; step <= 9; step++) {
      await trial.report({ loss: loss(x, step) }, step);
    }
    await trial.complete();
  }
  const [far] = await study.suggest(1);
  assert.ok(far);
  await far.report({ loss: 5 }, 1); // far worse than any trial at any step
  assert.equal(await far.shouldStop(), true);
});

test("a budget parameter: new configurations start small, the best third runs longer", async () => {
  const spec: StudySpec = {
    parameters: [double("x", 0, 1), integer("epochs", 1, 27)],
    metrics: [metric("loss")],
    algorithm: "random_search",
    seed: 2,
    budgetParameter: "epochs",
  };
  const id = uniqueId("b");
  const study = await client.createOrLoadStudy(id, spec);
  assert.deepEqual(study.proto.spec?.budgetParameter, { parameter: "epochs", reductionFactor: 3 });
  await client.createOrLoadStudy(id, spec); // the filled factor is no difference
  const first = await study.suggest(3);
  assert.deepEqual(
    first.map((trial) => trial.parameters.epochs),
    [1, 1, 1],
  );
  const losses = [0.4, 0.1, 0.7];
  for (const [index, trial] of first.entries()) {
    await trial.complete({ loss: losses[index]! });
  }
  const [promoted] = await study.suggest();
  assert.ok(promoted);
  assert.equal(promoted.parameters.epochs, 3);
  assert.equal(promoted.parameters.x, first[1]!.parameters.x, "the best of the three");
  assert.equal(promoted.metadata["sibyl.budget_rung"], "1");
  const other = await rejection(
    client.createOrLoadStudy(id, {
      ...spec,
      budgetParameter: { parameter: "epochs", reductionFactor: 2 },
    }),
  );
  assert.ok(other instanceof SpecMismatchError);
  assert.match(
    other.message,
    /budgetParameter: stored budget\(parameter=epochs, reductionFactor=3\)/,
  );
  assert.throws(() => specToMessage({ ...spec, budgetParameter: "lr" }), RangeError);
  assert.throws(() => specToMessage({ ...spec, budgetParameter: "x" }), /needs a low end above 0/);
  assert.throws(
    () => specToMessage({ ...spec, budgetParameter: { parameter: "epochs", reductionFactor: 1 } }),
    RangeError,
  );
});
