/** Spec builders check their arguments and name what is wrong; a spec mismatch lists every difference. */
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SpecMismatchError,
  categorical,
  constraint,
  discrete,
  double,
  integer,
  learningCurveStopping,
  medianStopping,
  metric,
  specToMessage,
  successiveHalving,
} from "../src/index";
import type { Client, Parameter, StudySpec } from "../src/index";
import type { StudySpec__Output } from "../src/generated/sibyl/v1/StudySpec";
import { normalized } from "../src/proto";
import { mismatchError, specDifference, specDifferences } from "../src/specDiff";
import { rejection, serveFile, uniqueId } from "./support/fixtures";

const X = double("x", 0, 1);
const LOSS = metric("loss");

/** Asserts that `build` throws an error of `kind` whose message contains `message`. */
function refused(
  build: () => unknown,
  kind: typeof TypeError | typeof RangeError,
  message: string,
) {
  assert.throws(build, (error: unknown) => {
    assert.ok(error instanceof kind, `${String(error)} is not a ${kind.name}`);
    assert.ok(error.message.includes(message), `${JSON.stringify(error.message)} lacks ${message}`);
    return true;
  });
}

test("builders refuse a wrong argument and name the parameter", () => {
  refused(
    () => integer("layers", 1.5, 4),
    RangeError,
    'integer "layers": low must be an integer, got 1.5',
  );
  refused(
    () => integer("layers", 0, 4, "log"),
    RangeError,
    'low must be at least 1 with scale "log"',
  );
  refused(
    () => integer("n", 0, 2 ** 60),
    RangeError,
    'integer "n": high must be between -9007199254740992',
  );
  refused(() => double("lr", 0, 0.1, "log"), RangeError, 'double "lr": low must be greater than 0');
  refused(
    () => double("lr", 0.1, 0.01),
    RangeError,
    "low must be less than high, got low=0.1, high=0.01",
  );
  refused(
    () => double("lr", "0" as never, 1),
    TypeError,
    'double "lr": low must be a number, got "0"',
  );
  refused(() => double("lr", 0, Infinity), RangeError, "high must be finite, got Infinity");
  refused(
    () => double("learning rate", 0, 1),
    RangeError,
    'double "learning rate": name must be 1 to 64',
  );
  refused(
    () => discrete("batch", []),
    RangeError,
    'discrete "batch": values must have 1 to 10000 numbers',
  );
  refused(
    () => discrete("batch", [16, "32" as never]),
    TypeError,
    'each value must be a number, got "32"',
  );
  refused(
    () => discrete("batch", [16, 16]),
    RangeError,
    "values must be distinct, got [16] more than once",
  );
  refused(
    () => categorical("opt", "sgd" as never),
    TypeError,
    'categorical "opt": values must be a list of strings',
  );
  refused(() => categorical("opt", ["sgd", ""]), RangeError, "values must be 1 to 256 characters");
  refused(
    () => double("m", 0, 1, { when: { parent: "opt", atLeast: 3, atMost: 2 } }),
    RangeError,
    'parameter "m": when: atLeast must not exceed atMost, got 3 > 2',
  );
});

test("metric, constraint and stopping builders refuse a wrong argument", () => {
  refused(
    () => metric("acc", "max" as never),
    RangeError,
    'metric "acc": goal must be "minimize" or "maximize", got "max"',
  );
  refused(
    () => metric("acc", "maximize", { referenceValue: NaN }),
    RangeError,
    "referenceValue must be finite",
  );
  refused(
    () => constraint("m", { atMost: 1, atLeast: 2 }),
    RangeError,
    'metric "m": atLeast must not exceed atMost',
  );
  refused(
    () => medianStopping({ minTrials: 0 }),
    RangeError,
    "earlyStopping (median): minTrials must be at least 1",
  );
  refused(() => successiveHalving({ minStep: 0 }), RangeError, "minStep must be at least 1, got 0");
  refused(
    () => successiveHalving({ reductionFactor: 1.5 }),
    RangeError,
    "reductionFactor must be between 2 and 100",
  );
  refused(
    () => successiveHalving({ reductionFactor: 1e306 }),
    RangeError,
    "reductionFactor must be between 2 and 100",
  );
  refused(() => successiveHalving({ brackets: 0 }), RangeError, "brackets must be at least 1");
  refused(() => successiveHalving({ brackets: 11 }), RangeError, "brackets must be at most 10");
  refused(
    () => learningCurveStopping(3, { minStep: 3 }),
    RangeError,
    "finalStep must be above minStep, got finalStep=3, minStep=3",
  );
  refused(() => learningCurveStopping(10.5), RangeError, "finalStep must be an integer, got 10.5");
});

