// One study: its spec, the plots and the trial table, redrawn when its trials change.

import * as api from "./api.js";
import * as charts from "./charts.js";
import { countByState, latestWeighted, studyModel, trialRecord } from "./data.js";
import { esc, formatTime } from "./html.js";
import { TrialSync } from "./sync.js";
import { TrialTable } from "./table.js";

// The importance analysis fits a model on the server: asked again only when more trials
// finished, and not more often than this (or ten times its last duration).
const IMPORTANCE_EVERY_MS = 30000;

function conditionText(condition) {
  if (!condition) return "";
  const values = condition.categories?.values || condition.numbers?.values;
  if (values) return ` when ${condition.parent} ∈ {${values.join(", ")}}`;
  const range = condition.range || {};
  return ` when ${range.minValue ?? "−∞"} ≤ ${condition.parent} ≤ ${range.maxValue ?? "∞"}`;
}

function parameterText(p) {
  const domain =
    p.numeric && p.kind !== "discrete"
      ? `[${p.low}, ${p.high}]${p.log ? " log" : ""}`
      : `{${p.values.join(", ")}}`;
  return `${p.kind} ${domain}${conditionText(p.condition)}`;
}

function metricText(m) {
  if (!m.isConstraint) return m.goal.toLowerCase();
  const bounds = [
    m.lower !== undefined ? `≥ ${m.lower}` : "",
    m.upper !== undefined ? `≤ ${m.upper}` : "",
  ];
  return `constraint ${bounds.filter(Boolean).join(" and ")}`;
}

// The prior studies, with the weights of the newest trial that was chosen with them.
function priorRows(model, records) {
  const priors = model.spec.priorStudies || [];
  const weighted = latestWeighted(records);
  const named = ({ study, objective }) => `${study}${objective ? ` (objective ${objective})` : ""}`;
  const weights = Object.entries(weighted?.priorWeights || {}).map(
    ([study, weight]) => `${study.split("/").pop()} ${Number(weight).toFixed(2)}`,
  );
  return [
    ...(priors.length ? [["Prior studies", priors.map(named).join(", ")]] : []),
    ...(weighted ? [["Prior weights", `trial ${weighted.id}: ${weights.join(", ")}`]] : []),
  ];
}

function budgetRows(budget) {
  if (!budget) return [];
  return [["Budget parameter", `${budget.parameter} (reduction factor ${budget.reductionFactor})`]];
}

function specHtml(model, study, records) {
  const counts = countByState(records);
  const rows = [
    ["State", `${model.state.toLowerCase()}${study.stateReason ? ` (${study.stateReason})` : ""}`],
    ["Algorithm", model.algorithm.toLowerCase().replaceAll("_", " ")],
    [
      "Trials",
      `${model.trialCount}${model.spec.maxTrials ? ` of ${model.spec.maxTrials}` : ""} · ${Object.entries(
        counts,
      )
        .filter(([, n]) => n)
        .map(([s, n]) => `${n} ${s.toLowerCase()}`)
        .join(", ")}`,
    ],
    ...model.parameters.map((p) => [p.name, parameterText(p)]),
    ...model.metrics.map((m) => [m.name, metricText(m)]),
    [
      "Early stopping",
      model.spec.earlyStopping ? Object.keys(model.spec.earlyStopping).join(", ") : "none",
    ],
    ...(model.spec.fidelity ? [["Fidelity", `steps up to ${model.spec.fidelity.maxStep}`]] : []),
    ...budgetRows(model.spec.budgetParameter),
    ...(model.spec.stallRestarts ? [["Restarts", "when it stalls"]] : []),
    ...priorRows(model, records),
    ["Created", formatTime(study.createTime)],
  ];
  return `<dl class="spec">${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("")}</dl>`;
}

// The last importance analysis of each study, kept for the tab's session: reopening a
// study whose trials did not change asks the server for nothing.
const importanceKey = (study) => `sibyl.importance.${study}`;

function restoredImportance(study) {
  try {
    return JSON.parse(sessionStorage.getItem(importanceKey(study))) || {};
  } catch {
    return {};
  }
}

function keepImportance(study, { asked, every, completed, response }) {
  if (response) {
    const kept = { asked, every, completed, response };
    sessionStorage.setItem(importanceKey(study), JSON.stringify(kept));
  }
}

const NO_CONTOUR = `<p class="note">A contour needs two numeric parameters.</p>`;

const chart = (id, kind, extra = "") =>
  `<div class="chart${kind === "slice" ? " small" : ""}" data-chart="${kind}" id="${id}"${extra}></div>`;

function panel(title, body, noteId = "") {
  const note = noteId ? `<p class="note" id="${noteId}"></p>` : "";
  return `<div class="panel"><h2>${esc(title)}</h2>${body}${note}</div>`;
}

