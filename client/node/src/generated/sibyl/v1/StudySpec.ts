// Original file: ../../proto/sibyl/v1/study.proto

import type { ParameterSpec as _sibyl_v1_ParameterSpec, ParameterSpec__Output as _sibyl_v1_ParameterSpec__Output } from '../../sibyl/v1/ParameterSpec';
import type { MetricSpec as _sibyl_v1_MetricSpec, MetricSpec__Output as _sibyl_v1_MetricSpec__Output } from '../../sibyl/v1/MetricSpec';
import type { Algorithm as _sibyl_v1_Algorithm, Algorithm__Output as _sibyl_v1_Algorithm__Output } from '../../sibyl/v1/Algorithm';
import type { Duration as _google_protobuf_Duration, Duration__Output as _google_protobuf_Duration__Output } from '../../google/protobuf/Duration';
import type { EarlyStoppingPolicy as _sibyl_v1_EarlyStoppingPolicy, EarlyStoppingPolicy__Output as _sibyl_v1_EarlyStoppingPolicy__Output } from '../../sibyl/v1/EarlyStoppingPolicy';
import type { PriorStudy as _sibyl_v1_PriorStudy, PriorStudy__Output as _sibyl_v1_PriorStudy__Output } from '../../sibyl/v1/PriorStudy';
import type { Fidelity as _sibyl_v1_Fidelity, Fidelity__Output as _sibyl_v1_Fidelity__Output } from '../../sibyl/v1/Fidelity';
import type { BudgetParameter as _sibyl_v1_BudgetParameter, BudgetParameter__Output as _sibyl_v1_BudgetParameter__Output } from '../../sibyl/v1/BudgetParameter';
import type { Long } from '@grpc/proto-loader';

/**
 * The search space, the metrics and the algorithm of a study.
 */
