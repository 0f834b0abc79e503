/**
 * Study specs written as plain TypeScript: builder functions, or plain data.
 *
 * ```ts
 * const spec: StudySpec = {
 *   parameters: [
 *     double("learning_rate", 1e-4, 1e-1, "log"),
 *     integer("num_layers", 1, 4),
 *     discrete("batch_size", [16, 32, 64, 128]),
 *     categorical("optimizer", ["sgd", "adam", "rmsprop"]),
 *     double("momentum", 0, 0.99, { when: { parent: "optimizer", values: ["sgd"] } }),
 *   ],
 *   metrics: [metric("accuracy", "maximize"), constraint("memory_gb", { atMost: 8 })],
 *   earlyStopping: medianStopping({ minStep: 2 }),
 *   maxTrials: 50,
 * };
 * ```
 *
 * or the same with `parameters` and `metrics` keyed by name (see `StudySpec`).
 *
 * The builders check their arguments, and `specToMessage` checks plain data the same
 * way: a wrong kind of value throws a TypeError, a wrong value a RangeError, with a
 * message naming the parameter or metric, what is wrong and what is valid, e.g.
 * `integer "layers": low must be an integer, got 1.5`.
 */
import type { StudySpec as StudySpecMessage } from "./generated/sibyl/v1/StudySpec";
import type { ParameterSpec as ParameterSpecMessage } from "./generated/sibyl/v1/ParameterSpec";
import type { MetricSpec as MetricSpecMessage } from "./generated/sibyl/v1/MetricSpec";
import type { ParentCondition as ParentConditionMessage } from "./generated/sibyl/v1/ParentCondition";
import type { EarlyStoppingPolicy as EarlyStoppingPolicyMessage } from "./generated/sibyl/v1/EarlyStoppingPolicy";
import { durationOf } from "./proto";

/** How algorithms see distances along a numeric parameter: equal differences or equal ratios. */
export type Scale = "linear" | "log";

/** Whether smaller or larger values of a metric are better. */
export type Goal = "minimize" | "maximize";

/** The algorithms a study can use; "gp_bandit" (Bayesian optimization) is the default. */
export const ALGORITHMS = [
  "gp_bandit",
  "random_search",
  "quasi_random_search",
  "grid_search",
] as const;

/** One of ALGORITHMS. */
export type AlgorithmName = (typeof ALGORITHMS)[number];

/**
 * Makes a parameter conditional: it exists only in trials whose `parent` parameter
 * takes one of `values` (categories of a CATEGORICAL parent, numbers of an INTEGER
 * or DISCRETE one), or, for a numeric parent, a value within [`atLeast`, `atMost`]
 * (either end may be left open). Trials carry a conditional parameter exactly when
 * it is active.
 *
 * ```ts
 * { parent: "optimizer", values: ["sgd"] }
 * { parent: "layers", atLeast: 3 }
 * ```
 */
export type When = WhenValues | WhenRange;

/** A condition on the parent's value being one of `values`. */
export interface WhenValues {
  readonly parent: string;
  /** Categories (strings) or numbers of the parent; not empty. */
  readonly values: readonly string[] | readonly number[];
}

/** A condition on a numeric parent's value being in a closed range; set at least one end. */
export interface WhenRange {
  readonly parent: string;
  /** Smallest parent value that makes the parameter active; unset: no lower end. */
  readonly atLeast?: number;
  /** Largest parent value that makes the parameter active; unset: no upper end. */
  readonly atMost?: number;
}

/** Options every parameter builder takes. */
export interface ParameterOptions {
  /** Makes the parameter conditional (see `When`). Unset: it is in every trial. */
  readonly when?: When;
}

/** Options of the numeric builders: the scale, and the options of every parameter. */
export interface NumericParameterOptions extends ParameterOptions {
  /** "linear" (the default) or "log". */
  readonly scale?: Scale;
}

/** A real-valued parameter in [low, high]; scale "log" for rates and strengths. */
export interface DoubleParameter {
  readonly type: "double";
  readonly name: string;
  /** Inclusive lower bound; greater than 0 on a log scale. */
  readonly low: number;
  /** Inclusive upper bound. */
  readonly high: number;
  /** "linear" (the default) or "log". */
  readonly scale?: Scale;
  /** Makes the parameter conditional (see `When`). */
  readonly when?: When;
}

/** An integer parameter in [low, high], both included. */
export interface IntegerParameter {
  readonly type: "integer";
  readonly name: string;
  /** Inclusive lower bound; at least 1 on a log scale. */
  readonly low: number;
  /** Inclusive upper bound. */
  readonly high: number;
  /** "linear" (the default) or "log". */
  readonly scale?: Scale;
  /** Makes the parameter conditional (see `When`). */
  readonly when?: When;
}

/** One of an ordered set of numbers, e.g. batch sizes [16, 32, 64, 128]. */
export interface DiscreteParameter {
  readonly type: "discrete";
  readonly name: string;
  /** The allowed numbers, in any order (the server stores them ascending). */
  readonly values: readonly number[];
  /** Makes the parameter conditional (see `When`). */
  readonly when?: When;
}

/** One of a set of unordered strings, e.g. ["sgd", "adam", "rmsprop"]. */
export interface CategoricalParameter {
  readonly type: "categorical";
  readonly name: string;
  /** The allowed strings, in the order given. */
  readonly values: readonly string[];
  /** Makes the parameter conditional (see `When`). */
  readonly when?: When;
}

/** A parameter of the search space. */
export type Parameter =
  DoubleParameter | IntegerParameter | DiscreteParameter | CategoricalParameter;

/**
 * A parameter keyed by its name: the parameter without `name`, or a plain list
 * (numbers: discrete; strings: categorical).
 */
export type ParameterDefinition =
  | Omit<DoubleParameter, "name">
  | Omit<IntegerParameter, "name">
  | Omit<DiscreteParameter, "name">
  | Omit<CategoricalParameter, "name">
  | readonly number[]
  | readonly string[];

/**
 * An objective: a metric to minimize or maximize. Several objectives make a
 * multi-objective study, whose optimal trials are its Pareto front.
 */
