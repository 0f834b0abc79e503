/**
 * Studies and trials as a training loop uses them.
 *
 * ```ts
 * for (const trial of await study.suggest()) {
 *   await trial.run(async () => {          // a throw of this code marks the trial infeasible
 *     let loss = 0;
 *     for (let epoch = 0; epoch < 10; epoch++) {
 *       loss = await trainOneEpoch(trial.parameters);
 *       await trial.report({ loss }, epoch);
 *       if (await trial.shouldStop()) break; // the study's early-stopping policy
 *     }
 *     await trial.complete({ loss });
 *   });
 * }
 * ```
 *
 * A trial's calls say which worker makes them (its client id), so that once a slow
 * worker's lease expired and the trial went to another worker, the slow worker's
 * reports are refused (`LeaseLostError`) instead of mixing into the new holder's.
 */
import { randomUUID } from "node:crypto";

import type { CallOptions, Client, ListOptions } from "./client";
import { DivergedError, FailedPreconditionError, LeaseLostError, isServiceFailure } from "./errors";
import type { Study as StudyMessage, Study__Output } from "./generated/sibyl/v1/Study";
import type { Trial as TrialMessage, Trial__Output } from "./generated/sibyl/v1/Trial";
import type { Measurement__Output } from "./generated/sibyl/v1/Measurement";
import type { TrialState } from "./generated/sibyl/v1/TrialState";
import type { RequestOf } from "./proto";
import { durationOf } from "./proto";
import { checkStudyChanges, checkTrialCount } from "./spec";
import { dateOf } from "./team";
import { ValueCodec } from "./values";
import type { ParameterValue, Parameters } from "./values";

/** A study's lifecycle state. */
export type StudyStateName = "ACTIVE" | "PAUSED" | "COMPLETED" | "UNSPECIFIED";

/** A trial's lifecycle state. */
export type TrialStateName =
  "REQUESTED" | "ACTIVE" | "STOPPING" | "COMPLETED" | "INFEASIBLE" | "UNSPECIFIED";

/** Metric name to value. */
export type Metrics = Record<string, number>;

/** Options of suggest. */
export interface TrialListOptions extends ListOptions {
  /**
   * false leaves out each trial's intermediate measurements (TRIAL_VIEW_BASIC): for a
   * study reporting learning curves, several times less to read and send. Default true.
   */
  readonly measurements?: boolean;
}

export interface SuggestOptions extends CallOptions {
  /** The worker asking, instead of the client's `clientId`. */
  readonly clientId?: string;
}

/**
 * A measurement given to addTrial: `[step, metrics]`, or an object like the ones
 * `trial.measurements` returns.
 */
export type MeasurementInput =
  | readonly [step: number, metrics: Readonly<Metrics>]
  | {
      readonly step: number;
      readonly metrics: Readonly<Metrics>;
      readonly elapsedSeconds?: number;
    };

/** Options of addTrial. */
export interface AddTrialOptions extends CallOptions {
  /** Adds an INFEASIBLE trial with this reason (when no metrics are given). */
  readonly infeasibleReason?: string;
  /**
   * The learning curve of a COMPLETED or INFEASIBLE trial, by increasing step, e.g.
   * `[[1, { loss: 0.9 }], [2, { loss: 0.5 }]]`: early-stopping rules compare new
   * trials with it.
   */
  readonly measurements?: readonly MeasurementInput[];
  /** Free-form annotations; keys must not start with "sibyl.". */
  readonly metadata?: Readonly<Record<string, string>>;
  /** Makes retries safe: the same id returns the trial already created. Default: a random UUID. */
  readonly requestId?: string;
}

/** What `study.update` changes; a field left out stays as it is. */
export interface StudyChanges {
  /**
   * The trial budget: 0 for none. Raising it above the trials the study has lets a
   * study that used its budget suggest again (a COMPLETED one becomes ACTIVE); it
   * cannot go below that number (FailedPreconditionError).
   */
  readonly maxTrials?: number;
  /** How long a silent worker keeps its trial, in seconds (more than 0). */
  readonly trialLeaseSeconds?: number;
  /** Human-readable name shown by tools; at most 256 characters. */
  readonly displayName?: string;
}

