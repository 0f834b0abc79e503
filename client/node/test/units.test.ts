/** The parts that need no server: specs, values, service config, error details. */
import assert from "node:assert/strict";
import { test } from "node:test";

import * as grpc from "@grpc/grpc-js";

import {
  InvalidArgumentError,
  NotFoundError,
  SibylError,
  categorical,
  constraint,
  decodeStatusDetails,
  discrete,
  double,
  encodeStatus,
  fromServiceError,
  integer,
  learningCurveStopping,
  modelStopping,
  medianStopping,
  metric,
  specDifference,
  specToMessage,
  successiveHalving,
} from "../src/index";
import type { Parameter, StudySpec } from "../src/index";
import type { StudySpec__Output } from "../src/generated/sibyl/v1/StudySpec";
import { channelOptions, resolveOptions, serviceConfig } from "../src/options";
import { durationOf, normalized } from "../src/proto";
import { dateOf, roleEnum, teamOf, tokenOf } from "../src/team";
import { ValueCodec } from "../src/values";
import { FOUR_KINDS, FOUR_KINDS_AS_DATA, OPTIMIZER_WITH_MOMENTUM } from "./support/fixtures";

const SPEC = FOUR_KINDS;

test("specs: builders and plain data give the same message; gp_bandit by default", () => {
  const message = specToMessage(SPEC);
  assert.deepEqual(specToMessage(FOUR_KINDS_AS_DATA), message);
  assert.equal(message.algorithm, "ALGORITHM_GP_BANDIT");
  assert.deepEqual(message.parameters![0], {
    name: "lr",
    doubleRange: { minValue: 1e-4, maxValue: 0.1, scaleType: "SCALE_TYPE_LOG" },
  });
  assert.equal(message.parameters![1]!.integerRange!.scaleType, "SCALE_TYPE_LINEAR");
  assert.deepEqual(message.metrics, [{ name: "accuracy", goal: "GOAL_MAXIMIZE" }]);
  assert.equal(message.seed, undefined, "unset: the server picks one");
});

test("specs: optional fields", () => {
  const message = specToMessage({
    ...SPEC,
    algorithm: "grid_search",
    maxTrials: 20,
    seed: 7,
    trialLeaseSeconds: 90.5,
    gridResolution: 3,
    initialTrials: 4,
  });
  assert.equal(message.algorithm, "ALGORITHM_GRID_SEARCH");
  assert.deepEqual(message.trialLease, { seconds: 90, nanos: 500_000_000 });
  assert.deepEqual(
    [message.maxTrials, message.seed, message.gridResolution, message.initialTrials],
    [20, 7, 3, 4],
  );
  assert.equal(message.stallRestarts, undefined, "unset: the server's default");
  assert.equal(specToMessage({ ...SPEC, stallRestarts: false }).stallRestarts, false);
});

test("specs: what the client can tell is wrong throws before any call", () => {
  assert.throws(
    () => specToMessage({ ...SPEC, budget: 3 } as StudySpec),
    /unknown spec keys budget/,
  );
  assert.throws(() => specToMessage({ ...SPEC, algorithm: "magic" as "gp_bandit" }), RangeError);
  assert.throws(() => specToMessage({ ...SPEC, metrics: { y: "up" as "maximize" } }), RangeError);
  assert.throws(
    () => specToMessage({ ...SPEC, parameters: [double("x", 0, 1, "cubic" as "log")] }),
    RangeError,
  );
  assert.throws(() => specToMessage({ ...SPEC, parameters: { x: [] } }), TypeError);
  assert.throws(
    () => specToMessage({ ...SPEC, parameters: { x: { type: "float" } as never } }),
    TypeError,
  );
});

const CONDITIONAL: StudySpec = {
  parameters: [
    categorical("optimizer", ["sgd", "adam"]),
    double("momentum", 0, 0.99, "linear", { when: { parent: "optimizer", values: ["sgd"] } }),
    integer("layers", 1, 6),
    integer("units", 8, 512, { scale: "log", when: { parent: "layers", atLeast: 3, atMost: 5 } }),
    discrete("width", [1, 2], { when: { parent: "layers", values: [1, 2] } }),
    categorical("act", ["relu", "gelu"], { when: { parent: "layers", atMost: 2 } }),
  ],
  metrics: [
    metric("accuracy", "maximize"),
    metric("latency_ms", "minimize", { referenceValue: 100 }),
    constraint("memory_gb", { atMost: 8 }),
    constraint("throughput", { atLeast: 10, atMost: 1e6 }),
  ],
  earlyStopping: medianStopping({ minStep: 2 }),
};