export interface Metric {
  readonly name: string;
  /** "minimize" (the default) or "maximize". */
  readonly goal?: Goal;
  /**
   * Several objectives only: this objective's coordinate of the hypervolume reference
   * point, the worst value still worth having. Unset: inferred from the observations.
   */
  readonly referenceValue?: number;
}

/**
 * An outcome constraint: a metric trials report, and that must be within bounds
 * (e.g. memory_gb at most 8) for a trial to be feasible. Only feasible trials can be
 * optimal. Set at least one bound.
 */
export interface Constraint {
  readonly name: string;
  /** The metric must be at most this. */
  readonly atMost?: number;
  /** The metric must be at least this. */
  readonly atLeast?: number;
}

/**
 * A metric keyed by its name: a goal, `{ goal, referenceValue }` for an objective, or
 * `{ atMost, atLeast }` for a constraint.
 */
export type MetricDefinition = Goal | Omit<Metric, "name"> | Omit<Constraint, "name">;

/** The median stopping rule: stop a trial whose best value so far is worse than the median of other trials' running averages at its step. */
export interface MedianStopping {
  readonly rule: "median";
  /** No trial is stopped before this step. Unset: the server's default. */
  readonly minStep?: number;
  /** No trial is stopped until this many trials have measurements at its step. Unset: the server's default. */
  readonly minTrials?: number;
}

/** Asynchronous successive halving: at steps minStep * reductionFactor^k, keep the best 1/reductionFactor. */
export interface SuccessiveHalving {
  readonly rule: "successive_halving";
  /** The first rung, at least 1 (the contract requires one). Unset: 1, the first step. */
  readonly minStep?: number;
  /** At each rung keep the best 1/reductionFactor; 2 to 100. Unset: the server's default. */
  readonly reductionFactor?: number;
  /** Hyperband's brackets, 1 to 10: trial n is first judged at minStep * reductionFactor^(n mod brackets), among its bracket's trials. Unset: one bracket. */
  readonly brackets?: number;
}

/** Learning-curve extrapolation: stop a trial when even an optimistic prediction of its final value is worse than the best final value so far. */
export interface LearningCurveStopping {
  readonly rule: "learning_curve";
  /** The step the final value is predicted at (the training's length); above minStep (the server's 3 when unset). */
  readonly finalStep: number;
  /** No trial is stopped before this step. Unset: the server's default. */
  readonly minStep?: number;
  /** No trial is stopped until this many trials have finished. Unset: the server's default. */
  readonly minTrials?: number;
}

/** Stopping by the fidelity model (studies with a `fidelity` only): at the rungs minStep * reductionFactor^k, stop a trial when the GP over (configuration, step) gives it less than minProbability of ending better than the other trials, or already predicts its final value closely. */
export interface ModelStopping {
  readonly rule: "model";
  /** The first rung, at least 1. Unset: 1. */
  readonly minStep?: number;
  /** The rungs' spacing, 2 to 100. Unset: 3. */
  readonly reductionFactor?: number;
  /** Above 0 and below 1. Unset: 0.1. */
  readonly minProbability?: number;
}

/** When to stop unpromising trials early (judged on the first objective). */
export type EarlyStopping =
  MedianStopping | SuccessiveHalving | LearningCurveStopping | ModelStopping;

/**
 * What to optimize and how. See proto/sibyl/v1/study.proto for every field's meaning.
 */
export interface StudySpec {
  /**
   * The search space: a list of parameters (from the builders), or an object from
   * parameter name to definition, e.g.
   * `{ lr: { type: "double", low: 1e-4, high: 0.1, scale: "log" }, batch: [16, 32], opt: ["sgd", "adam"] }`.
   */
  readonly parameters: readonly Parameter[] | Readonly<Record<string, ParameterDefinition>>;
  /**
   * The objectives (1 to 4) and outcome constraints: a list (from `metric` and
   * `constraint`), or an object from name to definition, e.g.
   * `{ accuracy: "maximize", latency_ms: { goal: "minimize", referenceValue: 100 }, memory_gb: { atMost: 8 } }`.
   */
  readonly metrics: readonly (Metric | Constraint)[] | Readonly<Record<string, MetricDefinition>>;
  /** The algorithm; "gp_bandit" when unset. */
  readonly algorithm?: AlgorithmName;
  /** Trial budget: the study completes once this many trials finished. Unset: none. */
  readonly maxTrials?: number;
  /** Seed of the algorithm's random choices. Unset: the server picks (and reports) one. */
  readonly seed?: number;
  /** How long a silent worker keeps its trial, in seconds. Unset: the server's default. */
  readonly trialLeaseSeconds?: number;
  /** grid_search only: grid points per DOUBLE parameter. Unset: the server's default. */
  readonly gridResolution?: number;
  /** gp_bandit only: quasi-random trials before the model is used. Unset: the server's default. */
  readonly initialTrials?: number;
  /**
   * When to stop unpromising trials (see `Trial.shouldStop`): `medianStopping()`,
   * `successiveHalving()`, `learningCurveStopping(finalStep)`, `modelStopping()` (with a
   * `fidelity`), or the same as plain data, e.g. `{ rule: "median", minStep: 2 }`.
   * Unset: trials are never stopped.
   */
  readonly earlyStopping?: EarlyStopping;
  /**
   * gp_bandit only: up to 5 earlier studies of the same team whose trials inform the
   * model, as resource names or `{ study, objective }` (docs/transfer.md). Unset: none.
   */
  readonly priorStudies?: readonly (PriorStudy | string)[];
  /**
   * The step of intermediate measurements as a budget (epochs, say): a multi-fidelity
   * search, for one objective without priorStudies (docs/fidelity.md). Successive
   * halving (unless `earlyStopping` names another rule) stops most trials at a low
   * step, and gp_bandit learns from every trial's values at those steps to choose
   * configurations for `maxStep`. Unset: measurements serve early stopping only.
   */
  readonly fidelity?: Fidelity;
  /**
   * A parameter that Sibyl sets as each trial's budget (a data fraction, epochs from
   * scratch), as its name or `{ parameter, reductionFactor }` (docs/fidelity.md): new
   * configurations get the smallest budget, and the best 1/reductionFactor of those
   * finished at one budget run again at the next. The trial reads its budget as any
   * parameter. Unset: the algorithm chooses every parameter.
   */
  readonly budgetParameter?: BudgetParameter | string;
  /**
   * gp_bandit only: true restarts the search afresh whenever the study's best value
   * stops improving, from four times its initial design's trials on, while its GP
   * ignores an input, for an objective with several local
   * optima and a budget of a hundred trials or more (docs/engine.md); false never does. One objective only, without
   * a constraint, priorStudies, fidelity or budgetParameter. Unset: the server's
   * default (off unless it runs with --stall-restarts true).
   */
  readonly stallRestarts?: boolean;
}