/** Options of report. */
export interface ReportOptions extends CallOptions {
  /** Seconds of evaluation since the trial started; 0 if unknown. */
  readonly elapsedSeconds?: number;
}

/** An intermediate measurement of a trial. */
export interface Measurement {
  readonly metrics: Metrics;
  readonly step: number;
  readonly elapsedSeconds: number;
}

/** The best trials of a study, and whether anything feasible was found yet. */
/** One trial as `Study.rows` gives it. */
export type TrialRow = Record<string, string | number | Date | undefined>;

function rowOf(trial: Trial): TrialRow {
  const row: TrialRow = { id: trial.id, state: trial.state };
  for (const [name, value] of Object.entries(trial.parameters)) {
    row[`params_${name}`] = value;
  }
  for (const [name, value] of Object.entries(trial.metrics)) {
    row[`metrics_${name}`] = value;
  }
  row.infeasibilityReason = trial.infeasibilityReason;
  row.clientId = trial.clientId;
  row.createTime = dateOf(trial.proto.createTime);
  row.startTime = dateOf(trial.proto.startTime);
  row.completeTime = dateOf(trial.proto.completeTime);
  return row;
}

/** How much one parameter moves a metric (see Study.parameterImportance). */
export interface ParameterImportance {
  readonly parameter: string;
  /** Its share of the metric's variation; the shares sum to 1. */
  readonly importance: number;
  /** The share of the variance it explains alone. */
  readonly firstOrder: number;
  /** The share it takes part in, interactions included; undefined when model-free. */
  readonly totalEffect?: number;
}

/** Every parameter's importance for one metric, most important first. */
export interface Importance {
  readonly metric: string;
  /** "GP_SOBOL" or "CORRELATION_RATIO" (model-free, with few trials). */
  readonly method: string;
  readonly trialCount: number;
  readonly parameters: ParameterImportance[];
}

export interface OptimalTrials {
  /** The best feasible completed trials: one for a single objective, the Pareto front (by id) for several. */
  readonly trials: Trial[];
  /** COMPLETED trials that satisfy every outcome constraint. */
  readonly feasibleTrialCount: number;
  /** COMPLETED trials. */
  readonly completedTrialCount: number;
  /** Trials completed, but none satisfied every outcome constraint. */
  readonly nothingFeasibleYet: boolean;
}

/** An objective of the study, as stored. */
export interface Objective {
  readonly metric: string;
  readonly goal: "MINIMIZE" | "MAXIMIZE";
  /** The hypervolume reference point's coordinate, when set. */
  readonly referenceValue?: number;
}

const UNFINISHED: readonly TrialStateName[] = ["REQUESTED", "ACTIVE", "STOPPING"];

function withoutPrefix<T extends string>(value: string, prefix: string): T {
  return (value.startsWith(prefix) ? value.slice(prefix.length) : value) as T;
}

/** A study on the server. Its spec is immutable, so it is read once. */
export class Study {
  /** The study as last returned by the server. */
  proto: Study__Output;
  private readonly codec: ValueCodec;

  constructor(
    readonly client: Client,
    proto: Study__Output,
  ) {
    this.proto = proto;
    this.codec = new ValueCodec(proto.spec!);
  }

  /** `teams/{team}/studies/{study}`. */
  get name(): string {
    return this.proto.name;
  }

  /** The last segment of the name. */
  get studyId(): string {
    return this.name.slice(this.name.lastIndexOf("/") + 1);
  }

  /** The state as of the last call that returned the study. */
  get state(): StudyStateName {
    return withoutPrefix(this.proto.state, "STUDY_STATE_");
  }

  /** The parameters in the order of the spec. */
  get parameterNames(): string[] {
    return this.proto.spec!.parameters.map((p) => p.name);
  }

  /** The (first) objective: metric name and goal. Early-stopping rules use this one. */
  get objective(): Objective {
    return this.objectives[0] ?? { metric: "", goal: "MINIMIZE" };
  }

