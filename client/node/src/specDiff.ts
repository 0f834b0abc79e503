/**
 * How a stored study spec differs from a given one, in words a person can act on.
 *
 * `Client.createOrLoadStudy` loads an existing study only when the fields that say
 * what the study is agree: parameters, metrics, algorithm, maxTrials, earlyStopping,
 * priorStudies, fidelity, budgetParameter and stallRestarts.
 * The seed (the server picks one), the trial lease, the grid resolution and the initial
 * trials are not compared, nor an early-stopping setting or stallRestarts the given spec
 * leaves unset (nor the whole rule of a fidelity study that names none: the server
 * schedules it).
 *
 * ```text
 * parameters[1] "lr": stored double 0.00001..0.1 log, given double 0.00001..1 log
 * maxTrials: stored 50, given 100
 * ```
 */
import { isDeepStrictEqual } from "node:util";

import { SpecMismatchError } from "./errors";
import type { EarlyStoppingPolicy__Output } from "./generated/sibyl/v1/EarlyStoppingPolicy";
import type { MetricSpec__Output } from "./generated/sibyl/v1/MetricSpec";
import type { ParameterSpec__Output } from "./generated/sibyl/v1/ParameterSpec";
import type { ParentCondition__Output } from "./generated/sibyl/v1/ParentCondition";
import type { StudySpec__Output } from "./generated/sibyl/v1/StudySpec";
import { normalized } from "./proto";
import { specToMessage } from "./spec";
import type { StudySpec } from "./spec";

/** The fields compared, in the order differences are listed. */
export const COMPARED = [
  "parameters",
  "metrics",
  "algorithm",
  "maxTrials",
  "earlyStopping",
  "priorStudies",
  "fidelity",
  "budgetParameter",
  "stallRestarts",
] as const;

/**
 * Each compared field where `wanted` and the stored spec differ, one line per
 * difference, e.g. "maxTrials: stored 50, given 100"; empty when they agree.
 */
export function specDifferences(wanted: StudySpec, stored: StudySpec__Output): string[] {
  const given = normalized<StudySpec__Output>("sibyl.v1.StudySpec", specToMessage(wanted));
  for (const parameter of given.parameters) {
    parameter.discreteValues?.values.sort((a, b) => a - b); // the server stores them ascending
  }
  return [
    ...itemDifferences("parameters", given.parameters, stored.parameters, describeParameter),
    ...itemDifferences("metrics", given.metrics, stored.metrics, describeMetric),
    ...valueDifference("algorithm", algorithm(stored), algorithm(given)),
    ...valueDifference("maxTrials", budget(stored), budget(given)),
    ...policyDifference(stored, given),
    ...valueDifference("priorStudies", priors(stored), priors(given)),
    ...valueDifference("fidelity", fidelity(stored), fidelity(given)),
    ...valueDifference("budgetParameter", budgetParameter(stored), budgetParameter(given)),
    ...restartsDifference(stored, given),
  ];
}

/**
 * Whether the stall restarts differ, where the given spec sets them (unset takes the
 * server's default). A study stored without them never restarts: false.
 */
function restartsDifference(stored: StudySpec__Output, given: StudySpec__Output): string[] {
  if (given.stallRestarts === undefined) {
    return [];
  }
  return valueDifference(
    "stallRestarts",
    String(stored.stallRestarts ?? false),
    String(given.stallRestarts),
  );
}

/** The first compared field where `wanted` and the stored spec differ, or "" when they agree. */
export function specDifference(wanted: StudySpec, stored: StudySpec__Output): string {
  const first = specDifferences(wanted, stored)[0];
  return first === undefined ? "" : fieldOf(first);
}

/**
 * The SpecMismatchError of a study that exists with another spec: its message lists
 * every difference and says how to go on; `difference` names the first field.
 */
