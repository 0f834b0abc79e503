// Studies and trials as the pages use them: plain values decoded from the proto3 JSON.

const STOP_REASON = "sibyl.stop_reason";
const STOP_STEP = "sibyl.stop_step";
const PRIOR_WEIGHTS = "sibyl.prior_weights";
export const PENDING_STATES = ["REQUESTED", "ACTIVE", "STOPPING"];
export const TRIAL_STATES = ["REQUESTED", "ACTIVE", "STOPPING", "COMPLETED", "INFEASIBLE"];

const unprefix = (value, prefix) => (value || "").replace(prefix, "");
const number = (value) => (value === undefined ? 0 : Number(value));

export function parameterKind(spec) {
  if (spec.doubleRange) return "double";
  if (spec.integerRange) return "integer";
  if (spec.discreteValues) return "discrete";
  return "categorical";
}

function parameterModel(spec) {
  const kind = parameterKind(spec);
  const range = spec.doubleRange || spec.integerRange;
  return {
    name: spec.name,
    kind,
    numeric: kind !== "categorical",
    log: range?.scaleType === "SCALE_TYPE_LOG",
    low: range ? number(range.minValue) : undefined,
    high: range ? number(range.maxValue) : undefined,
    values: spec.discreteValues?.values || spec.categoricalValues?.values || [],
    condition: spec.condition,
  };
}

function metricModel(spec) {
  const constraint = spec.constraint;
  return {
    name: spec.name,
    goal: unprefix(spec.goal, "GOAL_"),
    lower: constraint?.lowerBound,
    upper: constraint?.upperBound,
    isConstraint: Boolean(constraint),
  };
}

export function studyModel(study) {
  const spec = study.spec || {};
  const metrics = (spec.metrics || []).map(metricModel);
  const id = study.name.split("/").pop();
  return {
    name: study.name,
    id,
    displayName: study.displayName || id,
    state: unprefix(study.state, "STUDY_STATE_"),
    algorithm: unprefix(spec.algorithm, "ALGORITHM_"),
    trialCount: number(study.trialCount),
    updateTime: study.updateTime,
    spec,
    parameters: (spec.parameters || []).map(parameterModel),
    objectives: metrics.filter((m) => !m.isConstraint),
    constraints: metrics.filter((m) => m.isConstraint),
    metrics,
  };
}

function parameterValue(value) {
  if ("doubleValue" in value) return Number(value.doubleValue);
  if ("intValue" in value) return Number(value.intValue);
  if ("stringValue" in value) return value.stringValue;
  return 0; // a default value left out of the JSON: 0 of an unnamed kind
}

function decodeParameters(parameters) {
  const decoded = {};
  for (const [name, value] of Object.entries(parameters || {}))
    decoded[name] = parameterValue(value);
  return decoded;
}

function decodeMeasurement(measurement) {
  return { step: number(measurement.step), metrics: measurement.metrics || {} };
}

// The prior studies' weights a trial was chosen with ({study name: weight}), or null.
function priorWeights(text) {
  try {
    return text === undefined ? null : JSON.parse(text);
  } catch {
    return null;
  }
}

// The newest record that carries prior weights, or undefined.
export function latestWeighted(records) {
  return records
    .filter((r) => r.priorWeights)
    .reduce((a, r) => (a && a.id > r.id ? a : r), undefined);
}

export function trialRecord(trial) {
  const metadata = trial.metadata || {};
  const stopStep = metadata[STOP_STEP];
  return {
    id: number(trial.id),
    state: unprefix(trial.state, "TRIAL_STATE_"),
    params: decodeParameters(trial.parameters),
    values: trial.finalMeasurement?.metrics || {},
    measurements: (trial.measurements || []).map(decodeMeasurement),
    stopReason: metadata[STOP_REASON] || "",
    stopStep: stopStep === undefined ? null : Number(stopStep),
    priorWeights: priorWeights(metadata[PRIOR_WEIGHTS]),
    infeasibilityReason: trial.infeasibilityReason || "",
    clientId: trial.clientId || "",
    createTime: trial.createTime || "",
    startTime: trial.startTime || "",
    completeTime: trial.completeTime || "",
  };
}