  /** Every objective (metrics with a goal, not outcome constraints), in the order of the spec. */
  get objectives(): Objective[] {
    return this.proto
      .spec!.metrics.filter((m) => m.goal !== "GOAL_UNSPECIFIED" && !m.constraint)
      .map((m) => {
        const goal = withoutPrefix<Objective["goal"]>(m.goal, "GOAL_");
        return m.referenceValue === undefined
          ? { metric: m.name, goal }
          : { metric: m.name, goal, referenceValue: m.referenceValue };
      });
  }

  /** Reads the study again (its state and trial count change). */
  async refresh(options: CallOptions = {}): Promise<this> {
    this.proto = (await this.client.call("GetStudy", { name: this.name }, options)).study!;
    return this;
  }

  /**
   * Trials to evaluate, assigned to this worker; [] once the study is COMPLETED.
   *
   * Rejects with FailedPreconditionError while the study is PAUSED.
   */
  async suggest(count = 1, options: SuggestOptions = {}): Promise<Trial[]> {
    checkTrialCount(count);
    const request = {
      parent: this.name,
      count,
      clientId: options.clientId ?? this.client.options.clientId,
    };
    try {
      const response = await this.client.call("SuggestTrials", request, options);
      this.proto.state = response.studyState;
      return response.trials.map((t) => new Trial(this, t));
    } catch (error) {
      if (error instanceof FailedPreconditionError && error.metadata.state === "COMPLETED") {
        this.proto.state = "STUDY_STATE_COMPLETED";
        return [];
      }
      throw error;
    }
  }

  /**
   * Adds a trial with chosen parameters.
   *
   * With `metrics`: a COMPLETED trial (e.g. a result from an earlier run). With
   * `infeasibleReason`: an INFEASIBLE one. With neither: a REQUESTED trial that the
   * next worker to ask gets first. `parameters` are the active ones only: a
   * conditional parameter whose condition does not hold must be left out.
   */
  async addTrial(
    parameters: Readonly<Parameters>,
    metrics?: Readonly<Metrics>,
    options: AddTrialOptions = {},
  ): Promise<Trial> {
    const trial: TrialMessage = {
      parameters: this.codec.toMessages(parameters),
      metadata: { ...options.metadata },
      measurements: (options.measurements ?? []).map(measurementMessage),
    };
    if (metrics !== undefined) {
      trial.state = "TRIAL_STATE_COMPLETED";
      trial.finalMeasurement = { metrics: { ...metrics } };
    } else if (options.infeasibleReason !== undefined) {
      trial.state = "TRIAL_STATE_INFEASIBLE";
      trial.infeasibilityReason = printable(options.infeasibleReason, MAX_REASON_LENGTH);
    } else {
      trial.state = "TRIAL_STATE_REQUESTED";
    }
    const request = { parent: this.name, trial, requestId: options.requestId ?? randomUUID() };
    return new Trial(this, (await this.client.call("CreateTrial", request, options)).trial!);
  }

  /** The trial with this id (1, 2, 3 ... in creation order); NotFoundError if none. */
  async getTrial(trialId: number, options: CallOptions = {}): Promise<Trial> {
    const response = await this.client.call(
      "GetTrial",
      { name: `${this.name}/trials/${trialId}` },
      options,
    );
    return new Trial(this, response.trial!);
  }

  /** The study's trials by id, optionally only some states, fetched a page at a time as the loop goes. */
  async *iterateTrials(
    states: readonly string[] = [],
    options: TrialListOptions = {},
  ): AsyncGenerator<Trial> {
    const stateNames = states.map((s) => `TRIAL_STATE_${s.toUpperCase()}`) as TrialState[];
    let pageToken = "";
    do {
      const request = {
        parent: this.name,
        states: stateNames,
        pageSize: options.pageSize ?? 0,
        pageToken,
        view: options.measurements === false ? "TRIAL_VIEW_BASIC" : "TRIAL_VIEW_FULL",
      } as const;
      const response = await this.client.call("ListTrials", request, options);
      for (const trial of response.trials) {
        yield new Trial(this, trial);
      }
      pageToken = response.nextPageToken;
    } while (pageToken);
  }

