// The trial table: sort by any column, filter by state, search by parameter, download.

import { exportColumns, toCsv, toJson, TRIAL_STATES } from "./data.js";
import { esc, formatNumber, formatTime, sortRows } from "./html.js";

const SHOWN_AT_FIRST = 200; // rows drawn before "show all": a 5,000-row table is slow to lay out

function noteOf(r) {
  if (r.stopReason) return `stopped early at step ${r.stopStep ?? "?"}: ${r.stopReason}`;
  return r.infeasibilityReason;
}

function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement("a"), {
    href: url,
    download: name,
  });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export class TrialTable {
  constructor(panel, studyId) {
    this.panel = panel;
    this.studyId = studyId;
    this.sort = { key: "id", descending: false };
    this.limit = SHOWN_AT_FIRST;
    panel.innerHTML = `
      <h2>Trials</h2>
      <div class="controls">
        <select id="trial-state" aria-label="State"><option value="">every state</option>${TRIAL_STATES.map((s) => `<option>${s}</option>`).join("")}</select>
        <input id="trial-search" type="search" placeholder="Search parameters, e.g. optimizer=adam" aria-label="Search parameters" size="34">
        <button id="download-csv" type="button">CSV</button>
        <button id="download-json" type="button">JSON</button>
        <span class="note" id="trial-count"></span>
      </div>
      <div class="table-wrap"><table id="trials"><thead></thead><tbody></tbody></table></div>
      <button id="show-all" type="button" hidden>Show all</button>`;
    panel.querySelector("#trial-state").addEventListener("change", () => this.draw());
    panel.querySelector("#trial-search").addEventListener("input", () => this.draw());
    panel.querySelector("#show-all").addEventListener("click", () => {
      this.limit = Infinity;
      this.draw();
    });
    panel
      .querySelector("#download-csv")
      .addEventListener("click", () =>
        download(`${this.studyId}-trials.csv`, "text/csv", toCsv(this.model, this.visibleRows())),
      );
    panel
      .querySelector("#download-json")
      .addEventListener("click", () =>
        download(
          `${this.studyId}-trials.json`,
          "application/json",
          toJson(this.model, this.visibleRows()),
        ),
      );
  }

  update(model, records) {
    this.model = model;
    this.records = records;
    this.columns = [
      ...exportColumns(model, records).filter(
        (c) =>
          c.key.startsWith("params_") ||
          c.key.startsWith("metrics_") ||
          c.key === "id" ||
          c.key === "state",
      ),
      { key: "steps", get: (r) => r.measurements.length },
      { key: "note", get: noteOf },
      { key: "start_time", get: (r) => r.startTime },
      { key: "complete_time", get: (r) => r.completeTime },
    ];
    this.draw();
  }

  // The rows the filters keep, in the table's order: also what the downloads contain.
  visibleRows() {
    const state = this.panel.querySelector("#trial-state").value;
    const terms = this.panel
      .querySelector("#trial-search")
      .value.trim()
      .toLowerCase()
      .split(/\s+/)
      .filter(Boolean);
    const kept = this.records.filter((r) => {
      if (state && r.state !== state) return false;
      const text = Object.entries(r.params)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")
        .toLowerCase();
      return terms.every((t) => text.includes(t));
    });
    const column = this.columns.find((c) => c.key === this.sort.key) || this.columns[0];
    return sortRows(kept, column.get, this.sort.descending);
  }

  draw() {
    const table = this.panel.querySelector("#trials");
    const rows = this.visibleRows();
    const shown = rows.slice(0, this.limit);
    table.tHead.innerHTML = `<tr>${this.columns.map((c) => this.header(c)).join("")}</tr>`;
    for (const th of table.tHead.querySelectorAll("th"))
      th.addEventListener("click", () => this.sortBy(th.dataset.key));
    table.tBodies[0].innerHTML = shown.map((r) => this.row(r)).join("");
    table.dataset.rows = String(rows.length);
    this.panel.querySelector("#trial-count").textContent =
      `${rows.length} of ${this.records.length} trials${shown.length < rows.length ? `, first ${shown.length} shown` : ""}`;
    this.panel.querySelector("#show-all").hidden = shown.length === rows.length;
  }

  row(r) {
    const cells = this.columns.map((c) => {
      const value = c.get(r);
      if (c.key === "state")
        return `<td><span class="state ${r.state}">${r.state.toLowerCase()}</span></td>`;
      if (c.key.endsWith("_time")) return `<td>${esc(formatTime(value))}</td>`;
      return typeof value === "number"
        ? `<td class="num">${formatNumber(value)}</td>`
        : `<td>${esc(value)}</td>`;
    });
    return `<tr data-trial="${r.id}">${cells.join("")}</tr>`;
  }

  header(column) {
    const sort =
      this.sort.key === column.key ? (this.sort.descending ? "descending" : "ascending") : "none";
    const label = column.key.replace(/^params_|^metrics_/, "");
    return `<th data-key="${esc(column.key)}" aria-sort="${sort}" title="${esc(column.key)}">${esc(label)}</th>`;
  }

  sortBy(key) {
    this.sort = {
      key,
      descending: this.sort.key === key ? !this.sort.descending : false,
    };
    this.draw();
  }
}
