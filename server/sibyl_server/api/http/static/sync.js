// A study's trials, kept up to date by calls proportional to what changed.
//
// The API has no "changed since" query, but finished trials (COMPLETED, INFEASIBLE) never
// change again, and ListTrials pages by trial number: a page token is "after trial n",
// and a later call may use it with another page size. So a refresh reads
//   - the pending trials (REQUESTED, ACTIVE, STOPPING): few, and they change;
//   - the finished trials after the last one already read, from a kept page token;
//   - each trial that was pending and is neither pending nor among those any more
//     (it finished out of number order), one GetTrial each.
// The first refresh reads the finished trials without their intermediate measurements
// (TRIAL_VIEW_BASIC: for 5,000 trials of five measurements each, 1.3 s of JSON instead
// of 2.2 s), so that the page draws at once; the refresh right after reads them in full.
// `?reload=all` in the URL reads every trial at each refresh instead (for comparison).

import { call, listTrials } from "./api.js";
import { PENDING_STATES, TRIAL_STATES } from "./data.js";

const stateNames = (states) => states.map((s) => `TRIAL_STATE_${s}`);
const PENDING = stateNames(PENDING_STATES);
const FINISHED = stateNames(TRIAL_STATES.filter((s) => !PENDING_STATES.includes(s)));
const PAGE_SIZE = 1000;

export class TrialSync {
  constructor(study, readAll = false) {
    this.study = study;
    this.readAll = readAll;
    this.trials = new Map(); // id -> trial as the API returned it
    this.texts = new Map(); // id -> that trial as JSON, to tell a change
    this.pending = new Set(); // ids pending at the last refresh
    this.resume = ""; // the page token after the finished trials read for good
    this.refreshes = 0; // refreshes that succeeded
    this.version = 0; // how many times what is kept changed
    this.running = null; // the refresh in flight
  }

  // Whether the finished trials were read with their intermediate measurements.
  get complete() {
    return this.readAll || this.refreshes >= 2;
  }

  // Reads what changed since the last refresh (`version` counts the changes). A refresh
  // that fails changes nothing: the next one reads again from where this one started.
  // A call while one runs gets that one: two would both read from the same start.
  refresh() {
    this.running ??= this.read().finally(() => (this.running = null));
    return this.running;
  }

  async read() {
    if (this.readAll) return this.keep(await listTrials(this.study), this.resume);
    const [pending, finished] = await Promise.all([
      listTrials(this.study, PENDING),
      this.refreshes === 0 ? this.finishedBasic() : this.finishedTail(),
    ]);
    const seen = new Set([...pending, ...finished.trials].map((t) => t.id));
    const left = [...this.pending].filter((id) => !seen.has(id));
    const moved = await Promise.all(
      [...left, ...this.unread(seen)].map(
        async (id) => (await call("GetTrial", { name: `${this.study}/trials/${id}` })).trial,
      ),
    );
    this.pending = new Set(pending.map((t) => t.id));
    this.keep([...pending, ...finished.trials, ...moved], finished.resume);
  }

  // The ids below the highest one `seen` that neither read nor any refresh before has
  // seen. Trials are numbered 1, 2, 3 ... with no gaps, and the two listings run at
  // once: a trial new since the last refresh that finishes between them is in neither,
  // and the finished trials' page token moves past it.
  unread(seen) {
    let highest = 0; // a loop: 200,000 ids spread into Math.max overflow the stack
    for (const id of seen) highest = Math.max(highest, Number(id));
    const unread = [];
    for (let id = 1; id < highest; id += 1) {
      const key = String(id);
      if (!seen.has(key) && !this.trials.has(key) && !this.pending.has(key)) unread.push(key);
    }
    return unread;
  }

  // Ends a refresh that succeeded: keeps the trials it read, and where the next resumes.
  keep(read, resume) {
    let changed = false;
    for (const trial of read) {
      const text = JSON.stringify(trial);
      if (this.texts.get(trial.id) === text) continue;
      this.texts.set(trial.id, text);
      this.trials.set(trial.id, trial);
      changed = true;
    }
    if (changed) this.version += 1;
    this.resume = resume;
    this.refreshes += 1;
  }

  all() {
    return [...this.trials.values()].sort((a, b) => Number(a.id) - Number(b.id));
  }

  // Every finished trial without its measurements; the next refresh reads them in full.
  async finishedBasic() {
    return { trials: await listTrials(this.study, FINISHED, "TRIAL_VIEW_BASIC"), resume: "" };
  }

  // The finished trials after `resume`, and the token the next refresh resumes from.
  async finishedTail() {
    const trials = [];
    let token = this.resume;
    let last = [];
    for (;;) {
      const page = await this.finishedPage(token, PAGE_SIZE);
      last = page.trials || [];
      trials.push(...last);
      if (!page.nextPageToken) break;
      token = page.nextPageToken;
    }
    // `token` leads to `last`, the final page. A page one shorter ends with a token
    // before its last trial: the next refresh starts there, reading one known trial.
    const shorter = last.length >= 2 ? await this.finishedPage(token, last.length - 1) : {};
    return { trials, resume: shorter.nextPageToken || token };
  }

  finishedPage(pageToken, pageSize) {
    return call("ListTrials", { parent: this.study, states: FINISHED, pageSize, pageToken });
  }
}