  /** The study's trials by id (all pages), optionally only some states, e.g. ["completed"]. */
  async trials(states: readonly string[] = [], options: TrialListOptions = {}): Promise<Trial[]> {
    const trials: Trial[] = [];
    for await (const trial of this.iterateTrials(states, options)) {
      trials.push(trial);
    }
    return trials;
  }

  /**
   * The trials as plain rows, one per trial by id, for tables, CSV and plots: `id`,
   * `state`, `params_<name>` per parameter (absent where a conditional parameter is
   * inactive), `metrics_<name>` per final metric (absent unless COMPLETED),
   * `infeasibilityReason`, `clientId`, and `createTime`, `startTime`, `completeTime`
   * (Dates; absent when unset). The same columns as the Python client's `to_dataframe()`.
   */
  async rows(states: readonly string[] = [], options: ListOptions = {}): Promise<TrialRow[]> {
    return (await this.trials(states, { ...options, measurements: false })).map(rowOf);
  }

  /**
   * The best feasible completed trials (one for a single objective, the Pareto front
   * for several), with how many completed trials were feasible.
   */
  async optimalTrials(options: CallOptions = {}): Promise<OptimalTrials> {
    const response = await this.client.call("ListOptimalTrials", { parent: this.name }, options);
    const feasibleTrialCount = Number(response.feasibleTrialCount);
    const completedTrialCount = Number(response.completedTrialCount);
    return {
      trials: response.optimalTrials.map((t) => new Trial(this, t)),
      feasibleTrialCount,
      completedTrialCount,
      nothingFeasibleYet: completedTrialCount > 0 && feasibleTrialCount === 0,
    };
  }

  /**
   * The feasible completed trial with the best objective value (the first of the
   * Pareto front for several objectives); undefined before any feasible trial completes.
   */
  async bestTrial(options: CallOptions = {}): Promise<Trial | undefined> {
    return (await this.optimalTrials(options)).trials[0];
  }

  /**
   * How much each parameter moves `metric` (the first objective by default), computed by
   * the server from the finished trials; takes seconds. FailedPreconditionError (reason
   * NOT_ENOUGH_TRIALS) before 2 trials have a value.
   */
  async parameterImportance(metric = "", options: CallOptions = {}): Promise<Importance> {
    const response = await this.client.call(
      "ComputeParameterImportance",
      { parent: this.name, metric },
      options,
    );
    return {
      metric: response.metric,
      method: String(response.method).replace("IMPORTANCE_METHOD_", ""),
      trialCount: Number(response.trialCount),
      parameters: response.importances.map((p) => ({
        parameter: p.parameter,
        importance: p.importance,
        firstOrder: p.firstOrder,
        totalEffect: p.totalEffect ?? undefined,
      })),
    };
  }

  /** Stops suggestions; results of trials already handed out are still accepted. */
  pause(options: CallOptions = {}): Promise<void> {
    return this.setState("STUDY_STATE_PAUSED", options);
  }

  /**
   * Makes a paused (or completed) study ACTIVE again. FailedPreconditionError (reason
   * STUDY_EXHAUSTED) if its trial budget is used up: raise it with `update` instead.
   */
  resume(options: CallOptions = {}): Promise<void> {
    return this.setState("STUDY_STATE_ACTIVE", options);
  }

  /** Finishes the study: suggest() returns [] from now on. */
  complete(options: CallOptions = {}): Promise<void> {
    return this.setState("STUDY_STATE_COMPLETED", options);
  }

  private async setState(state: Study__Output["state"], options: CallOptions): Promise<void> {
    this.proto = (
      await this.client.call("UpdateStudyState", { name: this.name, state }, options)
    ).study!;
  }

  /**
   * Changes what may change after creation: the trial budget, the trial lease and the
   * display name. Raising `maxTrials` lets a study that used its budget suggest again.
   * RangeError if `changes` names nothing.
   */
  async update(changes: StudyChanges, options: CallOptions = {}): Promise<void> {
    checkStudyChanges(changes);
    const { study, paths } = studyUpdate(changes);
    if (paths.length === 0) {
      throw new RangeError("nothing to update: give maxTrials, trialLeaseSeconds or displayName");
    }
    const request = { study: { ...study, name: this.name }, updateMask: { paths } };
    this.proto = (await this.client.call("UpdateStudy", request, options)).study!;
  }