/** The step as a budget: where a trial that is not stopped ends (2 to 1,000,000). */
export interface Fidelity {
  readonly maxStep: number;
}

/**
 * A numeric, unconditional parameter as the trials' budget (not with grid_search). Its
 * budgets are its max divided by reductionFactor^k down to its min, which must be above
 * 0 (a DISCRETE parameter's budgets: its values).
 */
export interface BudgetParameter {
  readonly parameter: string;
  /** 2 to 10. Unset: 3. */
  readonly reductionFactor?: number;
}

/** An earlier study of the same team whose trials inform a study's model. */
export interface PriorStudy {
  /** The prior's resource name, `teams/{team}/studies/{study}`. */
  readonly study: string;
  /** The prior's objective that measures this study's, when named differently. Unset: the same name. */
  readonly objective?: string;
}

// Limits of the contract (proto/sibyl/v1/study.proto) cheap enough to check here. The
// server checks every spec again and stays the authority (e.g. on conditions that form
// a cycle); these checks only make a mistake show where it was made.
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const STUDY_NAME =
  /^teams\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?\/studies\/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$/;
const MAX_PRIOR_STUDIES = 5;
const PARAMETER_TYPES = ["double", "integer", "discrete", "categorical"] as const;
const MAX_PARAMETERS = 100;
const MAX_METRICS = 16;
const MAX_OBJECTIVES = 4;
const MAX_DISCRETE_VALUES = 10_000;
const MAX_CATEGORIES = 1_000;
const MAX_CATEGORY_LENGTH = 256;
const MAX_INTEGER = 2 ** 53;
const MAX_TRIALS = 1_000_000;
const LEASE_SECONDS = [1, 30 * 24 * 3600] as const;
const GRID_RESOLUTION = [2, 1000] as const;
const INITIAL_TRIALS = [1, 10_000] as const;

/** `value` as it would be written in code, for error messages. */
function shown(value: unknown): string {
  if (typeof value === "number" || typeof value === "bigint" || value === undefined) {
    return String(value);
  }
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value); // e.g. a cycle
  }
}

function checkName(owner: string, name: unknown): void {
  if (typeof name !== "string") {
    throw new TypeError(`${owner}: name must be a string, got ${shown(name)}`);
  }
  if (!NAME.test(name)) {
    throw new RangeError(
      `${owner}: name must be 1 to 64 letters, digits, "_", "-" or ".", starting with a ` +
        `letter or "_", got ${shown(name)}`,
    );
  }
}

/** TypeError unless `value` is a number; RangeError unless it is finite. */
function checkNumber(owner: string, field: string, value: unknown): asserts value is number {
  if (typeof value !== "number") {
    throw new TypeError(`${owner}: ${field} must be a number, got ${shown(value)}`);
  }
  if (!Number.isFinite(value)) {
    throw new RangeError(`${owner}: ${field} must be finite, got ${value}`);
  }
}

function checkInteger(
  owner: string,
  field: string,
  value: unknown,
  low: number,
  high?: number,
): void {
  checkNumber(owner, field, value);
  if (!Number.isInteger(value)) {
    throw new RangeError(`${owner}: ${field} must be an integer, got ${value}`);
  }
  if (value < low || (high !== undefined && value > high)) {
    const span = high === undefined ? `at least ${low}` : `between ${low} and ${high}`;
    throw new RangeError(`${owner}: ${field} must be ${span}, got ${value}`);
  }
}

function checkOptionalInteger(
  owner: string,
  field: string,
  value: unknown,
  [low, high]: readonly [number, number],
): void {
  if (value !== undefined) {
    checkInteger(owner, field, value, low, high);
  }
}

/** A list of 1 to `limit` distinct items, each passed to `checkItem`. */
function checkList(
  owner: string,
  values: unknown,
  limit: number,
  kind: string,
  checkItem: (value: unknown) => void,
): void {
  if (!Array.isArray(values)) {
    throw new TypeError(`${owner}: values must be a list of ${kind}, got ${shown(values)}`);
  }
  if (values.length < 1 || values.length > limit) {
    throw new RangeError(`${owner}: values must have 1 to ${limit} ${kind}, got ${values.length}`);
  }
  values.forEach(checkItem);
  const repeated = values.filter((value, index) => values.indexOf(value) !== index);
  if (repeated.length > 0) {
    throw new RangeError(
      `${owner}: values must be distinct, got ${shown([...new Set(repeated)])} more than once`,
    );
  }
}

function checkBounds(owner: string, parameter: DoubleParameter | IntegerParameter): void {
  const { low, high } = parameter;
  for (const [field, value] of [
    ["low", low],
    ["high", high],
  ] as const) {
    if (parameter.type === "integer") {
      checkInteger(owner, field, value, -MAX_INTEGER, MAX_INTEGER);
    } else {
      checkNumber(owner, field, value);
    }
  }
  if (!(low < high)) {
    throw new RangeError(`${owner}: low must be less than high, got low=${low}, high=${high}`);
  }
  const scale = parameter.scale ?? "linear";
  if (typeof scale !== "string" || !["linear", "log"].includes(scale.toLowerCase())) {
    throw new RangeError(`${owner}: scale must be "linear" or "log", got ${shown(scale)}`);
  }
  if (scale.toLowerCase() === "log" && parameter.type === "integer" && low < 1) {
    throw new RangeError(`${owner}: low must be at least 1 with scale "log", got ${low}`);
  }
  if (scale.toLowerCase() === "log" && parameter.type === "double" && low <= 0) {
    throw new RangeError(`${owner}: low must be greater than 0 with scale "log", got ${low}`);
  }
}