test("the spec as a whole: sizes, names, parents, options", () => {
  const spec = (changes: Partial<StudySpec>) => () =>
    specToMessage({ parameters: [X], metrics: [LOSS], ...changes });
  refused(spec({ parameters: [] }), RangeError, "spec: parameters must have 1 to 100 items, got 0");
  refused(spec({ parameters: [X, X] }), RangeError, 'spec: parameter name "x" is used twice');
  refused(
    spec({ metrics: [metric("x")] }),
    RangeError,
    'spec: "x" is both a parameter and a metric',
  );
  refused(spec({ metrics: [constraint("m", { atMost: 1 })] }), RangeError, "1 to 4 objectives");
  refused(
    spec({ parameters: null as never }),
    TypeError,
    "spec: parameters must be a list, or an object",
  );
  refused(
    spec({ parameters: [double("m", 0, 1, { when: { parent: "opt", values: ["sgd"] } })] }),
    RangeError,
    'double "m": when.parent "opt" is not a parameter of the spec; it has "m"',
  );
  refused(
    spec({ maxTrials: -1 }),
    RangeError,
    "spec: maxTrials must be between 0 and 1000000, got -1",
  );
  refused(spec({ maxTrials: 2.5 }), RangeError, "spec: maxTrials must be an integer, got 2.5");
  refused(
    spec({ trialLeaseSeconds: 0.5 }),
    RangeError,
    "trialLeaseSeconds must be between 1 second",
  );
  refused(
    spec({ gridResolution: 1 }),
    RangeError,
    "spec: gridResolution must be between 2 and 1000",
  );
  refused(
    spec({ initialTrials: 0 }),
    RangeError,
    "spec: initialTrials must be between 1 and 10000",
  );
  refused(
    spec({ stallRestarts: "yes" as unknown as boolean }),
    TypeError,
    "spec: stallRestarts must be true or false",
  );
  refused(
    spec({ algorithm: "bayes" as never }),
    RangeError,
    "spec: algorithm must be one of gp_bandit",
  );
});