  /** Deletes the study and all its trials (a study already gone is not an error). */
  async delete(options: CallOptions = {}): Promise<void> {
    await this.client.call("DeleteStudy", { name: this.name, allowMissing: true }, options);
  }

  /** The plain value of one of this study's parameter values. */
  parameterValue(value: Trial__Output["parameters"][string]): ParameterValue {
    return this.codec.toValue(value);
  }

  toString(): string {
    return `Study(${this.name}, state=${this.state})`;
  }
}

/** A trial: `parameters` to evaluate, and the calls that report on it. */
export class Trial {
  /** The trial as last returned by the server. */
  proto: Trial__Output;
  /** Why the last `shouldStop()` that asked the server said yes; "" until then. */
  stopReason = "";
  /**
   * Whether this worker lost the trial to another: its lease expired and the trial was
   * handed to another worker. Its calls then throw LeaseLostError without reaching the
   * server, and `shouldStop()` answers true: drop the trial.
   */
  leaseLost = false;
  /**
   * The last step recorded when this object was made: a worker resumed after a restart
   * reports again the steps its earlier run recorded (see `report`).
   */
  private readonly recordedThrough: number | undefined;
  private skippedAStep = false;

  constructor(
    readonly study: Study,
    proto: Trial__Output,
  ) {
    this.proto = proto;
    const last = proto.measurements.at(-1);
    this.recordedThrough = last === undefined ? undefined : Number(last.step);
  }

  /** `teams/{team}/studies/{study}/trials/{id}`. */
  get name(): string {
    return this.proto.name;
  }

  /** The trial's number in its study: 1, 2, 3 ... */
  get id(): number {
    return Number(this.proto.id);
  }

  /** Parameter name to value, in the order of the spec: numbers, and strings for categorical parameters. */
  get parameters(): Parameters {
    const values = this.proto.parameters;
    const result: Parameters = {};
    for (const name of this.study.parameterNames) {
      if (name in values) {
        result[name] = this.study.parameterValue(values[name]!);
      }
    }
    return result;
  }

  /** The state as of the last call that returned the trial. */
  get state(): TrialStateName {
    return withoutPrefix(this.proto.state, "TRIAL_STATE_");
  }

  /** The final measurement's metrics ({} unless COMPLETED). */
  get metrics(): Metrics {
    return { ...this.proto.finalMeasurement?.metrics };
  }

  /** The intermediate measurements, by increasing step. */
  get measurements(): Measurement[] {
    return this.proto.measurements.map(measurementOf);
  }

  /** Free-form annotations; `sibyl.algorithm` names the algorithm that produced the trial. */
  get metadata(): Record<string, string> {
    return { ...this.proto.metadata };
  }

  /** Why the trial is INFEASIBLE; "" otherwise. */
  get infeasibilityReason(): string {
    return this.proto.infeasibilityReason;
  }

  /** The worker the trial was handed to: its calls say so, and fail once it lost the trial. */
  get clientId(): string {
    return this.proto.clientId;
  }