function checkCategory(owner: string, value: unknown): void {
  if (typeof value !== "string") {
    throw new TypeError(`${owner}: values must be strings, got ${shown(value)}`);
  }
  if (value.length < 1 || value.length > MAX_CATEGORY_LENGTH) {
    throw new RangeError(
      `${owner}: values must be 1 to ${MAX_CATEGORY_LENGTH} characters, got ${shown(value)}`,
    );
  }
}

const PARAMETER_KEYS = {
  double: ["type", "name", "low", "high", "scale", "when"],
  integer: ["type", "name", "low", "high", "scale", "when"],
  discrete: ["type", "name", "values", "when"],
  categorical: ["type", "name", "values", "when"],
} as const;

/**
 * Throws a TypeError (wrong kind of value) or RangeError (wrong value) naming the
 * parameter, what is wrong and what is valid. The builders call it; so does
 * `specToMessage`, for parameters written as plain data.
 */
export function checkParameter(parameter: Parameter): void {
  const { type, name } = parameter as { type: unknown; name: unknown };
  if (!(PARAMETER_TYPES as readonly unknown[]).includes(type)) {
    throw new TypeError(
      `parameter ${shown(name)}: type must be one of ${PARAMETER_TYPES.join(", ")}, ` +
        `got ${shown(type)}`,
    );
  }
  const owner = `${parameter.type} ${shown(name)}`;
  checkName(owner, name);
  checkKeys(owner, parameter, PARAMETER_KEYS[parameter.type]);
  if (parameter.type === "double" || parameter.type === "integer") {
    checkBounds(owner, parameter);
  } else if (parameter.type === "discrete") {
    const check = (value: unknown) => checkNumber(owner, "each value", value);
    checkList(owner, parameter.values, MAX_DISCRETE_VALUES, "numbers", check);
  } else {
    const check = (value: unknown) => checkCategory(owner, value);
    checkList(owner, parameter.values, MAX_CATEGORIES, "strings", check);
  }
  if (parameter.when !== undefined) {
    checkWhen(`parameter ${shown(name)}: when`, parameter.when);
  }
}

function checkWhen(what: string, when: When): void {
  if (when === null || typeof when !== "object" || typeof when.parent !== "string") {
    throw new TypeError(
      `${what} needs a parent: { parent, values } or { parent, atLeast, atMost }`,
    );
  }
  checkKeys(what, when, ["parent", "values", "atLeast", "atMost"]);
  checkName(what, when.parent);
  const { values, atLeast, atMost } = when as WhenValues & WhenRange;
  if (values !== undefined) {
    if (atLeast !== undefined || atMost !== undefined) {
      throw new TypeError(`${what}: give values, or atLeast/atMost, not both`);
    }
    const list: readonly unknown[] = Array.isArray(values) ? values : [];
    const strings = list.every((v) => typeof v === "string");
    if (list.length === 0 || !(strings || list.every((v) => typeof v === "number"))) {
      throw new TypeError(`${what}: values must be a non-empty list of strings or of numbers`);
    }
    if (!strings) {
      list.forEach((value) => checkNumber(what, "each value", value));
    }
    return;
  }
  if (atLeast === undefined && atMost === undefined) {
    throw new TypeError(`${what}: give values, atLeast or atMost`);
  }
  for (const [field, value] of Object.entries({ atLeast, atMost })) {
    if (value !== undefined) {
      checkNumber(what, field, value);
    }
  }
  if (atLeast !== undefined && atMost !== undefined && atLeast > atMost) {
    throw new RangeError(`${what}: atLeast must not exceed atMost, got ${atLeast} > ${atMost}`);
  }
}

/** As `checkParameter`, for an objective or an outcome constraint. */
export function checkMetric(item: Metric | Constraint): void {
  const name = (item as { name: unknown } | null)?.name;
  if (item === null || typeof item !== "object") {
    throw new TypeError(`metric ${shown(name)}: must be an object, got ${shown(item)}`);
  }
  const what = `metric ${shown(name)}`;
  checkName(what, name);
  if (isConstraint(item)) {
    if ("goal" in item || "referenceValue" in item) {
      throw new TypeError(
        `${what}: an objective (goal, referenceValue) or a constraint (atMost, atLeast), not both`,
      );
    }
    checkKeys(`${what} (a constraint)`, item, ["name", "atMost", "atLeast"]);
    for (const [field, value] of Object.entries({ atMost: item.atMost, atLeast: item.atLeast })) {
      if (value !== undefined) {
        checkNumber(what, field, value);
      }
    }
    if (item.atLeast !== undefined && item.atMost !== undefined && item.atLeast > item.atMost) {
      throw new RangeError(
        `${what}: atLeast must not exceed atMost, got ${item.atLeast} > ${item.atMost}`,
      );
    }
    return;
  }
  checkKeys(what, item, ["name", "goal", "referenceValue"]);
  goalEnum(what, item.goal);
  if (item.referenceValue !== undefined) {
    checkNumber(what, "referenceValue", item.referenceValue);
  }
}

const RULE_KEYS = {
  median: ["rule", "minStep", "minTrials"],
  successive_halving: ["rule", "minStep", "reductionFactor", "brackets"],
  learning_curve: ["rule", "finalStep", "minStep", "minTrials"],
  model: ["rule", "minStep", "reductionFactor", "minProbability"],
} as const;