test("plain data is checked as the builders check it", () => {
  const spec = (parameters: StudySpec["parameters"]) => () =>
    specToMessage({ parameters, metrics: { loss: "minimize" } });
  refused(
    spec({ n: { type: "integer", low: 1.5, high: 4 } }),
    RangeError,
    'integer "n": low must be an integer',
  );
  refused(
    spec({ n: { type: "integer", lo: 1, high: 4 } as never }),
    TypeError,
    'integer "n": unknown keys lo',
  );
  refused(
    spec([{ type: "float", name: "f" } as never]),
    TypeError,
    'parameter "f": type must be one of double',
  );
  refused(
    () => specToMessage({ parameters: [X], metrics: { acc: "max" as never } }),
    RangeError,
    'metric "acc": goal must be "minimize" or "maximize", got "max"',
  );
  refused(
    () =>
      specToMessage({
        parameters: [X],
        metrics: [LOSS],
        earlyStopping: { rule: "median", minStep: -1 },
      }),
    RangeError,
    "earlyStopping (median): minStep must be at least 0, got -1",
  );
  // Misspelled keys were dropped here: a default reduction factor, no objective.
  const epochs = integer("epochs", 1, 27);
  refused(
    () =>
      specToMessage({
        parameters: [X, epochs],
        metrics: [LOSS],
        budgetParameter: { parameter: "epochs", reduction_factor: 2 } as never,
      }),
    TypeError,
    "spec: budgetParameter: unknown keys reduction_factor",
  );
  refused(
    () =>
      specToMessage({
        parameters: [X],
        metrics: [LOSS],
        fidelity: { maxStep: 27, minStep: 3 } as never,
      }),
    TypeError,
    "spec: fidelity: unknown keys minStep",
  );
  refused(
    () =>
      specToMessage({
        parameters: [X],
        metrics: [LOSS],
        priorStudies: [{ study: "teams/t/studies/a", objectve: "loss" } as never],
      }),
    TypeError,
    "spec: priorStudies: unknown keys objectve",
  );
  refused(
    () => specToMessage({ parameters: [X], metrics: { loss: {} } }),
    TypeError,
    'metric "loss": use "minimize", "maximize"',
  );
  const keyed = specToMessage({
    parameters: { x: { type: "double", low: 0, high: 1 } },
    metrics: { loss: "minimize" },
  });
  assert.deepEqual(keyed, specToMessage({ parameters: [X], metrics: [LOSS] }));
});

const STORED_SPEC: StudySpec = {
  parameters: [
    categorical("optimizer", ["sgd", "adam"]),
    double("lr", 1e-5, 0.1, "log"),
    discrete("batch", [16, 32, 64]),
    double("momentum", 0, 0.99, { when: { parent: "optimizer", values: ["sgd"] } }),
  ],
  metrics: [metric("accuracy", "maximize"), constraint("memory_gb", { atMost: 8 })],
  maxTrials: 50,
};
const STORED = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(STORED_SPEC));
const stored = STORED_SPEC.parameters as Parameter[];

test("specDifferences: each differing field with the stored and the given value", () => {
  const batch = discrete("batch", [64, 16, 32]);
  assert.deepEqual(
    specDifferences(
      { ...STORED_SPEC, parameters: [stored[0]!, stored[1]!, batch, stored[3]!] },
      STORED,
    ),
    [],
  );
  const lr = double("lr", 1e-5, 1, "log");
  assert.deepEqual(
    specDifferences(
      { ...STORED_SPEC, parameters: [stored[0]!, lr, stored[2]!, stored[3]!], maxTrials: 100 },
      STORED,
    ),
    [
      'parameters[1] "lr": stored double 0.00001..0.1 log, given double 0.00001..1 log',
      "maxTrials: stored 50, given 100",
    ],
  );
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, algorithm: "random_search", maxTrials: undefined }, STORED),
    ["algorithm: stored gp_bandit, given random_search", "maxTrials: stored 50, given none"],
  );
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: successiveHalving() }, STORED),
    ["earlyStopping: stored none, given successiveHalving(minStep=1)"],
  );
  // Stored without stall restarts (as a study that never restarts is): false.
  assert.deepEqual(specDifferences({ ...STORED_SPEC, stallRestarts: false }, STORED), []);
  assert.deepEqual(specDifferences({ ...STORED_SPEC, stallRestarts: true }, STORED), [
    "stallRestarts: stored false, given true",
  ]);
  assert.deepEqual(
    specDifferences(STORED_SPEC, { ...STORED, stallRestarts: true }),
    [],
    "unset: the server's default",
  );
  const withPolicy = (earlyStopping: StudySpec["earlyStopping"]) => ({
    ...STORED,
    earlyStopping: normalized<StudySpec__Output>(
      "sibyl.v1.StudySpec",
      specToMessage({ ...STORED_SPEC, earlyStopping }),
    ).earlyStopping,
  });
  const reported = withPolicy(medianStopping({ minTrials: 4 })); // as the server reports it
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: medianStopping() }, reported),
    [],
    "an unset setting takes the stored value",
  );
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: medianStopping({ minTrials: 5 }) }, reported),
    ["earlyStopping: stored median(minTrials=4), given median(minTrials=5)"],
  );
  // minStep 0 is a setting of its own (the field is optional): not "unset, the stored 5".
  const fromStep5 = withPolicy(medianStopping({ minStep: 5 }));
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: medianStopping({ minStep: 0 }) }, fromStep5),
    ["earlyStopping: stored median(minStep=5), given median(minStep=0)"],
  );
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: medianStopping() }, fromStep5),
    [],
  );
  const fromStep0 = withPolicy(medianStopping({ minStep: 0 }));
  assert.deepEqual(
    specDifferences({ ...STORED_SPEC, earlyStopping: medianStopping({ minStep: 0 }) }, fromStep0),
    [],
  );
  assert.equal(
    specDifference({ ...STORED_SPEC, earlyStopping: medianStopping() }, STORED),
    "earlyStopping",
  );
});

