/**
 * Against a real server: conditional parameters, early stopping, several objectives
 * and outcome constraints, and warm-started learning curves.
 */
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  FailedPreconditionError,
  InvalidArgumentError,
  categorical,
  constraint,
  double,
  integer,
  medianStopping,
  metric,
} from "../src/index";
import type { Client, Parameter, StudySpec } from "../src/index";
import { OPTIMIZER_WITH_MOMENTUM, rejection, serveFile, uniqueId } from "./support/fixtures";
import type { SibylServer } from "./support/sibylServer";

let server: SibylServer;
let client: Client;
serveFile({ team: "node-rich", clientId: "rich-worker" }, (started) => {
  ({ server, client } = started);
});

const CONDITIONAL: StudySpec = {
  parameters: [
    categorical("optimizer", ["sgd", "adam"]),
    double("momentum", 0, 0.99, { when: { parent: "optimizer", values: ["sgd"] } }),
    double("beta1", 0.8, 0.999, "linear", { when: { parent: "optimizer", values: ["adam"] } }),
    integer("layers", 1, 4),
    integer("units_3", 8, 64, "log", { when: { parent: "layers", atLeast: 3 } }),
  ],
  metrics: [metric("loss")],
  algorithm: "quasi_random_search",
  earlyStopping: medianStopping({ minStep: 2, minTrials: 2 }),
  seed: 1,
};

test("a conditional space with median stopping: plateaued trials are stopped", async () => {
  const study = await client.createStudy(uniqueId("r"), CONDITIONAL);
  const stopped: number[] = [];
  const seen = new Set<string>();
  for (const trial of await study.suggest(8)) {
    const p = trial.parameters;
    assert.equal("momentum" in p, p.optimizer === "sgd", JSON.stringify(p));
    assert.equal("beta1" in p, p.optimizer === "adam", JSON.stringify(p));
    assert.equal("units_3" in p, (p.layers as number) >= 3, JSON.stringify(p));
    seen.add(`${p.optimizer}/${(p.layers as number) >= 3}`);
    // Trials 1-3 learn well; later ones plateau high and should be stopped.
    const floor = trial.id <= 3 ? 0.1 : 0.9;
    for (let epoch = 1; epoch <= 5; epoch++) {
      await trial.report({ loss: floor + 1 / epoch }, epoch);
      if (await trial.shouldStop()) {
        stopped.push(trial.id);
        assert.equal(trial.state, "STOPPING");
        assert.match(trial.stopReason, /median/);
        break;
      }
    }
    await trial.complete(); // with the last measurement
    assert.equal(trial.state, "COMPLETED");
  }
  assert.equal(seen.size, 4, `both branches of both conditions were tried: ${[...seen]}`);
  assert.ok(stopped.length > 0 && Math.min(...stopped) > 3, `stopped: ${stopped}`);
  const losses = new Map((await study.trials()).map((t) => [t.id, t.metrics.loss!]));
  for (const id of stopped) {
    assert.ok(losses.get(id)! > 0.9, "stopped trials end with their last value");
  }
  assert.ok((await study.bestTrial())!.id <= 3);
});