  /**
   * Records an intermediate measurement (steps must increase) and renews the lease.
   * LeaseLostError once the trial went to another worker.
   *
   * A trial handed back to a restarted worker keeps what its earlier run recorded:
   * reports of steps up to the last of those are skipped with a warning (each still
   * renews the lease), and the curve goes on after it.
   *
   * A NaN or infinite value throws DivergedError before anything is sent (`run()`
   * then marks the trial INFEASIBLE).
   */
  async report(
    metrics: Readonly<Metrics>,
    step: number,
    options: ReportOptions = {},
  ): Promise<void> {
    checkedStep(step);
    for (const [name, value] of Object.entries(metrics)) {
      if (!Number.isFinite(value)) {
        throw new DivergedError(`${name} = ${value} at step ${step}: the run diverged`);
      }
    }
    if (this.recordedThrough !== undefined && step <= this.recordedThrough) {
      if (!this.skippedAStep) {
        process.emitWarning(
          `trial ${this.name} was resumed with steps up to ${this.recordedThrough} recorded ` +
            "by this worker's earlier run: reports of those steps are skipped",
        );
      }
      this.skippedAStep = true;
      // Still renews the lease: the last recorded measurement again, which the server
      // takes as a resend.
      const last = this.proto.measurements.at(-1)!;
      const resent = { name: this.name, measurement: last, clientId: this.clientId };
      await this.write(() => this.study.client.call("AddTrialMeasurement", resent, options));
      return;
    }
    const measurement = {
      metrics: { ...metrics },
      step,
      elapsedSeconds: options.elapsedSeconds ?? 0,
    };
    const request = { name: this.name, measurement, clientId: this.clientId };
    await this.write(() => this.study.client.call("AddTrialMeasurement", request, options));
  }

  /**
   * Finishes the trial with `metrics`, or with its last reported measurement.
   * LeaseLostError once the trial went to another worker.
   */
  async complete(metrics?: Readonly<Metrics>, options: CallOptions = {}): Promise<void> {
    const request: RequestOf<"CompleteTrial"> = { name: this.name, clientId: this.clientId };
    if (metrics !== undefined) {
      request.finalMeasurement = { metrics: { ...metrics } };
    }
    await this.write(() => this.study.client.call("CompleteTrial", request, options));
  }

  /**
   * Finishes the trial as INFEASIBLE: the algorithms avoid such configurations.
   * LeaseLostError once the trial went to another worker.
   */
  async completeInfeasible(reason = "", options: CallOptions = {}): Promise<void> {
    const request = {
      name: this.name,
      trialInfeasible: true,
      infeasibilityReason: printable(reason, MAX_REASON_LENGTH),
      clientId: this.clientId,
    };
    await this.write(() => this.study.client.call("CompleteTrial", request, options));
  }

  /** Sends a write about the trial and keeps the trial it returns; notes a lost lease. */
  private async write(send: () => Promise<{ trial: Trial__Output | null }>): Promise<void> {
    if (this.leaseLost) {
      throw new LeaseLostError(`trial ${this.name} went to another worker; drop it`);
    }
    try {
      this.proto = (await send()).trial!;
    } catch (error) {
      this.leaseLost ||= error instanceof LeaseLostError;
      throw error;
    }
  }

  /**
   * Whether the training loop should stop this trial now; then complete it (with no
   * metrics, its last reported measurement is the result). Asks the server, which
   * applies the study's early-stopping policy to the reported measurements and, when
   * it says yes, makes the trial STOPPING; `stopReason` keeps its explanation. A
   * STOPPING trial (stopped by a rule or by `stop()`) always answers true. True too
   * once this worker lost the trial to another (`leaseLost`): then drop it, without
   * completing it.
   */
  async shouldStop(options: CallOptions = {}): Promise<boolean> {
    if (this.state === "STOPPING" || this.leaseLost) {
      return true;
    }
    const response = await this.study.client.call(
      "CheckTrialEarlyStopping",
      { name: this.name, clientId: this.clientId },
      options,
    );
    if (response.leaseLost) {
      this.leaseLost = true;
      this.stopReason = response.reason;
      return true;
    }
    this.proto = response.trial!;
    if (response.shouldStop) {
      this.stopReason = response.reason;
    }
    return response.shouldStop;
  }

  /**
   * Asks this trial's worker to stop it: the trial becomes STOPPING, and its worker's
   * next `shouldStop()` answers true. FailedPreconditionError unless ACTIVE or STOPPING.
   */
  async stop(options: CallOptions = {}): Promise<void> {
    this.proto = (await this.study.client.call("StopTrial", { name: this.name }, options)).trial!;
  }