test("specs: conditions, objectives with reference values, constraints, early stopping", () => {
  const message = specToMessage(CONDITIONAL);
  assert.deepEqual(
    message.parameters!.map((p) => p.condition),
    [
      undefined,
      { parent: "optimizer", categories: { values: ["sgd"] } },
      undefined,
      { parent: "layers", range: { minValue: 3, maxValue: 5 } },
      { parent: "layers", numbers: { values: [1, 2] } },
      { parent: "layers", range: { maxValue: 2 } },
    ],
  );
  assert.equal(message.parameters![3]!.integerRange!.scaleType, "SCALE_TYPE_LOG");
  assert.deepEqual(message.metrics, [
    { name: "accuracy", goal: "GOAL_MAXIMIZE" },
    { name: "latency_ms", goal: "GOAL_MINIMIZE", referenceValue: 100 },
    { name: "memory_gb", constraint: { upperBound: 8 } },
    { name: "throughput", constraint: { upperBound: 1e6, lowerBound: 10 } },
  ]);
  assert.deepEqual(message.earlyStopping, { median: { minStep: 2 } }, "unset: the server's");
  const policy = (earlyStopping: StudySpec["earlyStopping"]) =>
    specToMessage({ ...SPEC, earlyStopping }).earlyStopping;
  assert.deepEqual(policy(successiveHalving()), {
    successiveHalving: { minStep: 1 },
  });
  assert.deepEqual(policy(successiveHalving({ minStep: 2, reductionFactor: 4 })), {
    successiveHalving: { minStep: 2, reductionFactor: 4 },
  });
  assert.deepEqual(policy(successiveHalving({ brackets: 4 })), {
    successiveHalving: { minStep: 1, brackets: 4 },
  });
  assert.deepEqual(policy(learningCurveStopping(20, { minTrials: 5 })), {
    learningCurve: { finalStep: 20, minTrials: 5 },
  });
  assert.deepEqual(
    policy({ rule: "learning_curve", finalStep: 9 }),
    policy(learningCurveStopping(9)),
  );
  assert.equal(specToMessage(SPEC).earlyStopping, undefined, "unset: never stopped");
  const withFidelity = (earlyStopping: StudySpec["earlyStopping"]) =>
    specToMessage({ ...SPEC, fidelity: { maxStep: 27 }, earlyStopping }).earlyStopping;
  assert.deepEqual(withFidelity(modelStopping()), { model: {} }, "unset: the server's");
  assert.deepEqual(withFidelity(modelStopping({ minProbability: 0.2 })), {
    model: { minProbability: 0.2 },
  });
  assert.throws(() => modelStopping({ minProbability: 1 }), /above 0 and below 1, got 1/);
  assert.throws(() => modelStopping({ reductionFactor: 1.5 }), /between 2 and 100, got 1.5/);
  assert.throws(
    () => specToMessage({ ...SPEC, earlyStopping: modelStopping() }),
    /rule "model" needs a fidelity/,
  );

  const data: StudySpec = {
    parameters: {
      ...OPTIMIZER_WITH_MOMENTUM,
      layers: { type: "integer", low: 1, high: 6 },
      units: {
        type: "integer",
        low: 8,
        high: 512,
        scale: "log",
        when: { parent: "layers", atLeast: 3, atMost: 5 },
      },
      width: { type: "discrete", values: [1, 2], when: { parent: "layers", values: [1, 2] } },
      act: { type: "categorical", values: ["relu", "gelu"], when: { parent: "layers", atMost: 2 } },
    },
    metrics: {
      accuracy: "maximize",
      latency_ms: { goal: "minimize", referenceValue: 100 },
      memory_gb: { atMost: 8 },
      throughput: { atLeast: 10, atMost: 1e6 },
    },
    earlyStopping: { rule: "median", minStep: 2 },
  };
  assert.deepEqual(specToMessage(data), message, "plain data is the same spec");
});

