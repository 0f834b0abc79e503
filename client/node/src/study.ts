/**
 * Studies and trials as a training loop uses them.
 *
 * ```ts
 * for (const trial of await study.suggest()) {
 *   await trial.run(async () => {          // marks the trial infeasible if this throws
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
 */
import { randomUUID } from "node:crypto";

import type { CallOptions, Client, ListOptions } from "./client";
import { FailedPreconditionError } from "./errors";
import type { Study__Output } from "./generated/sibyl/v1/Study";
import type { Trial as TrialMessage, Trial__Output } from "./generated/sibyl/v1/Trial";
import type { Measurement__Output } from "./generated/sibyl/v1/Measurement";
import type { TrialState } from "./generated/sibyl/v1/TrialState";
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
      trial.infeasibilityReason = options.infeasibleReason;
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
    options: ListOptions = {},
  ): AsyncGenerator<Trial> {
    const stateNames = states.map((s) => `TRIAL_STATE_${s.toUpperCase()}`) as TrialState[];
    let pageToken = "";
    do {
      const request = {
        parent: this.name,
        states: stateNames,
        pageSize: options.pageSize ?? 0,
        pageToken,
      };
      const response = await this.client.call("ListTrials", request, options);
      for (const trial of response.trials) {
        yield new Trial(this, trial);
      }
      pageToken = response.nextPageToken;
    } while (pageToken);
  }

  /** The study's trials by id (all pages), optionally only some states, e.g. ["completed"]. */
  async trials(states: readonly string[] = [], options: ListOptions = {}): Promise<Trial[]> {
    const trials: Trial[] = [];
    for await (const trial of this.iterateTrials(states, options)) {
      trials.push(trial);
    }
    return trials;
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

  /** Stops suggestions; results of trials already handed out are still accepted. */
  pause(options: CallOptions = {}): Promise<void> {
    return this.setState("STUDY_STATE_PAUSED", options);
  }

  /** Makes a paused (or completed) study ACTIVE again. */
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

  /** Deletes the study and all its trials. */
  async delete(options: CallOptions = {}): Promise<void> {
    await this.client.call("DeleteStudy", { name: this.name }, options);
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

  constructor(
    readonly study: Study,
    proto: Trial__Output,
  ) {
    this.proto = proto;
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

  /** Records an intermediate measurement (steps must increase) and renews the lease. */
  async report(
    metrics: Readonly<Metrics>,
    step: number,
    options: ReportOptions = {},
  ): Promise<void> {
    const measurement = {
      metrics: { ...metrics },
      step,
      elapsedSeconds: options.elapsedSeconds ?? 0,
    };
    this.proto = (
      await this.study.client.call("AddTrialMeasurement", { name: this.name, measurement }, options)
    ).trial!;
  }

  /** Finishes the trial with `metrics`, or with its last reported measurement. */
  async complete(metrics?: Readonly<Metrics>, options: CallOptions = {}): Promise<void> {
    const request =
      metrics === undefined
        ? { name: this.name }
        : { name: this.name, finalMeasurement: { metrics: { ...metrics } } };
    this.proto = (await this.study.client.call("CompleteTrial", request, options)).trial!;
  }

  /** Finishes the trial as INFEASIBLE: the algorithms avoid such configurations. */
  async completeInfeasible(reason = "", options: CallOptions = {}): Promise<void> {
    const request = {
      name: this.name,
      trialInfeasible: true,
      infeasibilityReason: reason.slice(0, 4096),
    };
    this.proto = (await this.study.client.call("CompleteTrial", request, options)).trial!;
  }

  /**
   * Whether the training loop should stop this trial now; then complete it (with no
   * metrics, its last reported measurement is the result). Asks the server, which
   * applies the study's early-stopping policy to the reported measurements and, when
   * it says yes, makes the trial STOPPING; `stopReason` keeps its explanation. A
   * STOPPING trial (stopped by a rule or by `stop()`) always answers true.
   */
  async shouldStop(options: CallOptions = {}): Promise<boolean> {
    if (this.state === "STOPPING") {
      return true;
    }
    const response = await this.study.client.call(
      "CheckTrialEarlyStopping",
      { name: this.name },
      options,
    );
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
   * Runs `evaluate(this)`; if it throws while the trial is unfinished, marks the
   * trial INFEASIBLE with the error as reason, then rethrows.
   */
  async run<T>(evaluate: (trial: this) => Promise<T> | T): Promise<T> {
    try {
      return await evaluate(this);
    } catch (error) {
      if (UNFINISHED.includes(this.state)) {
        await this.completeInfeasible(describe(error));
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

function measurementMessage(input: MeasurementInput): {
  metrics: Metrics;
  step: number;
  elapsedSeconds: number;
} {
  if (Array.isArray(input)) {
    const [step, metrics] = input as readonly [number, Readonly<Metrics>];
    return { metrics: { ...metrics }, step, elapsedSeconds: 0 };
  }
  const { step, metrics, elapsedSeconds } = input as Exclude<MeasurementInput, readonly unknown[]>;
  return { metrics: { ...metrics }, step, elapsedSeconds: elapsedSeconds ?? 0 };
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