  /**
   * Runs `evaluate(this)` and resolves with what it returns, looking after the trial
   * when it throws:
   *
   * - an error of the evaluation itself, while the trial is unfinished, marks the
   *   trial INFEASIBLE (with the error as reason) and is rethrown;
   * - a SibylError is the service's, not the configuration's: it is rethrown and
   *   the trial stays as it is (this worker resumes it, or its lease expires);
   * - LeaseLostError: the trial went to another worker, and is dropped silently
   *   (resolves undefined).
   */
  async run<T>(evaluate: (trial: this) => Promise<T> | T): Promise<T | undefined> {
    try {
      return await evaluate(this);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        return undefined;
      }
      if (!isServiceFailure(error) && !this.leaseLost && UNFINISHED.includes(this.state)) {
        try {
          await this.completeInfeasible(describe(error));
        } catch (lost) {
          // The evaluation's error matters more; a lost trial is another worker's now.
          if (!(lost instanceof LeaseLostError)) {
            throw lost;
          }
        }
      }
      throw error;
    }
  }

  /** Reads the trial again. */
  async refresh(options: CallOptions = {}): Promise<this> {
    this.proto = (await this.study.client.call("GetTrial", { name: this.name }, options)).trial!;
    return this;
  }

  toString(): string {
    return `Trial(${this.name}, state=${this.state}, parameters=${JSON.stringify(this.parameters)})`;
  }
}

/** Characters the server keeps of an infeasibility reason. */
const MAX_REASON_LENGTH = 4096;

/**
 * The first `limit` characters (code points) of `text`, with control characters other
 * than tabs and line breaks, and lone surrogates, escaped as the server requires: an
 * error's message may carry terminal colour codes. Never splits a surrogate pair.
 */
export function printable(text: string, limit: number): string {
  const kept: string[] = [];
  for (const character of text) {
    const code = character.codePointAt(0)!;
    const control = (code < 0x20 || (code >= 0x7f && code < 0xa0)) && !"\t\n\r".includes(character);
    const lone = code >= 0xd800 && code <= 0xdfff;
    if (control) {
      kept.push(`\\x${code.toString(16).padStart(2, "0")}`);
    } else if (lone) {
      kept.push(`\\u${code.toString(16)}`);
    } else {
      kept.push(character);
    }
  }
  return Array.from(kept.join("")).slice(0, limit).join("");
}

/** The Study fields and update_mask paths of `changes`. */
function studyUpdate(changes: StudyChanges): { study: StudyMessage; paths: string[] } {
  const spec: NonNullable<StudyMessage["spec"]> = {};
  const study: StudyMessage = { spec };
  const paths: string[] = [];
  if (changes.displayName !== undefined) {
    study.displayName = changes.displayName;
    paths.push("display_name");
  }
  if (changes.maxTrials !== undefined) {
    spec.maxTrials = changes.maxTrials;
    paths.push("spec.max_trials");
  }
  if (changes.trialLeaseSeconds !== undefined) {
    spec.trialLease = durationOf(changes.trialLeaseSeconds);
    paths.push("spec.trial_lease");
  }
  return { study, paths };
}

function measurementMessage(input: MeasurementInput): {
  metrics: Metrics;
  step: number;
  elapsedSeconds: number;
} {
  if (Array.isArray(input)) {
    const [step, metrics] = input as readonly [number, Readonly<Metrics>];
    return { metrics: { ...metrics }, step: checkedStep(step), elapsedSeconds: 0 };
  }
  const { step, metrics, elapsedSeconds } = input as Exclude<MeasurementInput, readonly unknown[]>;
  return { metrics: { ...metrics }, step: checkedStep(step), elapsedSeconds: elapsedSeconds ?? 0 };
}

/**
 * `step`, which must be a whole number: the wire's int64 would truncate 0.5 to 0, and a
 * later step 1.5 would then be refused as not after step 1.
 */
function checkedStep(step: number): number {
  if (!Number.isSafeInteger(step)) {
    throw new TypeError(`a measurement's step must be a whole number, not ${step}`);
  }
  return step;
}

function measurementOf(message: Measurement__Output): Measurement {
  return {
    metrics: { ...message.metrics },
    step: Number(message.step),
    elapsedSeconds: message.elapsedSeconds,
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