/** As `checkParameter`, for an early-stopping policy. */
export function checkPolicy(policy: EarlyStopping): void {
  const rule = (policy as { rule?: unknown } | null)?.rule;
  if (typeof rule !== "string" || !(rule in RULE_KEYS)) {
    throw new RangeError(
      `earlyStopping.rule must be one of ${Object.keys(RULE_KEYS).join(", ")}, ` +
        `got ${shown(rule)}`,
    );
  }
  const what = `earlyStopping (${rule})`;
  checkKeys(what, policy, RULE_KEYS[rule as EarlyStopping["rule"]]);
  const optional = (field: string, value: number | undefined, low: number): void => {
    if (value !== undefined) {
      checkInteger(what, field, value, low);
    }
  };
  switch (policy.rule) {
    case "median":
      optional("minStep", policy.minStep, 0);
      optional("minTrials", policy.minTrials, 1);
      return;
    case "successive_halving":
      optional("minStep", policy.minStep, 1);
      optional("brackets", policy.brackets, 1);
      if (policy.brackets !== undefined && policy.brackets > 10) {
        throw new RangeError(`${what}: brackets must be at most 10, got ${policy.brackets}`);
      }
      checkReductionFactor(what, policy.reductionFactor);
      return;
    case "model":
      optional("minStep", policy.minStep, 1);
      checkReductionFactor(what, policy.reductionFactor);
      if (policy.minProbability !== undefined) {
        checkNumber(what, "minProbability", policy.minProbability);
        if (!(policy.minProbability > 0 && policy.minProbability < 1)) {
          throw new RangeError(
            `${what}: minProbability must be above 0 and below 1, got ${policy.minProbability}`,
          );
        }
      }
      return;
    case "learning_curve":
      checkInteger(what, "finalStep", policy.finalStep, 2);
      optional("minStep", policy.minStep, 0);
      optional("minTrials", policy.minTrials, 1);
      // With minStep unset, the server checks finalStep against its default.
      if (policy.minStep !== undefined && policy.finalStep <= policy.minStep) {
        throw new RangeError(
          `${what}: finalStep must be above minStep, got finalStep=` +
            `${policy.finalStep}, minStep=${policy.minStep}`,
        );
      }
  }
}

function checkReductionFactor(what: string, factor: number | undefined): void {
  if (factor === undefined) {
    return;
  }
  checkNumber(what, "reductionFactor", factor);
  if (!(factor >= 2 && factor <= 100)) {
    throw new RangeError(`${what}: reductionFactor must be between 2 and 100, got ${factor}`);
  }
}

/** The spec-wide checks: sizes, distinct names, parents that exist, option ranges. */
function checkSpec(spec: StudySpec, parameters: Parameter[], metrics: (Metric | Constraint)[]) {
  const counted = [
    ["parameters", parameters.length, MAX_PARAMETERS],
    ["metrics", metrics.length, MAX_METRICS],
  ] as const;
  for (const [field, count, limit] of counted) {
    if (count < 1 || count > limit) {
      throw new RangeError(`spec: ${field} must have 1 to ${limit} items, got ${count}`);
    }
  }
  const names = parameters.map((p) => p.name);
  const metricNames = metrics.map((m) => m.name);
  for (const [kind, list] of [
    ["parameter", names],
    ["metric", metricNames],
  ] as const) {
    const twice = list.find((name, index) => list.indexOf(name) !== index);
    if (twice !== undefined) {
      throw new RangeError(`spec: ${kind} name ${shown(twice)} is used twice`);
    }
  }
  const both = metricNames.find((name) => names.includes(name));
  if (both !== undefined) {
    throw new RangeError(`spec: ${shown(both)} is both a parameter and a metric`);
  }
  for (const parameter of parameters) {
    checkParent(parameter, names);
  }
  const objectives = metrics.filter((m) => !isConstraint(m)).length;
  if (objectives < 1 || objectives > MAX_OBJECTIVES) {
    throw new RangeError(
      `spec: metrics must include 1 to ${MAX_OBJECTIVES} objectives (metric), got ${objectives}`,
    );
  }
  checkOptions(spec);
}

function checkParent(parameter: Parameter, names: readonly string[]): void {
  const parent = parameter.when?.parent;
  const owner = `${parameter.type} ${shown(parameter.name)}`;
  if (parent === parameter.name) {
    throw new RangeError(`${owner}: a parameter cannot be its own parent (when.parent)`);
  }
  if (parent !== undefined && !names.includes(parent)) {
    throw new RangeError(
      `${owner}: when.parent ${shown(parent)} is not a parameter of the spec; it has ` +
        names.map(shown).join(", "),
    );
  }
}

function checkOptions(spec: StudySpec): void {
  checkOptionalInteger("spec", "maxTrials", spec.maxTrials, [0, MAX_TRIALS]);
  checkOptionalInteger("spec", "seed", spec.seed, [0, Number.MAX_SAFE_INTEGER]);
  checkOptionalInteger("spec", "gridResolution", spec.gridResolution, GRID_RESOLUTION);
  checkOptionalInteger("spec", "initialTrials", spec.initialTrials, INITIAL_TRIALS);
  if (spec.stallRestarts !== undefined && typeof spec.stallRestarts !== "boolean") {
    throw new TypeError(
      `spec: stallRestarts must be true or false, got ${shown(spec.stallRestarts)}`,
    );
  }
  checkLease("spec", spec.trialLeaseSeconds);
}

function checkLease(owner: string, lease: number | undefined): void {
  if (lease !== undefined) {
    checkNumber(owner, "trialLeaseSeconds", lease);
    if (lease < LEASE_SECONDS[0] || lease > LEASE_SECONDS[1]) {
      throw new RangeError(
        `${owner}: trialLeaseSeconds must be between 1 second and 30 days ` +
          `(${LEASE_SECONDS[1]} seconds), got ${lease}`,
      );
    }
  }
}

/** Throws for a budget or a lease `Study.update` would send wrong (as the spec's). */
export function checkStudyChanges(changes: {
  readonly maxTrials?: number;
  readonly trialLeaseSeconds?: number;
}): void {
  checkOptionalInteger("update", "maxTrials", changes.maxTrials, [0, MAX_TRIALS]);
  checkLease("update", changes.trialLeaseSeconds);
}

/** Throws unless `count` is a whole number (the server says what range it takes). */
export function checkTrialCount(count: unknown): void {
  checkInteger("suggest", "count", count, Number.MIN_SAFE_INTEGER);
}

function numericOptions(
  scaleOrOptions: Scale | NumericParameterOptions | undefined,
  options: ParameterOptions,
): { scale: Scale; when?: When } {
  const merged =
    typeof scaleOrOptions === "object" && scaleOrOptions !== null
      ? { ...options, ...scaleOrOptions }
      : { ...options, scale: scaleOrOptions };
  return withWhen({ scale: merged.scale ?? "linear" }, merged.when);
}