const slice = (p, i) =>
  `<div><h2 class="note">${esc(p.name)}</h2>${chart(`slice-${i}`, "slice", ` data-parameter="${esc(p.name)}"`)}</div>`;

// A select of `names` with the `index`-th chosen.
const choice = (id, label, names, index) =>
  `<label>${label} <select id="${id}">${options(names, names[index])}</select></label>`;

// Two selects, x and y, over `names`: the first two chosen, then a chart of both.
const pair = (id, names) =>
  `<div class="controls">${choice(`${id}-x`, "x", names, 0)}${choice(`${id}-y`, "y", names, 1)}</div>` +
  chart(id, id);

const options = (names, selected) =>
  names.map((n) => `<option${n === selected ? " selected" : ""}>${esc(n)}</option>`).join("");

export class StudyPage {
  constructor(main, crumbs, name, echarts) {
    this.main = main;
    this.name = name;
    this.echarts = echarts;
    this.signature = "";
    this.sync = new TrialSync(name, new URLSearchParams(location.search).get("reload") === "all");
    this.importance = {
      asked: 0,
      every: IMPORTANCE_EVERY_MS,
      completed: -1,
      response: null,
      ...restoredImportance(name),
      busy: false,
      error: "",
    };
    this.table = null;
    document.body.dataset.page = "study";
    document.body.dataset.ready = "";
    const id = name.split("/").pop();
    crumbs.innerHTML = `<a href="#/">Studies</a> / ${esc(id)}`;
    main.innerHTML = `<h1>${esc(id)}</h1><p class="note" id="study-note">Loading…</p><div id="study-body"></div>`;
  }

  // Whether every trial was read in full (the first refresh reads the finished ones
  // without their intermediate measurements: see sync.js).
  get complete() {
    return this.sync.complete;
  }

  async refresh() {
    const [study] = await Promise.all([api.getStudy(this.name), this.sync.refresh()]);
    // Compared with what was drawn, not with what this refresh changed: a refresh whose
    // GetStudy failed still kept the trials its own listing read.
    const signature = `${this.sync.version} ${JSON.stringify(study)}`;
    if (signature === this.signature) {
      // Nothing changed; the curves wait for the second read, which may change nothing.
      if (this.curvesWaiting && this.sync.complete) this.drawCurves();
      this.main.querySelector("#study-note").textContent = ""; // an earlier error's
      return;
    }
    this.signature = signature;
    const trials = this.sync.all();
    const firstDraw = !this.model;
    if (firstDraw) performance.mark("sibyl:data");
    this.study = study;
    this.model = studyModel(study);
    this.records = trials.map(trialRecord);
    if (firstDraw) this.layout();
    this.main.querySelector("h1").textContent = this.model.displayName; // may be renamed
    this.main.querySelector("#study-note").textContent = "";
    this.askImportance(); // first: the importance plot is drawn as waiting while it runs
    const started = performance.now();
    this.drawAll();
    performance.measure("sibyl:drawAll", { start: started });
  }

  layout() {
    const m = this.model;
    const numeric = m.parameters.filter((p) => p.numeric).map((p) => p.name);
    const objectives = m.objectives.map((o) => o.name);
    this.main.querySelector("#study-body").innerHTML = [
      `<div class="panel" id="spec"></div>`,
      `<div class="controls">${choice(
        "metric",
        "Metric",
        m.metrics.map((x) => x.name),
        0,
      )}</div>`,
      `<div class="grid">`,
      ...m.objectives.map((o, i) => panel(`History: ${o.name}`, chart(`history-${i}`, "history"))),
      panel("Parameter importance", chart("importance", "importance"), "importance-note"),
      `</div>`,
      panel("Parallel coordinates", chart("parallel", "parallel")),
      panel("Slices", `<div class="slices">${m.parameters.map(slice).join("")}</div>`),
      `<div class="grid">`,
      panel("Contour", numeric.length >= 2 ? pair("contour", numeric) : NO_CONTOUR),
      objectives.length >= 2 ? panel("Pareto front", pair("pareto", objectives)) : "",
      panel("Intermediate measurements", chart("curves", "curves")),
      `</div>`,
      `<div class="panel" id="trials-panel"></div>`,
    ].join("\n");
    for (const id of ["metric", "contour-x", "contour-y", "pareto-x", "pareto-y"]) {
      this.main.querySelector(`#${id}`)?.addEventListener("change", () => this.drawAll());
    }
    this.table = new TrialTable(this.main.querySelector("#trials-panel"), this.model.id);
  }

  selected(id) {
    return this.main.querySelector(`#${id}`)?.value;
  }

  metric() {
    return (
      this.model.metrics.find((m) => m.name === this.selected("metric")) || this.model.metrics[0]
    );
  }

