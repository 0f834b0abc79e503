/**
 * Sibyl's Node.js client: ask a Sibyl server what to try next, and report what you measured.
 *
 * ```ts
 * import { connect, double, metric } from "@sibyl/client";
 *
 * const client = connect("localhost:50051");
 * const study = await client.createOrLoadStudy("my-study", {
 *   parameters: [double("learning_rate", 1e-4, 1e-1, "log")],
 *   metrics: [metric("loss", "minimize")],
 * });
 * for (const trial of await study.suggest()) {
 *   await trial.run(async () => trial.complete({ loss: await train(trial.parameters) }));
 * }
 * ```
 */
export { Client, connect, specDifference } from "./client";
export type { CallOptions, CreateStudyOptions, CreateTokenOptions, ListOptions } from "./client";
export {
  AbortedError,
  AlreadyExistsError,
  CancelledError,
  DeadlineExceededError,
  DivergedError,
  FailedPreconditionError,
  InternalError,
  InvalidArgumentError,
  LeaseLostError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  SibylError,
  SpecMismatchError,
  UnauthenticatedError,
  UnavailableError,
  fromServiceError,
  statusName,
} from "./errors";
export type { ConnectOptions, ResolvedOptions, RetryOptions } from "./options";
export { decodeDetails, decodeStatusDetails, encodeStatus } from "./rpcDetails";
export type { ErrorDetails, FieldViolation } from "./rpcDetails";
export {
  ALGORITHMS,
  categorical,
  constraint,
  discrete,
  double,
  integer,
  learningCurveStopping,
  modelStopping,
  medianStopping,
  metric,
  specToMessage,
  successiveHalving,
} from "./spec";
export type {
  AlgorithmName,
  BudgetParameter,
  CategoricalParameter,
  Constraint,
  DiscreteParameter,
  DoubleParameter,
  EarlyStopping,
  Fidelity,
  Goal,
  IntegerParameter,
  LearningCurveStopping,
  ModelStopping,
  MedianStopping,
  Metric,
  MetricDefinition,
  NumericParameterOptions,
  Parameter,
  ParameterDefinition,
  ParameterOptions,
  Scale,
  StudySpec,
  SuccessiveHalving,
  When,
  WhenRange,
  WhenValues,
} from "./spec";
export { Study, Trial } from "./study";
export type {
  AddTrialOptions,
  Importance,
  Measurement,
  MeasurementInput,
  Metrics,
  Objective,
  OptimalTrials,
  ParameterImportance,
  ReportOptions,
  StudyChanges,
  StudyStateName,
  TrialRow,
  TrialListOptions,
  SuggestOptions,
  TrialStateName,
} from "./study";
export { ROLES } from "./team";
export type { CreatedToken, Role, Team, TeamQuotas, Token } from "./team";
export type { ParameterValue, Parameters } from "./values";
export { LOADER_OPTIONS, SERVICE_NAME, TEAM_SERVICE_NAME, sibylV1 } from "./proto";
/** The generated message types and enums of sibyl.v1 (proto-loader-gen-types). */
export * as v1 from "./generated/v1";