test("specDifferences: parameters and metrics added, removed, changed and moved", () => {
  const parameters = [
    stored[1]!,
    stored[0]!,
    integer("batch", 16, 64),
    integer("layers", 1, 4, { when: { parent: "lr", atMost: 0.01 } }),
  ];
  const metrics = [
    metric("accuracy", "maximize", { referenceValue: 0.5 }),
    constraint("memory_gb", { atLeast: 1, atMost: 8 }),
  ];
  assert.deepEqual(specDifferences({ ...STORED_SPEC, parameters, metrics }, STORED), [
    'parameters[2] "batch": stored discrete [16, 32, 64], given integer 16..64 linear',
    'parameters[3] "layers": stored none, given integer 1..4 linear when lr <= 0.01',
    'parameters "momentum": stored double 0..0.99 linear when optimizer in ["sgd"], given none',
    'parameters order: stored ["optimizer", "lr", "batch"], given ["lr", "optimizer", "batch"]',
    'metrics[0] "accuracy": stored maximize, given maximize (referenceValue=0.5)',
    'metrics[1] "memory_gb": stored constraint atMost=8, given constraint atLeast=1, atMost=8',
  ]);
});

test("the mismatch error lists the differences and says how to go on", () => {
  const error = mismatchError("teams/t/studies/s", "s", [
    'parameters[1] "lr": …',
    "maxTrials: stored 50, given 9",
  ]);
  assert.ok(error instanceof SpecMismatchError);
  assert.equal(error.difference, "parameters");
  assert.deepEqual(error.message.split("\n"), [
    "study teams/t/studies/s exists with different parameters and maxTrials:",
    '  parameters[1] "lr": …',
    "  maxTrials: stored 50, given 9",
    'Use another study id for this spec, or use the stored study as it is: client.getStudy("s"), or pass its stored spec.',
    'The budget of a study can change: (await client.getStudy("s")).update({ maxTrials })',
  ]);
  assert.ok(
    error.stack!.includes("maxTrials: stored 50, given 9"),
    "an uncaught error shows them too",
  );
});

let client: Client;
serveFile({ team: "node-spec-tests" }, (started) => {
  ({ client } = started);
});

test("a study reports the stopping settings in use; an unset one matches them", async () => {
  const spec: StudySpec = { ...STORED_SPEC, earlyStopping: learningCurveStopping(12) };
  const id = uniqueId("s");
  const stored = await client.createOrLoadStudy(id, spec);
  const curve = stored.proto.spec!.earlyStopping!.learningCurve!;
  assert.equal(Number(curve.finalStep), 12);
  assert.ok(Number(curve.minStep) > 0 && curve.minTrials > 0, "the server's defaults, filled in");
  assert.equal((await client.createOrLoadStudy(id, spec)).name, stored.name);
  const changed = { ...spec, earlyStopping: learningCurveStopping(12, { minStep: 5 }) };
  const error = await rejection(client.createOrLoadStudy(id, changed));
  assert.ok(error instanceof SpecMismatchError && error.difference === "earlyStopping");
});

