// ECharts options for each plot of the study page. Every builder returns
// { option, points }: `points` is how many marks the plot draws, which the page
// exposes (data-points) so that tests and benchmarks can check what was drawn.

import { bestSoFar, completedWith, extent, isFeasible, paretoFront } from "./data.js";

const BLUE = "#2f6fde";
const GREY = "#98a2b3";
const RED = "#d92d20";
const GREEN = "#12b76a";
// Drawn in one pass: ECharts otherwise spreads large series over many frames, which
// delays the whole figure by as many frames.
const AT_ONCE = { progressive: 0 };
// Points as one path for thousands of them rather than an element each, drawn at once.
const SCATTER = { type: "scatter", ...AT_ONCE, large: true, largeThreshold: 2000 };
const NO_CURVES = "No intermediate measurements reported";
const QUIET = { fontSize: 13, fontWeight: "normal", color: GREY };
const BASE = { animation: false, tooltip: { trigger: "item", confine: true } };
const GRID = { left: 60, right: 24, top: 36, bottom: 40 };

const axisType = (parameter) =>
  parameter.numeric ? (parameter.log ? "log" : "value") : "category";

function parameterAxis(parameter, extra = {}) {
  const axis = {
    name: parameter.name,
    nameLocation: "middle",
    nameGap: 26,
    type: axisType(parameter),
    scale: true,
    ...extra,
  };
  if (!parameter.numeric) axis.data = parameter.values;
  return axis;
}

const metricAxis = (name) => ({
  name,
  type: "value",
  scale: true,
  nameLocation: "middle",
  nameGap: 45,
});

const trialTooltip = (label) => (p) => `trial ${p.value[2]}<br>${label}: ${p.value[1]}`;

export function historyChart(records, objective, constraints) {
  const completed = completedWith(records, objective.name);
  const point = (r) => [r.id, r.values[objective.name], r.id];
  const feasible = completed.filter((r) => isFeasible(r, constraints)).map(point);
  const infeasible = completed.filter((r) => !isFeasible(r, constraints)).map(point);
  const best = bestSoFar(records, objective, constraints);
  const option = {
    ...BASE,
    legend: { top: 0 },
    grid: GRID,
    xAxis: {
      name: "trial",
      type: "value",
      scale: true,
      nameLocation: "middle",
      nameGap: 26,
    },
    yAxis: metricAxis(objective.name),
    series: [
      {
        name: "trial",
        ...SCATTER,
        data: feasible,
        symbolSize: 5,
        itemStyle: { color: BLUE },
        tooltip: { formatter: trialTooltip(objective.name) },
      },
      {
        name: "infeasible",
        ...SCATTER,
        data: infeasible,
        symbol: "triangle",
        symbolSize: 6,
        itemStyle: { color: RED },
      },
      {
        name: "best so far",
        type: "line",
        ...AT_ONCE,
        step: "end",
        data: best,
        showSymbol: false,
        lineStyle: { color: GREEN, width: 2 },
        itemStyle: { color: GREEN },
      },
    ],
  };
  return { option, points: completed.length };
}

export function parallelChart(records, model, objective) {
  const completed = completedWith(records, objective.name);
  const axes = [...model.parameters, { name: objective.name, numeric: true }];
  const parallelAxis = axes.map((p, dim) => ({
    dim,
    ...parameterAxis(p),
    nameLocation: "end",
    nameGap: 12,
  }));
  const data = completed.map((r) => [
    ...model.parameters.map((p) => (p.name in r.params ? r.params[p.name] : "-")),
    r.values[objective.name],
  ]);
  const [low, high] = extent(data.map((row) => row[row.length - 1]));
  const option = {
    ...BASE,
    tooltip: { show: false },
    parallel: { left: 50, right: 80, top: 40, bottom: 30 },
    parallelAxis,
    visualMap: {
      show: false,
      dimension: axes.length - 1,
      min: low,
      max: high,
      inRange: {
        color: objective.goal === "MAXIMIZE" ? ["#d0d5dd", BLUE] : [BLUE, "#d0d5dd"],
      },
    },
    series: [{ type: "parallel", ...AT_ONCE, data, lineStyle: { width: 1, opacity: 0.5 } }],
  };
  return { option, points: data.length };
}