export function mismatchError(
  studyName: string,
  studyId: string,
  differences: readonly string[],
): SpecMismatchError {
  const fields = COMPARED.filter((field) => differences.some((d) => fieldOf(d) === field));
  const error = new SpecMismatchError(studyName, fields[0] ?? "");
  const lines = [
    `study ${studyName} exists with different ${fields.join(" and ")}:`,
    ...differences.map((difference) => `  ${difference}`),
    "Use another study id for this spec, or use the stored study as it is: " +
      `client.getStudy(${JSON.stringify(studyId)}), or pass its stored spec.`,
  ];
  if (fields.includes("maxTrials")) {
    lines.push(
      `The budget of a study can change: (await client.getStudy(${JSON.stringify(studyId)}))` +
        ".update({ maxTrials })",
    );
  }
  // SpecMismatchError builds a one-field message; the whole list is what a person needs.
  error.message = lines.join("\n");
  return error;
}

function fieldOf(difference: string): string {
  return /^[A-Za-z]+/.exec(difference)?.[0] ?? "";
}

interface Named {
  readonly name: string;
}

/** Named items (parameters, metrics) matched by name: changed, added, removed, moved. */
function itemDifferences<T extends Named>(
  field: string,
  given: readonly T[],
  stored: readonly T[],
  describe: (item: T) => string,
): string[] {
  const storedByName = new Map(stored.map((item) => [item.name, item]));
  const givenNames = given.map((item) => item.name);
  const lines: string[] = [];
  given.forEach((item, index) => {
    const before = storedByName.get(item.name);
    if (!isDeepStrictEqual(before, item)) {
      let [old, now] = [before === undefined ? "none" : describe(before), describe(item)];
      if (old === now) {
        [old, now] = [JSON.stringify(before), JSON.stringify(item)]; // beyond the description
      }
      lines.push(`${field}[${index}] ${JSON.stringify(item.name)}: stored ${old}, given ${now}`);
    }
  });
  for (const item of stored) {
    if (!givenNames.includes(item.name)) {
      lines.push(`${field} ${JSON.stringify(item.name)}: stored ${describe(item)}, given none`);
    }
  }
  const storedOrder = stored.map((item) => item.name).filter((name) => givenNames.includes(name));
  const givenOrder = givenNames.filter((name) => storedByName.has(name));
  if (!isDeepStrictEqual(storedOrder, givenOrder)) {
    const order = (names: string[]) => `[${names.map((n) => JSON.stringify(n)).join(", ")}]`;
    lines.push(`${field} order: stored ${order(storedOrder)}, given ${order(givenOrder)}`);
  }
  return lines;
}

function valueDifference(field: string, stored: string, given: string): string[] {
  return stored === given ? [] : [`${field}: stored ${stored}, given ${given}`];
}

// Descriptions, in the words of the spec builders ----------------------------------------

function word(value: string, prefix: string): string {
  return value.replace(prefix, "").toLowerCase();
}

function list(values: readonly (number | string)[]): string {
  return `[${values.map((v) => (typeof v === "string" ? JSON.stringify(v) : String(v))).join(", ")}]`;
}

function describeParameter(parameter: ParameterSpec__Output): string {
  const range = parameter.doubleRange ?? parameter.integerRange;
  let text: string;
  if (range) {
    const kind = parameter.doubleRange ? "double" : "integer";
    text = `${kind} ${range.minValue}..${range.maxValue} ${word(String(range.scaleType), "SCALE_TYPE_")}`;
  } else if (parameter.discreteValues) {
    text = `discrete ${list(parameter.discreteValues.values)}`;
  } else {
    text = `categorical ${list(parameter.categoricalValues?.values ?? [])}`;
  }
  return parameter.condition ? `${text} ${describeCondition(parameter.condition)}` : text;
}

function describeCondition(condition: ParentCondition__Output): string {
  const { parent, categories, numbers, range } = condition;
  if (categories || numbers) {
    return `when ${parent} in ${list((categories ?? numbers)!.values)}`;
  }
  const low = range?.minValue != null ? `${range.minValue} <= ` : "";
  const high = range?.maxValue != null ? ` <= ${range.maxValue}` : "";
  return `when ${low}${parent}${high}`;
}