test("specs: wrong conditions, metrics and policies throw before any call", () => {
  const parameter = (when: unknown) =>
    specToMessage({ ...SPEC, parameters: [double("x", 0, 1, { when: when as never })] });
  assert.throws(() => parameter({ parent: "p", values: ["a"], atLeast: 1 }), /not both/);
  assert.throws(() => parameter({ parent: "p", values: [] }), /non-empty/);
  assert.throws(() => parameter({ parent: "p", values: ["a", 1] }), /non-empty/);
  assert.throws(() => parameter({ parent: "p" }), /values, atLeast or atMost/);
  assert.throws(() => parameter({ values: ["a"] }), /needs a parent/);
  assert.throws(() => parameter({ parent: "p", at_least: 3 }), /unknown keys at_least/);
  assert.throws(() => constraint("memory_gb", {}), RangeError);
  assert.throws(
    () => specToMessage({ ...SPEC, metrics: { m: { goal: "minimize", atMost: 3 } as never } }),
    /not both/,
  );
  assert.throws(
    () => specToMessage({ ...SPEC, metrics: { m: { at_most: 3 } as never } }),
    /unknown keys at_most/,
  );
  assert.throws(
    () => specToMessage({ ...SPEC, earlyStopping: { rule: "asha" } as never }),
    /rule must be one of median, successive_halving, learning_curve, model/,
  );
  assert.throws(
    () => specToMessage({ ...SPEC, earlyStopping: { rule: "median", finalStep: 3 } as never }),
    /unknown keys finalStep/,
  );
});

test("specDifference ignores the order of discrete values and names what differs", () => {
  const stored = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(SPEC));
  stored.parameters[2]!.discreteValues!.values.sort((a, b) => a - b);
  stored.seed = "12345"; // the server's pick: not part of the comparison
  assert.equal(specDifference(SPEC, stored), "");
  assert.equal(specDifference({ ...SPEC, metrics: [metric("accuracy")] }, stored), "metrics");
  assert.equal(specDifference({ ...SPEC, algorithm: "random_search" }, stored), "algorithm");
  assert.equal(specDifference({ ...SPEC, maxTrials: 5 }, stored), "maxTrials");

  const conditional = normalized<StudySpec__Output>(
    "sibyl.v1.StudySpec",
    specToMessage(CONDITIONAL),
  );
  assert.equal(specDifference(CONDITIONAL, conditional), "");
  const parameters = [...(CONDITIONAL.parameters as Parameter[])];
  parameters[1] = double("momentum", 0, 0.99, { when: { parent: "optimizer", values: ["adam"] } });
  assert.equal(specDifference({ ...CONDITIONAL, parameters }, conditional), "parameters");
  const metrics = [metric("accuracy", "maximize"), constraint("memory_gb", { atMost: 16 })];
  assert.equal(specDifference({ ...CONDITIONAL, metrics }, conditional), "metrics");
});

test("values: plain numbers and strings both ways", () => {
  const spec = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(SPEC));
  const codec = new ValueCodec(spec);
  assert.deepEqual(codec.toMessages({ lr: 0.01, layers: 3, batch: 32, optimizer: "adam" }), {
    lr: { doubleValue: 0.01 },
    layers: { intValue: 3 },
    batch: { doubleValue: 32 },
    optimizer: { stringValue: "adam" },
  });
  assert.deepEqual(codec.toMessages({ layers: 2.5 }), { layers: { doubleValue: 2.5 } });
  assert.equal(codec.toValue({ intValue: "9007199254740992", kind: "intValue" }), 2 ** 53);
  assert.equal(codec.toValue({ doubleValue: 0.5, kind: "doubleValue" }), 0.5);
  assert.equal(codec.toValue({ stringValue: "sgd", kind: "stringValue" }), "sgd");
});

test("values: conditional parameters may be missing", () => {
  const spec = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(CONDITIONAL));
  const codec = new ValueCodec(spec);
  assert.deepEqual(codec.toMessages({ optimizer: "adam", layers: 4, units: 64 }), {
    optimizer: { stringValue: "adam" },
    layers: { intValue: 4 },
    units: { intValue: 64 },
  });
  assert.deepEqual(codec.toMessages({}), {});
});

test("teams and tokens: roles, dates, plain objects", () => {
  assert.equal(roleEnum("writer"), "ROLE_WRITER");
  assert.equal(roleEnum("ADMIN"), "ROLE_ADMIN");
  assert.throws(() => roleEnum("owner"), /role must be one of reader, writer, admin/);
  assert.equal(dateOf(null), undefined);
  assert.deepEqual(dateOf({ seconds: "1700000000", nanos: 250_000_000 }), new Date(1700000000250));
  const token = tokenOf({
    name: "teams/t/tokens/ab12",
    role: "ROLE_READER",
    description: "dashboards",
    createTime: { seconds: "1700000000", nanos: 0 },
    expireTime: null,
    revokeTime: null,
  });
  assert.deepEqual(token, {
    name: "teams/t/tokens/ab12",
    role: "reader",
    description: "dashboards",
    createTime: new Date(1700000000000),
  });
  const team = teamOf({
    name: "teams/t",
    quotas: { maxActiveStudies: "20", maxTrialsPerStudy: "0", maxSuggestRequestsPerSecond: 2.5 },
    createTime: null,
  });
  assert.deepEqual(team, {
    name: "teams/t",
    quotas: { maxActiveStudies: 20, maxTrialsPerStudy: 0, maxSuggestRequestsPerSecond: 2.5 },
  });
});

