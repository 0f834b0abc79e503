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
 *   ],
 *   metrics: [metric("accuracy", "maximize")],
 *   maxTrials: 50,
 * };
 * ```
 *
 * or the same with `parameters` and `metrics` keyed by name (see `StudySpec`).
 */
import type { StudySpec as StudySpecMessage } from "./generated/sibyl/v1/StudySpec";
import type { ParameterSpec as ParameterSpecMessage } from "./generated/sibyl/v1/ParameterSpec";
import type { MetricSpec as MetricSpecMessage } from "./generated/sibyl/v1/MetricSpec";

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
}

/** One of an ordered set of numbers, e.g. batch sizes [16, 32, 64, 128]. */
export interface DiscreteParameter {
  readonly type: "discrete";
  readonly name: string;
  /** The allowed numbers, in any order (the server stores them ascending). */
  readonly values: readonly number[];
}

/** One of a set of unordered strings, e.g. ["sgd", "adam", "rmsprop"]. */
export interface CategoricalParameter {
  readonly type: "categorical";
  readonly name: string;
  /** The allowed strings, in the order given. */
  readonly values: readonly string[];
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

/** A metric trials report. */
export interface Metric {
  readonly name: string;
  /** "minimize" (the default) or "maximize". */
  readonly goal?: Goal;
}

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
  /** The metric to optimize (one today): a list, or an object from name to goal. */
  readonly metrics: readonly Metric[] | Readonly<Record<string, Goal>>;
  /** The algorithm; "gp_bandit" when unset. */
  readonly algorithm?: AlgorithmName;
  /** Trial budget: the study completes once this many trials finished. Unset: none. */
  readonly maxTrials?: number;
  /** Seed of the algorithm's random choices. Unset: the server picks (and reports) one. */
  readonly seed?: number;
  /** How long a silent worker keeps its trial, in seconds. Unset: 1 hour. */
  readonly trialLeaseSeconds?: number;
  /** grid_search only: grid points per DOUBLE parameter. Unset: 5. */
  readonly gridResolution?: number;
  /** gp_bandit only: quasi-random trials before the model is used. Unset: 2 * parameters + 2. */
  readonly initialTrials?: number;
}

/** A DOUBLE parameter in [low, high]. */
export function double(
  name: string,
  low: number,
  high: number,
  scale: Scale = "linear",
): DoubleParameter {
  return { type: "double", name, low, high, scale };
}

/** An INTEGER parameter in [low, high], both included. */
export function integer(
  name: string,
  low: number,
  high: number,
  scale: Scale = "linear",
): IntegerParameter {
  return { type: "integer", name, low, high, scale };
}

/** A DISCRETE parameter: one of `values`. */
export function discrete(name: string, values: readonly number[]): DiscreteParameter {
  return { type: "discrete", name, values: [...values] };
}

/** A CATEGORICAL parameter: one of `values`. */
export function categorical(name: string, values: readonly string[]): CategoricalParameter {
  return { type: "categorical", name, values: [...values] };
}

/** A metric with its goal ("minimize" unless given). */
export function metric(name: string, goal: Goal = "minimize"): Metric {
  return { name, goal };
}

function scaleType(scale: string | undefined): "SCALE_TYPE_LINEAR" | "SCALE_TYPE_LOG" {
  const scales = { linear: "SCALE_TYPE_LINEAR", log: "SCALE_TYPE_LOG" } as const;
  const key = (scale ?? "linear").toLowerCase();
  if (!(key in scales)) {
    throw new RangeError(`scale must be "linear" or "log", not ${JSON.stringify(scale)}`);
  }
  return scales[key as Scale];
}

function goalEnum(goal: string | undefined): "GOAL_MINIMIZE" | "GOAL_MAXIMIZE" {
  const goals = { minimize: "GOAL_MINIMIZE", maximize: "GOAL_MAXIMIZE" } as const;
  const key = (goal ?? "minimize").toLowerCase();
  if (!(key in goals)) {
    throw new RangeError(`goal must be "minimize" or "maximize", not ${JSON.stringify(goal)}`);
  }
  return goals[key as Goal];
}

function algorithmEnum(algorithm: string | undefined): string {
  const key = (algorithm ?? "gp_bandit").toLowerCase();
  if (!(ALGORITHMS as readonly string[]).includes(key)) {
    throw new RangeError(
      `algorithm must be one of ${ALGORITHMS.join(", ")}, not ${JSON.stringify(algorithm)}`,
    );
  }
  return `ALGORITHM_${key.toUpperCase()}`;
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

/** The spec's parameters as a list, in the order given. */
export function parameterList(spec: StudySpec): Parameter[] {
  if (Array.isArray(spec.parameters)) {
    return [...(spec.parameters as readonly Parameter[])];
  }
  const keyed = spec.parameters as Readonly<Record<string, ParameterDefinition>>;
  return Object.entries(keyed).map(([name, definition]) =>
    parameterFromDefinition(name, definition),
  );
}

/** The spec's metrics as a list, in the order given. */
export function metricList(spec: StudySpec): Metric[] {
  if (Array.isArray(spec.metrics)) {
    return [...(spec.metrics as readonly Metric[])];
  }
  const keyed = spec.metrics as Readonly<Record<string, Goal>>;
  return Object.entries(keyed).map(([name, goal]) => metric(name, goal));
}

function parameterToMessage(parameter: Parameter): ParameterSpecMessage {
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

function metricToMessage(item: Metric): MetricSpecMessage {
  return { name: item.name, goal: goalEnum(item.goal) };
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
]);

/** The StudySpec message of `spec`. Throws RangeError/TypeError on what the client can tell is wrong. */
export function specToMessage(spec: StudySpec): StudySpecMessage {
  const unknown = Object.keys(spec).filter((key) => !SPEC_KEYS.has(key));
  if (unknown.length > 0) {
    throw new TypeError(`unknown spec keys ${unknown.sort().join(", ")}`);
  }
  const message: StudySpecMessage = {
    parameters: parameterList(spec).map(parameterToMessage),
    metrics: metricList(spec).map(metricToMessage),
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
    const seconds = Math.floor(spec.trialLeaseSeconds);
    message.trialLease = { seconds, nanos: Math.round((spec.trialLeaseSeconds - seconds) * 1e9) };
  }
  return message;
}