test("conditional specs: plain data, loading, and only active parameters in trials", async () => {
  const data: StudySpec = {
    parameters: {
      ...OPTIMIZER_WITH_MOMENTUM,
      beta1: {
        type: "double",
        low: 0.8,
        high: 0.999,
        when: { parent: "optimizer", values: ["adam"] },
      },
      layers: { type: "integer", low: 1, high: 4 },
      units_3: {
        type: "integer",
        low: 8,
        high: 64,
        scale: "log",
        when: { parent: "layers", atLeast: 3 },
      },
    },
    metrics: { loss: "minimize" },
    algorithm: "quasi_random_search",
    earlyStopping: { rule: "median", minStep: 2, minTrials: 2 },
    seed: 1,
  };
  const id = uniqueId("r");
  const study = await client.createOrLoadStudy(id, data);
  const again = await client.createOrLoadStudy(id, CONDITIONAL);
  assert.deepEqual(again.proto.spec, study.proto.spec, "the same spec as the builders'");
  assert.deepEqual(study.proto.spec!.parameters[4]!.condition, {
    parent: "layers",
    range: { minValue: 3, _minValue: "minValue" },
    values: "range",
  });
  assert.deepEqual(study.proto.spec!.earlyStopping!.median, {
    minStep: "2",
    _minStep: "minStep", // an optional field's presence
    minTrials: 2,
  });

  const sgd = await study.addTrial({ optimizer: "sgd", momentum: 0.9, layers: 2 }, { loss: 1 });
  assert.deepEqual(sgd.parameters, { optimizer: "sgd", momentum: 0.9, layers: 2 });
  const deep = await study.addTrial({ optimizer: "adam", beta1: 0.9, layers: 3, units_3: 16 });
  assert.deepEqual(Object.keys(deep.parameters), ["optimizer", "beta1", "layers", "units_3"]);
  const inactive = await rejection(
    study.addTrial({ optimizer: "adam", beta1: 0.9, momentum: 0.5, layers: 1 }, { loss: 1 }),
  );
  assert.ok(inactive instanceof InvalidArgumentError);
  assert.equal(inactive.field, "trial.parameters['momentum']");
  const missing = await rejection(study.addTrial({ optimizer: "sgd", layers: 1 }, { loss: 1 }));
  assert.ok(missing instanceof InvalidArgumentError);
  assert.equal(missing.field, "trial.parameters['momentum']");

  const wrong = await rejection(
    client.createStudy(uniqueId("r"), {
      ...CONDITIONAL,
      parameters: [
        ...(CONDITIONAL.parameters as Parameter[]),
        double("eps", 0, 1, { when: { parent: "optimizer", values: ["rmsprop"] } }),
      ],
    }),
  );
  assert.ok(wrong instanceof InvalidArgumentError);
  assert.equal(wrong.field, "study.spec.parameters[5].condition.categories.values[0]");
});

test("several objectives and a constraint: the Pareto front of feasible trials", async () => {
  const id = uniqueId("r");
  const study = await client.createStudy(id, {
    parameters: { x: { type: "double", low: 0, high: 1 } },
    metrics: {
      accuracy: "maximize",
      latency_ms: { goal: "minimize", referenceValue: 100 },
      memory_gb: { atMost: 8 },
    },
    algorithm: "random_search",
  });
  const empty = await study.optimalTrials();
  assert.deepEqual(empty, {
    trials: [],
    feasibleTrialCount: 0,
    completedTrialCount: 0,
    nothingFeasibleYet: false,
  });
  await study.addTrial({ x: 0.1 }, { accuracy: 0.99, latency_ms: 10, memory_gb: 9 });
  const infeasible = await study.optimalTrials();
  assert.equal(infeasible.nothingFeasibleYet, true);
  assert.equal(infeasible.completedTrialCount, 1);
  assert.equal(await study.bestTrial(), undefined);
  const a = await study.addTrial({ x: 0.2 }, { accuracy: 0.9, latency_ms: 50, memory_gb: 4 });
  const b = await study.addTrial({ x: 0.3 }, { accuracy: 0.8, latency_ms: 20, memory_gb: 4 });
  await study.addTrial({ x: 0.4 }, { accuracy: 0.7, latency_ms: 60, memory_gb: 4 });
  const optimum = await study.optimalTrials();
  assert.deepEqual(
    optimum.trials.map((t) => t.id),
    [a.id, b.id],
  );
  assert.deepEqual(
    [optimum.feasibleTrialCount, optimum.completedTrialCount, optimum.nothingFeasibleYet],
    [3, 4, false],
  );
  assert.equal((await study.bestTrial())?.id, a.id, "the first of the front");

  const stored = study.proto.spec!.metrics;
  assert.equal(stored[1]!.referenceValue, 100);
  assert.equal(stored[2]!.constraint!.upperBound, 8);
  assert.equal(stored[2]!.goal, "GOAL_UNSPECIFIED");
  assert.deepEqual(study.objectives, [
    { metric: "accuracy", goal: "MAXIMIZE" },
    { metric: "latency_ms", goal: "MINIMIZE", referenceValue: 100 },
  ]);
  const builders: StudySpec = {
    parameters: [double("x", 0, 1)],
    metrics: [
      metric("accuracy", "maximize"),
      metric("latency_ms", "minimize", { referenceValue: 100 }),
      constraint("memory_gb", { atMost: 8 }),
    ],
    algorithm: "random_search",
  };
  const loaded = await client.createOrLoadStudy(id, builders);
  assert.equal(loaded.name, study.name, "the same metrics, built or as data");
  await assert.rejects(
    async () =>
      client.createStudy(uniqueId("r"), {
        ...builders,
        metrics: [constraint("memory_gb", { atMost: 8 })],
      }),
    /objective/,
    "a study needs an objective, checked before any call",
  );
});