// The smallest and largest of `values` ([0, 1] for none). A loop, not Math.min(...values):
// spreading a study's 200,000 values into arguments overflows the call stack.
export function extent(values) {
  if (!values.length) return [0, 1];
  let [low, high] = [Infinity, -Infinity];
  for (const v of values) {
    if (v < low) low = v;
    if (v > high) high = v;
  }
  return [low, high];
}

// True when the trial's final values satisfy every outcome constraint.
export function isFeasible(record, constraints) {
  return constraints.every((c) => {
    const value = record.values[c.name];
    if (value === undefined) return false;
    return (
      !(c.lower !== undefined && value < c.lower) && !(c.upper !== undefined && value > c.upper)
    );
  });
}

export function completedWith(records, metric) {
  return records.filter((r) => r.state === "COMPLETED" && r.values[metric] !== undefined);
}

const better = (goal) => (a, b) => (goal === "MAXIMIZE" ? a > b : a < b);

// [trial id, best feasible value so far] for each completed trial, in id order.
export function bestSoFar(records, objective, constraints) {
  const isBetter = better(objective.goal);
  let best = null;
  const line = [];
  for (const r of completedWith(records, objective.name)) {
    const value = r.values[objective.name];
    if (isFeasible(r, constraints) && (best === null || isBetter(value, best))) best = value;
    if (best !== null) line.push([r.id, best]);
  }
  return line;
}

export function bestValue(records, objective, constraints) {
  const line = bestSoFar(records, objective, constraints);
  return line.length ? line[line.length - 1][1] : null;
}

// Indexes of the points no other point dominates; each point is one value per objective.
export function paretoFront(points, goals) {
  const signs = goals.map((goal) => (goal === "MAXIMIZE" ? -1 : 1));
  const keyed = points.map((p, i) => ({ i, v: p.map((x, k) => x * signs[k]) }));
  keyed.sort((a, b) => a.v[0] - b.v[0] || a.v[1] - b.v[1]);
  const front = [];
  for (const candidate of keyed) {
    const dominated = front.some(
      (f) => f.v.every((x, k) => x <= candidate.v[k]) && f.v.some((x, k) => x < candidate.v[k]),
    );
    if (!dominated) front.push(candidate);
  }
  return new Set(front.map((f) => f.i));
}

export function countByState(records) {
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0]));
  for (const r of records) counts[r.state] = (counts[r.state] || 0) + 1;
  return counts;
}

// Metric names reported in final measurements beyond the spec's, in name order.
export function extraMetrics(model, records) {
  const declared = new Set(model.metrics.map((m) => m.name));
  const extra = new Set();
  for (const r of records)
    for (const name of Object.keys(r.values)) if (!declared.has(name)) extra.add(name);
  return [...extra].sort();
}

// The table's columns, named as the Python client's to_dataframe() names them.
export function exportColumns(model, records) {
  const metrics = [...model.metrics.map((m) => m.name), ...extraMetrics(model, records)];
  return [
    { key: "id", get: (r) => r.id },
    { key: "state", get: (r) => r.state },
    ...model.parameters.map((p) => ({
      key: `params_${p.name}`,
      get: (r) => r.params[p.name],
    })),
    ...metrics.map((m) => ({ key: `metrics_${m}`, get: (r) => r.values[m] })),
    { key: "infeasibility_reason", get: (r) => r.infeasibilityReason },
    { key: "client_id", get: (r) => r.clientId },
    { key: "create_time", get: (r) => r.createTime },
    { key: "start_time", get: (r) => r.startTime },
    { key: "complete_time", get: (r) => r.completeTime },
  ];
}

// A spreadsheet runs a cell that starts with one of these as a formula: text a writer
// chose (a category, a client id, an infeasibility reason) must not run on a teammate's
// machine when the file is opened. Numbers are written as they are.
const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value) {
  if (value === undefined || value === null) return "";
  let text = String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(model, records) {
  const columns = exportColumns(model, records);
  const lines = [columns.map((c) => c.key).join(",")];
  for (const r of records) lines.push(columns.map((c) => csvCell(c.get(r))).join(","));
  return lines.join("\n") + "\n";
}

export function toJson(model, records) {
  const columns = exportColumns(model, records);
  const rows = records.map((r) =>
    Object.fromEntries(columns.map((c) => [c.key, c.get(r) ?? null])),
  );
  return JSON.stringify(rows, null, 2) + "\n";
}