export function importanceChart(response) {
  const rows = [...(response.importances || [])].reverse(); // the largest at the top
  const option = {
    ...BASE,
    grid: { left: 120, right: 30, top: 30, bottom: 30 },
    title: {
      text: `${response.metric} · ${(response.method || "").replace("IMPORTANCE_METHOD_", "")}`,
      textStyle: { fontSize: 12, fontWeight: "normal" },
    },
    xAxis: { type: "value", max: 1 },
    yAxis: { type: "category", data: rows.map((r) => r.parameter) },
    series: [
      {
        type: "bar",
        data: rows.map((r) => r.importance || 0),
        itemStyle: { color: BLUE },
      },
    ],
  };
  return { option, points: rows.length };
}

// One parameter against the metric: only the trials in which the parameter exists.
export function sliceChart(records, parameter, metric) {
  const present = completedWith(records, metric.name).filter((r) => parameter.name in r.params);
  const data = present.map((r) => [r.params[parameter.name], r.values[metric.name], r.id]);
  const option = {
    ...BASE,
    grid: { left: 55, right: 12, top: 12, bottom: 40 },
    xAxis: parameterAxis(parameter),
    yAxis: { type: "value", scale: true },
    series: [
      {
        ...SCATTER,
        data,
        symbolSize: 5,
        itemStyle: { color: BLUE, opacity: 0.7 },
        tooltip: { formatter: trialTooltip(metric.name) },
      },
    ],
  };
  return { option, points: data.length };
}

const BINS = 16;

// A numeric parameter's bin edges, evenly spaced in its own scale (log or linear).
function edges(parameter, values) {
  const map = parameter.log ? Math.log10 : (x) => x;
  const unmap = parameter.log ? (x) => 10 ** x : (x) => x;
  const [least, most] = extent(values);
  const low = map(parameter.low ?? least);
  const high = map(parameter.high ?? most);
  const width = (high - low) / BINS || 1;
  return {
    at: (i) => unmap(low + i * width),
    index: (v) => Math.min(BINS - 1, Math.max(0, Math.floor((map(v) - low) / width))),
  };
}

// The metric's mean over a grid of two parameters (cells with trials), trials on top.
export function contourChart(records, xParameter, yParameter, metric) {
  const present = completedWith(records, metric.name).filter(
    (r) => xParameter.name in r.params && yParameter.name in r.params,
  );
  const xs = present.map((r) => r.params[xParameter.name]);
  const ys = present.map((r) => r.params[yParameter.name]);
  const cells = new Map();
  if (present.length) {
    const [xEdges, yEdges] = [edges(xParameter, xs), edges(yParameter, ys)];
    present.forEach((r, k) => {
      const key = `${xEdges.index(xs[k])},${yEdges.index(ys[k])}`;
      const cell = cells.get(key) || {
        sum: 0,
        n: 0,
        i: xEdges.index(xs[k]),
        j: yEdges.index(ys[k]),
      };
      cell.sum += r.values[metric.name];
      cell.n += 1;
      cells.set(key, cell);
    });
    for (const cell of cells.values())
      cell.box = [
        xEdges.at(cell.i),
        xEdges.at(cell.i + 1),
        yEdges.at(cell.j),
        yEdges.at(cell.j + 1),
      ];
  }
  const boxes = [...cells.values()].map((c) => [...c.box, c.sum / c.n]);
  const trials = present.map((r, k) => [xs[k], ys[k], r.id, 0, r.values[metric.name]]);
  const [low, high] = extent(trials.map((t) => t[4]));
  const option = {
    ...BASE,
    grid: { left: 70, right: 90, top: 20, bottom: 45 },
    xAxis: parameterAxis(xParameter),
    yAxis: parameterAxis(yParameter, { nameGap: 50 }),
    visualMap: {
      dimension: 4,
      min: low,
      max: high,
      calculable: true,
      precision: 4,
      right: 0,
      top: "middle",
      inRange: {
        color: ["#1e3a8a", "#3b82f6", "#a5f3fc", "#fde68a", "#dc2626"],
      },
      text: [metric.name, ""],
    },
    series: [
      {
        type: "custom",
        ...AT_ONCE,
        data: boxes,
        renderItem: renderCell,
        encode: { x: [0, 1], y: [2, 3] },
        itemStyle: { opacity: 0.55 },
        silent: true,
      },
      {
        ...SCATTER,
        data: trials,
        symbolSize: 6,
        itemStyle: { borderColor: "#fff", borderWidth: 0.5 },
        tooltip: {
          formatter: (p) => `trial ${p.value[2]}<br>${metric.name}: ${p.value[4]}`,
        },
      },
    ],
  };
  return { option, points: trials.length };
}