test("createOrLoadStudy lists what differs from the stored study", async () => {
  const id = uniqueId("s");
  const first = await client.createOrLoadStudy(id, STORED_SPEC);
  assert.equal((await client.createOrLoadStudy(id, STORED_SPEC)).name, first.name);
  const given: StudySpec = { ...STORED_SPEC, maxTrials: 100, algorithm: "quasi_random_search" };
  const error = await client.createOrLoadStudy(id, given).then(
    () => undefined,
    (rejected: unknown) => rejected,
  );
  assert.ok(error instanceof SpecMismatchError);
  assert.equal(error.difference, "algorithm");
  assert.deepEqual(error.message.split("\n").slice(0, 3), [
    `study ${first.name} exists with different algorithm and maxTrials:`,
    "  algorithm: stored gp_bandit, given quasi_random_search",
    "  maxTrials: stored 50, given 100",
  ]);
});

test("prior studies are checked, sent, and come back in the study's spec", () => {
  const spec = (priorStudies: StudySpec["priorStudies"]): StudySpec => ({
    parameters: [X],
    metrics: [LOSS],
    priorStudies,
  });
  refused(() => specToMessage(spec(["old"])), RangeError, "teams/{team}/studies/{study}");
  refused(
    () => specToMessage(spec(["teams/t/studies/a", { study: "teams/t/studies/a" }])),
    RangeError,
    "names a study twice",
  );
  assert.deepEqual(
    specToMessage(spec(["teams/t/studies/a", { study: "teams/t/studies/b", objective: "val" }]))
      .priorStudies,
    [
      { study: "teams/t/studies/a", objective: "" },
      { study: "teams/t/studies/b", objective: "val" },
    ],
  );
});

test("specDifferences: prior studies given, changed and left out", () => {
  const withPriors = (priorStudies: StudySpec["priorStudies"]) =>
    normalized<StudySpec__Output>(
      "sibyl.v1.StudySpec",
      specToMessage({ ...STORED_SPEC, priorStudies }),
    );
  const a = "teams/t/studies/a";
  assert.deepEqual(specDifferences({ ...STORED_SPEC, priorStudies: [a] }, STORED), [
    "priorStudies: stored none, given [teams/t/studies/a]",
  ]);
  const storedPriors = withPriors([a, { study: "teams/t/studies/b", objective: "val" }]);
  assert.deepEqual(
    specDifferences(
      { ...STORED_SPEC, priorStudies: [{ study: a }, "teams/t/studies/b"] },
      storedPriors,
    ),
    [
      "priorStudies: stored [teams/t/studies/a, teams/t/studies/b (objective val)], " +
        "given [teams/t/studies/a, teams/t/studies/b]",
    ],
  );
  assert.deepEqual(specDifferences({ ...STORED_SPEC, priorStudies: [a] }, withPriors([a])), []);
  assert.equal(specDifference(STORED_SPEC, withPriors([a])), "priorStudies");
  assert.match(
    mismatchError("teams/t/studies/s", "s", specDifferences(STORED_SPEC, withPriors([a]))).message,
    /exists with different priorStudies:\n {2}priorStudies: stored \[teams\/t\/studies\/a\], given none/,
  );
});

test("a study created with a prior study reports it", async () => {
  const prior = await client.createOrLoadStudy(uniqueId("prior"), STORED_SPEC);
  const spec: StudySpec = {
    ...STORED_SPEC,
    metrics: [metric("acc", "maximize")],
    priorStudies: [{ study: prior.name, objective: "accuracy" }],
  };
  const study = await client.createOrLoadStudy(uniqueId("s"), spec);
  assert.deepEqual(study.proto.spec!.priorStudies, [{ study: prior.name, objective: "accuracy" }]);
  const missing = { ...spec, priorStudies: ["teams/node-spec-tests/studies/none-such"] };
  const error = await rejection(client.createOrLoadStudy(uniqueId("s"), missing));
  assert.match(String(error), /does not exist/);
});