export interface StudySpec {
  /**
   * The parameters to tune, in the order tools display them. Required: 1 to 100
   * parameters with unique names.
   */
  'parameters'?: (_sibyl_v1_ParameterSpec)[];
  /**
   * The metrics trials report. Required: at least one objective (a metric with a
   * goal); several objectives make a multi-objective study, whose optimal trials
   * are its Pareto front. Metrics with a `constraint` are outcome constraints. At
   * most 16 metrics, at most 4 of them objectives.
   */
  'metrics'?: (_sibyl_v1_MetricSpec)[];
  /**
   * The algorithm that proposes new trials. Required (UNSPECIFIED is rejected);
   * clients default it to ALGORITHM_GP_BANDIT.
   */
  'algorithm'?: (_sibyl_v1_Algorithm);
  /**
   * Trial budget: the study never creates more than this many trials and is
   * COMPLETED once that many have finished. 0 (the default) means no budget.
   * At most 1,000,000.
   */
  'maxTrials'?: (number | string | Long);
  /**
   * Seed for every random choice the algorithm makes, so a study can be replayed.
   * Unset: the server picks one at creation and reports it here. Between 0 and
   * 2^63 - 1.
   */
  'seed'?: (number | string | Long);
  /**
   * How long an ACTIVE trial stays with a worker that has gone silent (no
   * measurement, no completion, no new SuggestTrials with its client id). After
   * that the trial is handed to the next asking worker. Unset: 1 hour. Between 1
   * second and 30 days.
   */
  'trialLease'?: (_google_protobuf_Duration | null);
  /**
   * GRID_SEARCH only: number of grid points for each DOUBLE parameter (spaced
   * evenly in its scale, both ends included) and for INTEGER parameters with more
   * values than this. Unset or 0: 5. Between 2 and 1000.
   */
  'gridResolution'?: (number);
  /**
   * GP_BANDIT only: number of quasi-random trials before the Gaussian-process
   * model is used. Unset: 2 * number of parameters + 2. Between 1 and 10,000.
   */
  'initialTrials'?: (number);
  /**
   * When to stop unpromising trials early, judged on their intermediate
   * measurements (see CheckTrialEarlyStopping). Unset: trials are never stopped.
   */
  'earlyStopping'?: (_sibyl_v1_EarlyStoppingPolicy | null);
  /**
   * GP_BANDIT only: earlier studies of the same team whose trials inform the model
   * (transfer; see docs/transfer.md). Each prior's trials are modelled on the
   * parameters it shares with this study and weighted by how well they order this
   * study's trials, so a prior that does not predict this study gets (almost) no
   * weight; the weights used are in each suggested trial's metadata
   * `sibyl.prior_weights`. Only for studies of one objective and no outcome
   * constraint; unset `initial_trials` then defaults to 2. Unset: no priors. At most
   * 5, distinct, each sharing a parameter with this study, never the study itself.
   * Fixed at creation.
   */
  'priorStudies'?: (_sibyl_v1_PriorStudy)[];
  /**
   * The step of intermediate measurements is a budget (epochs, say): a
   * multi-fidelity search (see docs/fidelity.md). The early-stopping rule decides
   * how far each trial runs; unset, it is successive halving from step 1 with
   * reduction factor 3 (ASHA), and the study reports that rule in
   * `early_stopping`. GP_BANDIT then learns from every trial's first-objective
   * value at each rung it reached (steps min_step * reduction_factor^k, and
   * `max_step`), stopped and running trials included, with a GP over (configuration,
   * step), and chooses new configurations for their predicted value at `max_step`
   * (BOHB's schedule with a GP). Only for studies of one objective, without
   * `prior_studies`. Unset: measurements only serve early stopping. Fixed at
   * creation.
   */
  'fidelity'?: (_sibyl_v1_Fidelity | null);
  /**
   * A parameter that is a trial's budget, which Sibyl sets in every suggested trial:
   * a data fraction, or a number of epochs for a job that starts from scratch each
   * time (see docs/fidelity.md). New configurations get the smallest budget; once a
   * configuration is among the best 1/reduction_factor of those finished at one
   * budget, a new trial runs it at the next budget (asynchronous successive halving
   * across trials; a trial that breaks an outcome constraint is never promoted). A
   * trial's cost is taken as proportional to its budget. GP_BANDIT models the first
   * objective over every parameter, the budget included, and chooses new
   * configurations for their predicted value at the largest budget; RANDOM_SEARCH and
   * QUASI_RANDOM_SEARCH draw them. Each suggested trial's metadata `sibyl.budget_rung`
   * gives its budget's place (0 = the smallest). Only for studies of one objective,
   * without `fidelity`, and not with GRID_SEARCH. `early_stopping` still applies within
   * a trial, by step. Unset: every parameter is the algorithm's to choose. Fixed at
   * creation.
   */
  'budgetParameter'?: (_sibyl_v1_BudgetParameter | null);
  /**
   * Whether GP_BANDIT restarts the study's search when it stalls. True: once the
   * study has finished four times its initial design's trials, and its best value
   * has gained no more than 0.1% of its values' range over 15 finished trials while
   * its GP ignores an input (one input's lengthscale at least
   * 12 times the median of the others', as when the trials refining one optimum
   * barely vary it), the next steps run GP_BANDIT afresh on the trials from there on
   * (a new Sobol design, then a GP of those trials alone) until that restart stalls
   * in turn; then the GP over every trial resumes. Each restart's trials say
   * `sibyl.restart` in their metadata. It suits an objective known to have several
   * local optima and a budget of a hundred trials or more: more runs leave a local
   * optimum; where the GP ignores an input from the start, as on many real tuning
   * tasks, a restart interrupts the refinement of the optimum the study holds (see
   * docs/engine.md#stalls-in-a-local-optimum). False: never (any study may say so).
   * Unset: the server's default (`sibyl serve --stall-restarts`, off unless set),
   * filled in at creation and reported as true or false for a GP_BANDIT study that
   * may restart; other studies stay unset and never restart. True only for
   * GP_BANDIT studies of one metric (an objective without a constraint) and without
   * `prior_studies`, `fidelity` or `budget_parameter`. Fixed at creation.
   */
  'stallRestarts'?: (boolean);
  '_seed'?: "seed";
  '_initialTrials'?: "initialTrials";
  '_stallRestarts'?: "stallRestarts";
}

/**
 * The search space, the metrics and the algorithm of a study.
 */