function describeMetric(metric: MetricSpec__Output): string {
  if (metric.constraint) {
    const { lowerBound, upperBound } = metric.constraint;
    const bounds = [
      lowerBound != null ? `atLeast=${lowerBound}` : "",
      upperBound != null ? `atMost=${upperBound}` : "",
    ];
    return `constraint ${bounds.filter(Boolean).join(", ")}`;
  }
  const goal = word(String(metric.goal), "GOAL_");
  return metric.referenceValue != null ? `${goal} (referenceValue=${metric.referenceValue})` : goal;
}

function algorithm(spec: StudySpec__Output): string {
  return word(String(spec.algorithm), "ALGORITHM_");
}

function budget(spec: StudySpec__Output): string {
  return Number(spec.maxTrials) > 0 ? String(spec.maxTrials) : "none";
}

/** E.g. "[teams/t/studies/a, teams/t/studies/b (objective val_loss)]", or "none". */
function priors(spec: StudySpec__Output): string {
  const described = (spec.priorStudies ?? []).map(
    ({ study, objective }) => study + (objective ? ` (objective ${objective})` : ""),
  );
  return described.length === 0 ? "none" : `[${described.join(", ")}]`;
}

interface PolicySettings {
  readonly rule: string;
  /** The settings that are set (not 0, or an `optional` field that is present), by field name. */
  readonly values: Readonly<Record<string, number>>;
}

function policySettings(spec: StudySpec__Output): PolicySettings {
  const stopping: EarlyStoppingPolicy__Output | null = spec.earlyStopping;
  const rule = stopping?.rule;
  if (!stopping || !rule) {
    return { rule: "none", values: {} };
  }
  // An `optional` field's presence is its synthetic oneof's key ("_minStep"): an
  // explicit 0 there is a setting, not "unset, take the stored one".
  const settings = (stopping[rule] ?? {}) as Readonly<Record<string, unknown>>;
  const values = Object.entries(settings)
    .filter(([key, value]) => !key.startsWith("_") && value != null)
    .map(([key, value]) => [key, Number(value)] as const)
    .filter(([key, value]) => value !== 0 || settings[`_${key}`] === key);
  return { rule, values: Object.fromEntries(values) };
}

/**
 * The early-stopping difference; a setting the given policy leaves unset takes the
 * stored value (the server stores its default there and reports it).
 */
function policyDifference(stored: StudySpec__Output, given: StudySpec__Output): string[] {
  if (given.fidelity && !given.earlyStopping) {
    return []; // the server's schedule for a fidelity study, as it reports it
  }
  const [old, now] = [policySettings(stored), policySettings(given)];
  const same =
    old.rule === now.rule &&
    Object.entries(now.values).every(([key, value]) => old.values[key] === value);
  return same ? [] : valueDifference("earlyStopping", describePolicy(old), describePolicy(now));
}

/** E.g. "fidelity(maxStep=27)", or "none". */
function fidelity(spec: StudySpec__Output): string {
  return spec.fidelity ? `fidelity(maxStep=${String(spec.fidelity.maxStep)})` : "none";
}

/** E.g. "budget(parameter=epochs, reductionFactor=3)", or "none". */
function budgetParameter(spec: StudySpec__Output): string {
  const budget = spec.budgetParameter;
  return budget
    ? `budget(parameter=${budget.parameter}, reductionFactor=${String(budget.reductionFactor)})`
    : "none";
}

/** `rule(field=value, ...)` of the settings that are set, or "none". */
function describePolicy(policy: PolicySettings): string {
  if (policy.rule === "none") {
    return "none";
  }
  const settings = Object.entries(policy.values).map(([key, value]) => `${key}=${value}`);
  return `${policy.rule}(${settings.join(", ")})`;
}