/** `parameter`, once `checkParameter` found nothing wrong with it. */
function checked<P extends Parameter>(parameter: P): P {
  checkParameter(parameter);
  return parameter;
}

function withWhen<T extends object>(parameter: T, when: When | undefined): T & { when?: When } {
  return when === undefined ? parameter : { ...parameter, when };
}

/**
 * A DOUBLE parameter in [low, high].
 *
 * ```ts
 * double("learning_rate", 1e-5, 0.1, "log")
 * double("momentum", 0, 0.99, { when: { parent: "optimizer", values: ["sgd"] } })
 * ```
 */
export function double(
  name: string,
  low: number,
  high: number,
  scale?: Scale | NumericParameterOptions,
  options: ParameterOptions = {},
): DoubleParameter {
  return checked({ type: "double", name, low, high, ...numericOptions(scale, options) });
}

/** An INTEGER parameter in [low, high], both included; options as for `double`. */
export function integer(
  name: string,
  low: number,
  high: number,
  scale?: Scale | NumericParameterOptions,
  options: ParameterOptions = {},
): IntegerParameter {
  return checked({ type: "integer", name, low, high, ...numericOptions(scale, options) });
}

/** A DISCRETE parameter: one of `values`. */
export function discrete(
  name: string,
  values: readonly number[],
  options: ParameterOptions = {},
): DiscreteParameter {
  const copy = Array.isArray(values) ? [...values] : values; // checkParameter names a non-list
  return checked(withWhen({ type: "discrete", name, values: copy } as const, options.when));
}

/** A CATEGORICAL parameter: one of `values`. */
export function categorical(
  name: string,
  values: readonly string[],
  options: ParameterOptions = {},
): CategoricalParameter {
  const copy = Array.isArray(values) ? [...values] : values; // checkParameter names a non-list
  return checked(withWhen({ type: "categorical", name, values: copy } as const, options.when));
}

/**
 * An objective with its goal ("minimize" unless given); `referenceValue` for
 * multi-objective studies (see `Metric`).
 */
export function metric(
  name: string,
  goal: Goal = "minimize",
  options: { readonly referenceValue?: number } = {},
): Metric {
  const result: Metric =
    options.referenceValue === undefined
      ? { name, goal }
      : { name, goal, referenceValue: options.referenceValue };
  checkMetric(result);
  return result;
}

/** An outcome constraint, e.g. `constraint("memory_gb", { atMost: 8 })`. */
export function constraint(
  name: string,
  bounds: { readonly atMost?: number; readonly atLeast?: number },
): Constraint {
  if (bounds.atMost === undefined && bounds.atLeast === undefined) {
    throw new RangeError(`constraint ${JSON.stringify(name)}: give atMost, atLeast or both`);
  }
  const result: { name: string; atMost?: number; atLeast?: number } = { name };
  if (bounds.atMost !== undefined) {
    result.atMost = bounds.atMost;
  }
  if (bounds.atLeast !== undefined) {
    result.atLeast = bounds.atLeast;
  }
  checkMetric(result);
  return result;
}

/** The median stopping rule (see `MedianStopping`). */
export function medianStopping(
  options: { readonly minStep?: number; readonly minTrials?: number } = {},
): MedianStopping {
  return checkedPolicy({ rule: "median", ...options });
}

/** Asynchronous successive halving (see `SuccessiveHalving`). */
export function successiveHalving(
  options: {
    readonly minStep?: number;
    readonly reductionFactor?: number;
    readonly brackets?: number;
  } = {},
): SuccessiveHalving {
  return checkedPolicy({ rule: "successive_halving", ...options });
}

/** Learning-curve extrapolation to `finalStep` (see `LearningCurveStopping`). */
export function learningCurveStopping(
  finalStep: number,
  options: { readonly minStep?: number; readonly minTrials?: number } = {},
): LearningCurveStopping {
  return checkedPolicy({ rule: "learning_curve", finalStep, ...options });
}

/** Stopping by the fidelity model (see `ModelStopping`); the spec needs a `fidelity`. */
export function modelStopping(
  options: {
    readonly minStep?: number;
    readonly reductionFactor?: number;
    readonly minProbability?: number;
  } = {},
): ModelStopping {
  return checkedPolicy({ rule: "model", ...options });
}

function checkedPolicy<P extends EarlyStopping>(policy: P): P {
  checkPolicy(policy);
  return policy;
}

function scaleType(scale: string | undefined): "SCALE_TYPE_LINEAR" | "SCALE_TYPE_LOG" {
  const scales = { linear: "SCALE_TYPE_LINEAR", log: "SCALE_TYPE_LOG" } as const;
  const key = (scale ?? "linear").toLowerCase();
  if (!(key in scales)) {
    throw new RangeError(`scale must be "linear" or "log", not ${JSON.stringify(scale)}`);
  }
  return scales[key as Scale];
}

function goalEnum(what: string, goal: unknown): "GOAL_MINIMIZE" | "GOAL_MAXIMIZE" {
  const goals = { minimize: "GOAL_MINIMIZE", maximize: "GOAL_MAXIMIZE" } as const;
  const key = typeof goal === "string" ? goal.toLowerCase() : goal === undefined ? "minimize" : "";
  if (!(key in goals)) {
    throw new RangeError(`${what}: goal must be "minimize" or "maximize", got ${shown(goal)}`);
  }
  return goals[key as Goal];
}

function algorithmEnum(algorithm: string | undefined): string {
  const key = typeof algorithm === "string" ? algorithm.toLowerCase() : "gp_bandit";
  if (!(ALGORITHMS as readonly string[]).includes(key)) {
    throw new RangeError(
      `spec: algorithm must be one of ${ALGORITHMS.join(", ")}, got ${shown(algorithm)}`,
    );
  }
  return `ALGORITHM_${key.toUpperCase()}`;
}

/** Throws a TypeError naming the keys of `value` that are not in `known`. */
function checkKeys(what: string, value: object, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length > 0) {
    throw new TypeError(`${what}: unknown keys ${unknown.sort().join(", ")}`);
  }
}