export interface StudySpec__Output {
  /**
   * The parameters to tune, in the order tools display them. Required: 1 to 100
   * parameters with unique names.
   */
  'parameters': (_sibyl_v1_ParameterSpec__Output)[];
  /**
   * The metrics trials report. Required: at least one objective (a metric with a
   * goal); several objectives make a multi-objective study, whose optimal trials
   * are its Pareto front. Metrics with a `constraint` are outcome constraints. At
   * most 16 metrics, at most 4 of them objectives.
   */
  'metrics': (_sibyl_v1_MetricSpec__Output)[];
  /**
   * The algorithm that proposes new trials. Required (UNSPECIFIED is rejected);
   * clients default it to ALGORITHM_GP_BANDIT.
   */
  'algorithm': (_sibyl_v1_Algorithm__Output);
  /**
   * Trial budget: the study never creates more than this many trials and is
   * COMPLETED once that many have finished. 0 (the default) means no budget.
   * At most 1,000,000.
   */
  'maxTrials': (string);
  /**
   * Seed for every random choice the algorithm makes, so a study can be replayed.
   * Unset: the server picks one at creation and reports it here. Between 0 and
   * 2^63 - 1.
   */
  'seed'?: (string);
  /**
   * How long an ACTIVE trial stays with a worker that has gone silent (no
   * measurement, no completion, no new SuggestTrials with its client id). After
   * that the trial is handed to the next asking worker. Unset: 1 hour. Between 1
   * second and 30 days.
   */
  'trialLease': (_google_protobuf_Duration__Output | null);
  /**
   * GRID_SEARCH only: number of grid points for each DOUBLE parameter (spaced
   * evenly in its scale, both ends included) and for INTEGER parameters with more
   * values than this. Unset or 0: 5. Between 2 and 1000.
   */
  'gridResolution': (number);
  /**
   * GP_BANDIT only: number of quasi-random trials before the Gaussian-process
   * model is used. Unset: 2 * number of parameters + 2. Between 1 and 10,000.
   */
  'initialTrials'?: (number);
  /**
   * When to stop unpromising trials early, judged on their intermediate
   * measurements (see CheckTrialEarlyStopping). Unset: trials are never stopped.
   */
  'earlyStopping': (_sibyl_v1_EarlyStoppingPolicy__Output | null);
  /**
   * GP_BANDIT only: earlier studies of the same team whose trials inform the model
   * (transfer; see docs/transfer.md). Each prior's trials are modelled on the
   * parameters it shares with this study and weighted by how well they order this
   * study's trials, so a prior that does not predict this study gets (almost) no
   * weight; the weights used are in each suggested trial's metadata
   * `sibyl.prior_weights`. Only for studies of one objective and no outcome
   * constraint; unset `initial_trials` then defaults to 2. Unset: no priors. At most
   * 5, distinct, each sharing a parameter with this study, never the study itself.
   * Fixed at creation.
   */
  'priorStudies': (_sibyl_v1_PriorStudy__Output)[];
  /**
   * The step of intermediate measurements is a budget (epochs, say): a
   * multi-fidelity search (see docs/fidelity.md). The early-stopping rule decides
   * how far each trial runs; unset, it is successive halving from step 1 with
   * reduction factor 3 (ASHA), and the study reports that rule in
   * `early_stopping`. GP_BANDIT then learns from every trial's first-objective
   * value at each rung it reached (steps min_step * reduction_factor^k, and
   * `max_step`), stopped and running trials included, with a GP over (configuration,
   * step), and chooses new configurations for their predicted value at `max_step`
   * (BOHB's schedule with a GP). Only for studies of one objective, without
   * `prior_studies`. Unset: measurements only serve early stopping. Fixed at
   * creation.
   */
  'fidelity': (_sibyl_v1_Fidelity__Output | null);
  /**
   * A parameter that is a trial's budget, which Sibyl sets in every suggested trial:
   * a data fraction, or a number of epochs for a job that starts from scratch each
   * time (see docs/fidelity.md). New configurations get the smallest budget; once a
   * configuration is among the best 1/reduction_factor of those finished at one
   * budget, a new trial runs it at the next budget (asynchronous successive halving
   * across trials; a trial that breaks an outcome constraint is never promoted). A
   * trial's cost is taken as proportional to its budget. GP_BANDIT models the first
   * objective over every parameter, the budget included, and chooses new
   * configurations for their predicted value at the largest budget; RANDOM_SEARCH and
   * QUASI_RANDOM_SEARCH draw them. Each suggested trial's metadata `sibyl.budget_rung`
   * gives its budget's place (0 = the smallest). Only for studies of one objective,
   * without `fidelity`, and not with GRID_SEARCH. `early_stopping` still applies within
   * a trial, by step. Unset: every parameter is the algorithm's to choose. Fixed at
   * creation.
   */
  'budgetParameter': (_sibyl_v1_BudgetParameter__Output | null);
  /**
   * Whether GP_BANDIT restarts the study's search when it stalls. True: once the
   * study has finished four times its initial design's trials, and its best value
   * has gained no more than 0.1% of its values' range over 15 finished trials while
   * its GP ignores an input (one input's lengthscale at least
   * 12 times the median of the others', as when the trials refining one optimum
   * barely vary it), the next steps run GP_BANDIT afresh on the trials from there on
   * (a new Sobol design, then a GP of those trials alone) until that restart stalls
   * in turn; then the GP over every trial resumes. Each restart's trials say
   * `sibyl.restart` in their metadata. It suits an objective known to have several
   * local optima and a budget of a hundred trials or more: more runs leave a local
   * optimum; where the GP ignores an input from the start, as on many real tuning
   * tasks, a restart interrupts the refinement of the optimum the study holds (see
   * docs/engine.md#stalls-in-a-local-optimum). False: never (any study may say so).
   * Unset: the server's default (`sibyl serve --stall-restarts`, off unless set),
   * filled in at creation and reported as true or false for a GP_BANDIT study that
   * may restart; other studies stay unset and never restart. True only for
   * GP_BANDIT studies of one metric (an objective without a constraint) and without
   * `prior_studies`, `fidelity` or `budget_parameter`. Fixed at creation.
   */
  'stallRestarts'?: (boolean);
  '_seed'?: "seed";
  '_initialTrials'?: "initialTrials";
  '_stallRestarts'?: "stallRestarts";
}