  parameter(name) {
    return this.model.parameters.find((p) => p.name === name);
  }

  drawAll() {
    const { model, records } = this;
    const metric = this.metric();
    document.body.dataset.ready = "";
    this.main.querySelector("#spec").innerHTML = specHtml(model, this.study, records);
    model.objectives.forEach((o, i) =>
      this.draw(`history-${i}`, charts.historyChart(records, o, model.constraints)),
    );
    this.draw("parallel", charts.parallelChart(records, model, metric));
    model.parameters.forEach((p, i) =>
      this.draw(`slice-${i}`, charts.sliceChart(records, p, metric)),
    );
    if (this.selected("contour-x")) {
      const [x, y] = [
        this.parameter(this.selected("contour-x")),
        this.parameter(this.selected("contour-y")),
      ];
      this.draw("contour", charts.contourChart(records, x, y, metric));
    }
    if (this.selected("pareto-x")) {
      const find = (id) => model.objectives.find((o) => o.name === this.selected(id));
      this.draw(
        "pareto",
        charts.paretoChart(records, find("pareto-x"), find("pareto-y"), model.constraints),
      );
    }
    this.drawCurves();
    this.drawImportance();
    this.table.update(model, records);
  }

  // The measurement curves, once the trials were read in full (see sync.js).
  drawCurves() {
    this.curvesWaiting = !this.sync.complete;
    if (this.curvesWaiting) {
      this.draw("curves", charts.waitingChart("Reading the measurements…"), true);
    } else {
      this.draw("curves", charts.curvesChart(this.records, this.metric()));
    }
  }

  // Draws into the element `id`; data-points says how many marks, data-drawn when done.
  // `waiting`: the figure is a placeholder for data still on its way (not drawn yet).
  draw(id, { option, ...counts }, waiting = false) {
    const element = this.main.querySelector(`#${id}`);
    const chart = this.echarts.getInstanceByDom(element) || this.echarts.init(element);
    element.dataset.drawn = "";
    for (const [key, value] of Object.entries(counts)) element.dataset[key] = String(value);
    chart.off("finished");
    if (!waiting) {
      chart.on("finished", () => {
        element.dataset.drawn = "1";
        this.markReady();
      });
    }
    chart.setOption(option, { notMerge: true });
  }

  // data-ready once every plot is drawn. The first time, performance marks say when
  // (the plots of the trials, then parameter importance): what the benchmark reads.
  markReady() {
    const pending = [...this.main.querySelectorAll(".chart")].filter(
      (c) => c.dataset.drawn !== "1",
    );
    document.body.dataset.ready = pending.length ? "" : "1";
    const once = (name) => performance.getEntriesByName(name).length || performance.mark(name);
    // The first draw leaves the measurement curves to the second read (see sync.js).
    if (pending.every((c) => ["importance", "curves"].includes(c.id))) once("sibyl:first-plots");
    if (pending.every((c) => c.id === "importance")) once("sibyl:plots");
    if (!pending.length) once("sibyl:ready");
  }

  completedCount() {
    return this.records.filter((r) => r.state === "COMPLETED").length;
  }

  async askImportance() {
    const state = this.importance;
    const completed = this.completedCount();
    const due = Date.now() - state.asked >= state.every || state.response === null;
    if (state.busy || completed === state.completed || !due) return;
    Object.assign(state, { busy: true, asked: Date.now(), completed });
    try {
      state.response = await api.computeImportance(this.name, this.model.objectives[0]?.name || "");
      state.error = "";
    } catch (error) {
      state.error = error.message;
    } finally {
      state.busy = false;
      // A study whose analysis takes long (a model of up to 1,000 trials) is analysed
      // less often: the server's time goes to this page at most a tenth of the time.
      state.every = Math.max(IMPORTANCE_EVERY_MS, 10 * (Date.now() - state.asked));
      keepImportance(this.name, state);
    }
    if (!this.disposed) this.drawImportance();
  }

  drawImportance() {
    const state = this.importance;
    const note = this.main.querySelector("#importance-note");
    if (state.response) {
      this.draw("importance", charts.importanceChart(state.response));
      note.textContent = `from ${state.response.trialCount || 0} finished trials`;
    } else {
      this.draw("importance", { option: { title: { text: "" } }, points: 0 }, state.busy);
      note.textContent = state.error || "computing…";
    }
  }

  resize() {
    for (const element of this.main.querySelectorAll(".chart"))
      this.echarts.getInstanceByDom(element)?.resize();
  }

  showError(message) {
    this.main.querySelector("#study-note").innerHTML = `<span class="error">${esc(message)}</span>`;
  }

  dispose() {
    this.disposed = true;
    for (const element of this.main.querySelectorAll(".chart"))
      this.echarts.getInstanceByDom(element)?.dispose();
  }
}