/** The parameter named `name` from its keyed definition. */
export function parameterFromDefinition(name: string, definition: ParameterDefinition): Parameter {
  if (Array.isArray(definition)) {
    const values: readonly unknown[] = definition;
    if (values.length > 0 && values.every((v) => typeof v === "string")) {
      return categorical(name, values as string[]);
    }
    if (values.length > 0 && values.every((v) => typeof v === "number")) {
      return discrete(name, values as number[]);
    }
  } else if (definition !== null && typeof definition === "object" && "type" in definition) {
    const kinds = ["double", "integer", "discrete", "categorical"];
    if (kinds.includes(definition.type)) {
      return { ...definition, name } as Parameter;
    }
  }
  throw new TypeError(
    `parameter ${JSON.stringify(name)}: use an object with a "type" (double, integer, ` +
      "discrete, categorical), or a non-empty list of numbers or strings",
  );
}

/** The metric or constraint named `name` from its keyed definition. */
export function metricFromDefinition(
  name: string,
  definition: MetricDefinition,
): Metric | Constraint {
  if (typeof definition === "string") {
    return metric(name, definition);
  }
  // An empty object is refused, not taken as "minimize" (Python's from_dict reads it
  // as a constraint without a bound); other keys are checked as the builders' are.
  if (definition !== null && typeof definition === "object" && Object.keys(definition).length) {
    return { ...definition, name };
  }
  throw new TypeError(
    `metric ${JSON.stringify(name)}: use "minimize", "maximize", { goal, referenceValue } ` +
      "or { atMost, atLeast }",
  );
}

/** Whether `item` is an outcome constraint (it has a bound) rather than an objective. */
export function isConstraint(item: Metric | Constraint): item is Constraint {
  const bounds = item as Constraint;
  return bounds.atMost !== undefined || bounds.atLeast !== undefined;
}

function checkCollection(field: string, value: unknown): void {
  if (value === null || typeof value !== "object") {
    throw new TypeError(
      `spec: ${field} must be a list, or an object from names to definitions, got ${shown(value)}`,
    );
  }
}

/** The spec's parameters as a list, in the order given. */
export function parameterList(spec: StudySpec): Parameter[] {
  checkCollection("parameters", spec.parameters);
  if (Array.isArray(spec.parameters)) {
    return [...(spec.parameters as readonly Parameter[])];
  }
  const keyed = spec.parameters as Readonly<Record<string, ParameterDefinition>>;
  return Object.entries(keyed).map(([name, definition]) =>
    parameterFromDefinition(name, definition),
  );
}

/** The spec's objectives and constraints as a list, in the order given. */
export function metricList(spec: StudySpec): (Metric | Constraint)[] {
  checkCollection("metrics", spec.metrics);
  if (Array.isArray(spec.metrics)) {
    return [...(spec.metrics as readonly (Metric | Constraint)[])];
  }
  const keyed = spec.metrics as Readonly<Record<string, MetricDefinition>>;
  return Object.entries(keyed).map(([name, definition]) => metricFromDefinition(name, definition));
}

/** The condition message of a `when` that `checkParameter` accepted. */
function conditionToMessage(when: When): ParentConditionMessage {
  const { parent, values, atLeast, atMost } = when as WhenValues & WhenRange;
  if (values !== undefined && values.every((v) => typeof v === "string")) {
    return { parent, categories: { values: [...(values as string[])] } };
  }
  if (values !== undefined) {
    return { parent, numbers: { values: [...(values as number[])] } };
  }
  const range: { minValue?: number; maxValue?: number } = {};
  if (atLeast !== undefined) {
    range.minValue = atLeast;
  }
  if (atMost !== undefined) {
    range.maxValue = atMost;
  }
  return { parent, range };
}

function parameterToMessage(parameter: Parameter): ParameterSpecMessage {
  const message = unconditionalParameterToMessage(parameter);
  if (parameter.when !== undefined) {
    message.condition = conditionToMessage(parameter.when);
  }
  return message;
}

function unconditionalParameterToMessage(parameter: Parameter): ParameterSpecMessage {
  switch (parameter.type) {
    case "double":
      return {
        name: parameter.name,
        doubleRange: {
          minValue: parameter.low,
          maxValue: parameter.high,
          scaleType: scaleType(parameter.scale),
        },
      };
    case "integer":
      return {
        name: parameter.name,
        integerRange: {
          minValue: parameter.low,
          maxValue: parameter.high,
          scaleType: scaleType(parameter.scale),
        },
      };
    case "discrete":
      return { name: parameter.name, discreteValues: { values: [...parameter.values] } };
    case "categorical":
      return { name: parameter.name, categoricalValues: { values: [...parameter.values] } };
    default:
      throw new TypeError(
        `unknown parameter type ${JSON.stringify((parameter as { type: unknown }).type)}`,
      );
  }
}

/** The metric message of an objective or constraint that `checkMetric` accepted. */
function metricToMessage(item: Metric | Constraint): MetricSpecMessage {
  if (isConstraint(item)) {
    const bounds: { upperBound?: number; lowerBound?: number } = {};
    if (item.atMost !== undefined) {
      bounds.upperBound = item.atMost;
    }
    if (item.atLeast !== undefined) {
      bounds.lowerBound = item.atLeast;
    }
    return { name: item.name, constraint: bounds };
  }
  const what = `metric ${shown(item.name)}`;
  const message: MetricSpecMessage = { name: item.name, goal: goalEnum(what, item.goal) };
  if (item.referenceValue !== undefined) {
    message.referenceValue = item.referenceValue;
  }
  return message;
}

/**
 * The policy message with the settings given; an unset one is left out, and the server
 * fills in its default (the created study's spec reports the value in use).
 */
function policyToMessage(policy: EarlyStopping): EarlyStoppingPolicyMessage {
  const { rule, ...settings } = policy;
  const given = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  switch (rule) {
    case "median":
      return { median: given };
    case "successive_halving":
      // The contract requires a first rung; 1 compares trials from their first step.
      return { successiveHalving: { minStep: 1, ...given } };
    case "learning_curve":
      return { learningCurve: given };
    case "model":
      return { model: given };
  }
}