test("a user can stop a running trial", async () => {
  const study = await client.createStudy(uniqueId("r"), {
    parameters: { c: ["a", "b"] },
    metrics: { y: "minimize" },
    algorithm: "grid_search",
    earlyStopping: { rule: "successive_halving", minStep: 1 },
  });
  const [trial] = await study.suggest();
  assert.ok(trial);
  await trial.report({ y: 1 }, 1);
  assert.equal(await trial.shouldStop(), false);
  assert.equal(trial.stopReason, "");
  await (await study.getTrial(trial.id)).stop(); // e.g. from a dashboard
  assert.equal(await trial.shouldStop(), true);
  assert.equal(trial.state, "STOPPING");
  assert.match(trial.stopReason, /asked to stop/);
  await trial.stop(); // stopping a STOPPING trial returns it
  await trial.complete();
  const done = await rejection(trial.stop());
  assert.ok(done instanceof FailedPreconditionError);
  assert.equal(done.reason, "TRIAL_NOT_ACTIVE");
});

test("warm-started learning curves count for early stopping", async () => {
  const study = await client.createStudy(uniqueId("r"), {
    parameters: { x: { type: "double", low: 0, high: 1 } },
    metrics: { loss: "minimize" },
    algorithm: "random_search",
    earlyStopping: { rule: "median", minStep: 1 },
  });
  const curve = [1, 2, 3, 4, 5].map((step) => [step, { loss: 1 / step }] as const);
  let done;
  for (const x of [0.1, 0.2, 0.3]) {
    done = await study.addTrial({ x }, { loss: 0.2 }, { measurements: curve });
  }
  assert.deepEqual(
    done!.measurements.map((m) => m.step),
    [1, 2, 3, 4, 5],
  );
  const copied = await study.addTrial(
    { x: 0.5 },
    { loss: 0.2 },
    { measurements: done!.measurements },
  );
  assert.deepEqual(copied.measurements, done!.measurements, "measurements as returned work too");
  const [trial] = await study.suggest();
  assert.ok(trial);
  await trial.report({ loss: 5 }, 2);
  assert.equal(await trial.shouldStop(), true, "compared with the warm-started curves");
  const backwards = await rejection(
    study.addTrial(
      { x: 0.4 },
      { loss: 0.1 },
      {
        measurements: [
          [2, { loss: 1 }],
          [1, { loss: 1 }],
        ],
      },
    ),
  );
  assert.ok(backwards instanceof InvalidArgumentError);
  assert.equal(backwards.field, "trial.measurements[1].step");
});

test("concurrent loops of one client get their own trials with their own clientId", async () => {
  const study = await client.createStudy(uniqueId("r"), {
    parameters: { c: ["a", "b", "c"] },
    metrics: { y: "minimize" },
    algorithm: "grid_search",
  });
  const first = await study.suggest(); // one loop
  const second = await study.suggest(); // another loop of the same client
  assert.deepEqual([first[0]!.id, second[0]!.id], [1, 1], "one clientId: the same trial");
  const own = await Promise.all(
    ["loop-a", "loop-b"].map((id) => study.suggest(1, { clientId: id })),
  );
  assert.deepEqual(own.map((trials) => trials[0]!.id).sort(), [2, 3]);
});
