// The team's studies: state, algorithm, trials by state, best value, last activity.

import * as api from "./api.js";
import { bestValue, countByState, PENDING_STATES, studyModel, trialRecord } from "./data.js";
import { esc, formatNumber, formatTime, sortRows } from "./html.js";

const COLUMNS = [
  { key: "name", label: "Study", get: (s) => s.id },
  { key: "state", label: "State", get: (s) => s.state },
  { key: "algorithm", label: "Algorithm", get: (s) => s.algorithm },
  { key: "trials", label: "Trials", get: (s) => s.trialCount },
  { key: "best", label: "Best value", get: (s) => s.best ?? undefined },
  { key: "activity", label: "Last activity", get: (s) => Date.parse(s.lastActivity) || undefined },
];

// By time, not as text: the API writes 0, 3, 6 or 9 digits of a second's fraction.
export function latest(times) {
  const kept = times.filter(Boolean);
  return kept.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a), kept[0] || "");
}

// One study's row: two cheap calls (the optimum and the pending trials), never every trial.
// A study deleted since the listing has no row (its calls are NOT_FOUND).
async function studyRow(study) {
  const model = studyModel(study);
  let optimum, pending;
  try {
    [optimum, pending] = await Promise.all([
      api.listOptimalTrials(study.name),
      api.listTrials(
        study.name,
        PENDING_STATES.map((s) => `TRIAL_STATE_${s}`),
      ),
    ]);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 404) return null;
    throw error;
  }
  const optimal = (optimum.optimalTrials || []).map(trialRecord);
  const counts = countByState(pending.map(trialRecord));
  counts.COMPLETED = Number(optimum.completedTrialCount || 0);
  counts.INFEASIBLE = Math.max(0, model.trialCount - counts.COMPLETED - pending.length);
  const objective = model.objectives[0];
  const single = model.objectives.length === 1 && objective;
  return {
    ...model,
    counts,
    best: single ? bestValue(optimal, objective, model.constraints) : null,
    frontSize: single ? null : optimal.length,
    goal: objective?.goal || "",
    lastActivity: latest([
      study.updateTime,
      ...optimal.map((t) => t.completeTime),
      ...pending.map((t) => t.startTime || t.createTime),
    ]),
  };
}

function trialsCell(row) {
  const parts = Object.entries(row.counts)
    .filter(([, n]) => n > 0)
    .map(([state, n]) => `<span class="state ${state}">${n} ${state.toLowerCase()}</span>`);
  return parts.join(" ") || "none";
}

function bestCell(row) {
  if (row.frontSize !== null) return `${row.frontSize} on the Pareto front`;
  if (row.best === null) return "";
  return `${formatNumber(row.best)} <span class="note">(${row.goal.toLowerCase()})</span>`;
}

export class StudiesPage {
  constructor(main, crumbs, team) {
    this.main = main;
    this.team = team;
    this.rows = [];
    this.sort = { key: "activity", descending: true };
    document.body.dataset.page = "studies";
    document.body.dataset.ready = "";
    crumbs.textContent = "Studies";
    main.innerHTML = `
      <h1>Studies</h1>
      <div class="controls">
        <input id="study-filter" type="search" placeholder="Filter by name" aria-label="Filter by name">
        <select id="study-state" aria-label="State">
          <option value="">every state</option><option>ACTIVE</option><option>PAUSED</option><option>COMPLETED</option>
        </select>
      </div>
      <div class="panel table-wrap"><table id="studies"><thead></thead><tbody></tbody></table>
      <p class="note" id="studies-note"></p></div>`;
    main.querySelector("#study-filter").addEventListener("input", () => this.draw());
    main.querySelector("#study-state").addEventListener("change", () => this.draw());
  }

  async refresh() {
    const studies = await api.listStudies(this.team);
    const rows = (await Promise.all(studies.map(studyRow))).filter(Boolean);
    const signature = JSON.stringify(rows);
    if (signature === this.signature) return this.drawNote(); // nothing else changed
    this.signature = signature;
    this.rows = rows;
    this.draw();
    document.body.dataset.ready = "1";
  }

  visibleRows() {
    const text = this.main.querySelector("#study-filter").value.trim().toLowerCase();
    const state = this.main.querySelector("#study-state").value;
    const column = COLUMNS.find((c) => c.key === this.sort.key);
    const kept = this.rows.filter(
      (r) =>
        (!state || r.state === state) &&
        (!text || `${r.id} ${r.displayName}`.toLowerCase().includes(text)),
    );
    return sortRows(kept, column.get, this.sort.descending);
  }

  draw() {
    const table = this.main.querySelector("#studies");
    table.tHead.innerHTML = `<tr>${COLUMNS.map((c) => this.header(c)).join("")}</tr>`;
    for (const th of table.tHead.querySelectorAll("th"))
      th.addEventListener("click", () => this.sortBy(th.dataset.key));
    const rows = this.visibleRows();
    table.dataset.rows = String(rows.length);
    table.tBodies[0].innerHTML = rows
      .map(
        (r) => `<tr data-study="${esc(r.id)}">
          <td><a href="#/studies/${encodeURIComponent(r.id)}">${esc(r.displayName)}</a>${r.displayName !== r.id ? ` <span class="note">${esc(r.id)}</span>` : ""}</td>
          <td><span class="state ${esc(r.state)}">${esc(r.state.toLowerCase())}</span></td>
          <td>${esc(r.algorithm.toLowerCase().replaceAll("_", " "))}</td>
          <td>${trialsCell(r)}</td>
          <td class="num">${bestCell(r)}</td>
          <td>${esc(formatTime(r.lastActivity))}</td>
        </tr>`,
      )
      .join("");
    this.drawNote();
  }

  // The note under the table (which also clears an earlier refresh's error).
  drawNote() {
    this.main.querySelector("#studies-note").textContent = this.rows.length
      ? ""
      : `No studies in team ${this.team} yet.`;
  }

  header(column) {
    const sort =
      this.sort.key === column.key ? (this.sort.descending ? "descending" : "ascending") : "none";
    return `<th data-key="${column.key}" aria-sort="${sort}">${column.label}</th>`;
  }

  sortBy(key) {
    this.sort = {
      key,
      descending: this.sort.key === key ? !this.sort.descending : false,
    };
    this.draw();
  }

  showError(message) {
    this.main.querySelector("#studies-note").innerHTML =
      `<span class="error">${esc(message)}</span>`;
  }

  dispose() {}
}