test("service config: the load-balancing policy, and no retry policy", () => {
  const config = serviceConfig(resolveOptions("x:1"));
  assert.deepEqual(config, { loadBalancingConfig: [{ round_robin: {} }] });
  const single = resolveOptions("x:1", { loadBalancing: "pick_first" });
  assert.deepEqual(serviceConfig(single), { loadBalancingConfig: [{ pick_first: {} }] });
  const options = channelOptions(resolveOptions("x:1"), { channelOptions: { "grpc.x": 1 } });
  assert.equal(options["grpc.enable_retries"], undefined, "the client retries, not grpc-js");
  assert.equal(options["grpc.x"], 1, "extra channel options are passed on");
  assert.deepEqual(JSON.parse(options["grpc.service_config"] as string), config);
});

test("options: defaults", () => {
  const options = resolveOptions("localhost:50051");
  assert.equal(options.team, "default");
  assert.equal(options.timeoutMs, 30_000);
  assert.equal(options.suggestTimeoutMs, 600_000);
  assert.match(options.clientId, new RegExp(`-${process.pid}$`));
  assert.equal(options.token, undefined);
});

test("error details: ErrorInfo and BadRequest decoded from the status trailer", () => {
  const raw = encodeStatus(grpc.status.INVALID_ARGUMENT, "count: too big", {
    reason: "INVALID_ARGUMENT",
    domain: "sibyl",
    metadata: { field: "count" },
    fieldViolations: [{ field: "count", description: "must be between 1 and 1000" }],
  });
  const trailers = new grpc.Metadata();
  trailers.set("grpc-status-details-bin", raw);
  const error = fromServiceError({
    code: grpc.status.INVALID_ARGUMENT,
    details: "count: too big",
    metadata: trailers,
  });
  assert.ok(error instanceof InvalidArgumentError && error instanceof SibylError);
  assert.equal(error.field, "count");
  assert.deepEqual(error.metadata, { field: "count" });
  assert.equal(error.domain, "sibyl");
  assert.equal(error.message, "INVALID_ARGUMENT: count: too big");
  assert.equal(error.name, "InvalidArgumentError");
});

test("error details: absent or garbled details leave the error usable", () => {
  assert.deepEqual(decodeStatusDetails(Buffer.from([0xff, 0xff, 0xff])).fieldViolations, []);
  const plain = fromServiceError({ code: grpc.status.NOT_FOUND, details: "gone" });
  assert.ok(plain instanceof NotFoundError);
  assert.equal(plain.reason, "");
  assert.equal(plain.message, "NOT_FOUND: gone");
  const odd = fromServiceError({ code: grpc.status.UNIMPLEMENTED, details: "no such method" });
  assert.equal(odd.constructor, SibylError, "codes without a subclass get the base class");
  assert.equal(odd.codeName, "UNIMPLEMENTED");
});

test("durationOf: whole nanoseconds, carried into the seconds", () => {
  assert.deepEqual(durationOf(1.5), { seconds: 1, nanos: 500_000_000 });
  // Math.round of the fraction alone gave nanos 1e9, an invalid Duration.
  assert.deepEqual(durationOf(59.9999999999), { seconds: 60, nanos: 0 });
  assert.deepEqual(durationOf(3600.9999999999), { seconds: 3601, nanos: 0 });
  assert.deepEqual(durationOf(0), { seconds: 0, nanos: 0 });
});

test("a token that is not printable ASCII is refused when connecting", () => {
  // grpc-js refused it on every call, with a plain Error.
  assert.throws(() => resolveOptions("x:1", { token: "sécret" }), TypeError);
  assert.throws(() => resolveOptions("x:1", { token: "a\nb" }), /printable ASCII/);
  assert.equal(resolveOptions("x:1", { token: "sib_abc-123" }).token, "sib_abc-123");
});