function renderCell(params, api) {
  const [x0, y1] = api.coord([api.value(0), api.value(3)]);
  const [x1, y0] = api.coord([api.value(1), api.value(2)]);
  return {
    type: "rect",
    shape: { x: x0, y: y1, width: x1 - x0, height: y0 - y1 },
    style: { fill: api.visual("color"), opacity: 0.55 },
  };
}

// Two objectives: the feasible trials, the Pareto front among them, the infeasible ones.
export function paretoChart(records, first, second, constraints) {
  const both = completedWith(records, first.name).filter((r) => second.name in r.values);
  const feasible = both.filter((r) => isFeasible(r, constraints));
  const infeasible = both.filter((r) => !isFeasible(r, constraints));
  const point = (r) => [r.values[first.name], r.values[second.name], r.id];
  const points = feasible.map(point);
  const front = paretoFront(
    points.map((p) => [p[0], p[1]]),
    [first.goal, second.goal],
  );
  const onFront = points.filter((_, i) => front.has(i)).sort((a, b) => a[0] - b[0]);
  const tooltip = {
    formatter: (p) =>
      `trial ${p.value[2]}<br>${first.name}: ${p.value[0]}<br>${second.name}: ${p.value[1]}`,
  };
  const option = {
    ...BASE,
    legend: { top: 0 },
    grid: { ...GRID, left: 70 },
    xAxis: { ...metricAxis(first.name), nameGap: 26 },
    yAxis: { ...metricAxis(second.name), nameGap: 50 },
    series: [
      {
        name: "dominated",
        ...SCATTER,
        data: points.filter((_, i) => !front.has(i)),
        symbolSize: 5,
        itemStyle: { color: GREY },
        tooltip,
      },
      {
        name: "Pareto front",
        type: "line",
        ...AT_ONCE,
        data: onFront,
        symbolSize: 8,
        itemStyle: { color: BLUE },
        lineStyle: { type: "dashed" },
        tooltip,
      },
      {
        name: "infeasible",
        ...SCATTER,
        data: infeasible.map(point),
        symbol: "triangle",
        symbolSize: 7,
        itemStyle: { color: RED },
        tooltip,
      },
    ],
  };
  return {
    option,
    points: both.length,
    front: onFront.length,
    infeasible: infeasible.length,
  };
}

// A placeholder for a chart whose data is still on its way.
export function waitingChart(text) {
  const title = { text, left: "center", top: "middle", textStyle: QUIET };
  return { option: { ...BASE, title }, points: 0 };
}

// Every trial's intermediate measurements of the metric, as one series broken between
// trials (thousands of series would be slow); early-stopped trials marked where they stopped.
export function curvesChart(records, metric) {
  const curves = records.filter((r) => r.measurements.some((m) => metric.name in m.metrics));
  const data = [];
  const stops = [];
  for (const r of curves) {
    const steps = r.measurements.filter((m) => metric.name in m.metrics);
    for (const m of steps) data.push([m.step, m.metrics[metric.name], r.id]);
    data.push(["-", "-", r.id]);
    if (r.stopReason) {
      const at = steps.find((m) => m.step === r.stopStep) || steps[steps.length - 1];
      stops.push({
        value: [at.step, at.metrics[metric.name], r.id],
        reason: r.stopReason,
      });
    }
  }
  const option = {
    ...BASE,
    title: curves.length
      ? undefined
      : { text: NO_CURVES, left: "center", top: "middle", textStyle: QUIET },
    legend: { top: 0 },
    grid: GRID,
    xAxis: {
      name: "step",
      type: "value",
      scale: true,
      nameLocation: "middle",
      nameGap: 26,
    },
    yAxis: metricAxis(metric.name),
    series: [
      {
        name: "trial",
        type: "line",
        ...AT_ONCE,
        data,
        showSymbol: false,
        connectNulls: false,
        lineStyle: { width: 1, opacity: 0.5, color: BLUE },
        itemStyle: { color: BLUE },
        tooltip: { formatter: trialTooltip(metric.name) },
      },
      {
        name: "stopped early",
        ...SCATTER,
        data: stops,
        symbol: "diamond",
        symbolSize: 9,
        itemStyle: { color: RED },
        tooltip: {
          formatter: (p) => `trial ${p.value[2]} stopped at step ${p.value[0]}<br>${p.data.reason}`,
        },
      },
    ],
  };
  return { option, points: curves.length, stops: stops.length };
}