const SPEC_KEYS = new Set([
  "parameters",
  "metrics",
  "algorithm",
  "maxTrials",
  "seed",
  "trialLeaseSeconds",
  "gridResolution",
  "initialTrials",
  "earlyStopping",
  "priorStudies",
  "fidelity",
  "budgetParameter",
  "stallRestarts",
]);

/**
 * The StudySpec message of `spec`. Throws a TypeError (wrong kind of value) or a
 * RangeError (wrong value) naming the parameter or metric, on what the client can tell
 * is wrong; the server checks the rest.
 */
export function specToMessage(spec: StudySpec): StudySpecMessage {
  const unknown = Object.keys(spec).filter((key) => !SPEC_KEYS.has(key));
  if (unknown.length > 0) {
    throw new TypeError(`unknown spec keys ${unknown.sort().join(", ")}`);
  }
  const parameters = parameterList(spec);
  parameters.forEach(checkParameter);
  const metrics = metricList(spec);
  metrics.forEach(checkMetric);
  if (spec.earlyStopping !== undefined) {
    checkPolicy(spec.earlyStopping);
    if (spec.earlyStopping.rule === "model" && spec.fidelity === undefined) {
      throw new RangeError('spec: earlyStopping rule "model" needs a fidelity');
    }
  }
  checkSpec(spec, parameters, metrics);
  const message: StudySpecMessage = {
    parameters: parameters.map(parameterToMessage),
    metrics: metrics.map(metricToMessage),
    algorithm: algorithmEnum(spec.algorithm) as StudySpecMessage["algorithm"],
    maxTrials: spec.maxTrials ?? 0,
    gridResolution: spec.gridResolution ?? 0,
  };
  if (spec.seed !== undefined) {
    message.seed = spec.seed;
  }
  if (spec.initialTrials !== undefined) {
    message.initialTrials = spec.initialTrials;
  }
  if (spec.trialLeaseSeconds !== undefined) {
    message.trialLease = durationOf(spec.trialLeaseSeconds);
  }
  if (spec.earlyStopping !== undefined) {
    message.earlyStopping = policyToMessage(spec.earlyStopping);
  }
  if (spec.priorStudies !== undefined) {
    message.priorStudies = priorStudyList(spec.priorStudies);
  }
  if (spec.fidelity !== undefined) {
    message.fidelity = { maxStep: fidelityStep(spec.fidelity) };
  }
  if (spec.budgetParameter !== undefined) {
    message.budgetParameter = budgetParameter(spec.budgetParameter, parameters);
  }
  if (spec.stallRestarts !== undefined) {
    message.stallRestarts = spec.stallRestarts;
  }
  return message;
}

const BUDGET_REDUCTION = [2, 10] as const;

/** The budget parameter's message, its factor filled in (3 unless given). */
function budgetParameter(
  given: BudgetParameter | string,
  parameters: readonly Parameter[],
): { parameter: string; reductionFactor: number } {
  const budget = typeof given === "string" ? { parameter: given } : given;
  const name = (budget as Partial<BudgetParameter> | null)?.parameter;
  if (typeof name !== "string") {
    throw new TypeError(
      `spec: budgetParameter must be a parameter's name or { parameter, reductionFactor }, got ${String(given)}`,
    );
  }
  if (typeof given !== "string") {
    checkKeys("spec: budgetParameter", given, ["parameter", "reductionFactor"]);
  }
  const named = parameters.find((parameter) => parameter.name === name);
  if (named === undefined) {
    throw new RangeError(`spec: budgetParameter names no parameter: "${name}"`);
  }
  if (named.type === "categorical") {
    throw new RangeError(`spec: budgetParameter "${name}" must be a numeric parameter`);
  }
  if ((named.type === "double" || named.type === "integer") && named.low <= 0) {
    throw new RangeError(`spec: budgetParameter "${name}" needs a low end above 0`);
  }
  const factor = budget.reductionFactor ?? 3;
  const [low, high] = BUDGET_REDUCTION;
  if (!Number.isInteger(factor) || factor < low || factor > high) {
    throw new RangeError(
      `spec: budgetParameter.reductionFactor must be an integer between ${low} and ${high}, got ${String(factor)}`,
    );
  }
  return { parameter: name, reductionFactor: factor };
}

const MAX_FIDELITY_STEP = 1_000_000;

function fidelityStep(fidelity: Fidelity): number {
  const step = (fidelity as Partial<Fidelity> | null)?.maxStep;
  if (typeof step !== "number" || !Number.isInteger(step)) {
    throw new TypeError(`spec: fidelity must be { maxStep: integer }, got ${String(step)}`);
  }
  checkKeys("spec: fidelity", fidelity, ["maxStep"]);
  if (step < 2 || step > MAX_FIDELITY_STEP) {
    throw new RangeError(`spec: fidelity.maxStep must be between 2 and ${MAX_FIDELITY_STEP}`);
  }
  return step;
}

/** The prior studies as messages; a resource name stands for `{ study: name }`. */
export function priorStudyList(priors: readonly (PriorStudy | string)[]): PriorStudy[] {
  if (!Array.isArray(priors)) {
    throw new TypeError(`spec: priorStudies must be an array, got ${String(priors)}`);
  }
  const list = priors.map((prior) => (typeof prior === "string" ? { study: prior } : prior));
  if (list.length > MAX_PRIOR_STUDIES) {
    throw new RangeError(`spec: priorStudies must have at most ${MAX_PRIOR_STUDIES} items`);
  }
  for (const prior of list) {
    checkKeys("spec: priorStudies", prior, ["study", "objective"]);
    if (typeof prior.study !== "string" || !STUDY_NAME.test(prior.study)) {
      throw new RangeError(
        `spec: priorStudies: ${shown(String(prior.study))} is not a study's resource name, ` +
          "teams/{team}/studies/{study}",
      );
    }
    if (prior.objective !== undefined && !NAME.test(prior.objective)) {
      throw new RangeError(
        `spec: priorStudies: objective ${shown(prior.objective)} is not a valid name`,
      );
    }
  }
  if (new Set(list.map((p) => p.study)).size !== list.length) {
    throw new RangeError("spec: priorStudies names a study twice");
  }
  return list.map((p) => ({ study: p.study, objective: p.objective ?? "" }));
}
