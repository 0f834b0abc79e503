"""The study model: what a user asks Sibyl to optimize.

These are plain frozen dataclasses with no I/O and no proto: the api layer converts
proto messages into them, the store serializes them, and the engine reads them.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

ParameterValue = float | int | str
"""A parameter's value: float for DOUBLE and DISCRETE, int for INTEGER, str for CATEGORICAL."""


class ParameterType(enum.Enum):
    DOUBLE = "DOUBLE"
    INTEGER = "INTEGER"
    DISCRETE = "DISCRETE"
    CATEGORICAL = "CATEGORICAL"


class ScaleType(enum.Enum):
    LINEAR = "LINEAR"
    LOG = "LOG"


class Goal(enum.Enum):
    MINIMIZE = "MINIMIZE"
    MAXIMIZE = "MAXIMIZE"


class Algorithm(enum.Enum):
    GP_BANDIT = "GP_BANDIT"
    RANDOM_SEARCH = "RANDOM_SEARCH"
    QUASI_RANDOM_SEARCH = "QUASI_RANDOM_SEARCH"
    GRID_SEARCH = "GRID_SEARCH"


class StudyState(enum.Enum):
    ACTIVE = "ACTIVE"
    PAUSED = "PAUSED"
    COMPLETED = "COMPLETED"


DISCRETE_TOLERANCE = 1e-9
"""How far, relative to its size, a number sent for a DISCRETE value may be from it (a
value printed with 12 digits and parsed back is that value)."""


def same_discrete_value(a: float, b: float) -> bool:
    """Whether `a` and `b` are one DISCRETE value: within DISCRETE_TOLERANCE of the larger
    magnitude (relative: an absolute tolerance merged 1e-11 into 1e-12)."""
    return abs(a - b) <= DISCRETE_TOLERANCE * max(abs(a), abs(b))


@dataclass(frozen=True)
class ParentCondition:
    """A conditional parameter is active when its parent's value satisfies this.

    Exactly one way is used: `categories` (CATEGORICAL parent), `numbers` (INTEGER or
    DISCRETE parent), or the range [`min_value`, `max_value`] (numeric parent; an
    end left None is open).
    """

    parent: str
    categories: tuple[str, ...] = ()
    numbers: tuple[float, ...] = ()
    min_value: float | None = None
    max_value: float | None = None

    @property
    def is_range(self) -> bool:
        return not self.categories and not self.numbers

    def holds(self, value: ParameterValue) -> bool:
        if self.categories:
            return value in self.categories
        if isinstance(value, str):
            return False
        if self.numbers:
            if isinstance(value, int):  # an INTEGER parent's: exact
                return float(value) in self.numbers
            # A DISCRETE parent's value is its own, a condition's as sent: 0.333333333333
            # holds for 1/3, as a trial's 0.333333333333 is snapped to it.
            return any(same_discrete_value(float(value), n) for n in self.numbers)
        low = -math.inf if self.min_value is None else self.min_value
        high = math.inf if self.max_value is None else self.max_value
        return low <= float(value) <= high


@dataclass(frozen=True)
class ParameterSpec:
    """One dimension of the search space.

    Attributes:
        name: Unique name within the study.
        type: The parameter's type.
        min_value: Inclusive lower bound (DOUBLE and INTEGER only).
        max_value: Inclusive upper bound (DOUBLE and INTEGER only).
        scale: LINEAR or LOG (DOUBLE and INTEGER only; LOG needs min_value > 0).
        values: The allowed numbers in ascending order (DISCRETE only).
        categories: The allowed strings in their declared order (CATEGORICAL only).
        condition: When set, the parameter exists only when this holds.
    """

    name: str
    type: ParameterType
    min_value: float | None = None
    max_value: float | None = None
    scale: ScaleType = ScaleType.LINEAR
    values: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()
    condition: ParentCondition | None = None

    @staticmethod
    def double(
        name: str, low: float, high: float, scale: ScaleType = ScaleType.LINEAR
    ) -> ParameterSpec:
        return ParameterSpec(name, ParameterType.DOUBLE, float(low), float(high), scale)

    @staticmethod
    def integer(
        name: str, low: int, high: int, scale: ScaleType = ScaleType.LINEAR
    ) -> ParameterSpec:
        return ParameterSpec(name, ParameterType.INTEGER, float(low), float(high), scale)

    @staticmethod
    def discrete(name: str, values: tuple[float, ...] | list[float]) -> ParameterSpec:
        return ParameterSpec(
            name, ParameterType.DISCRETE, values=tuple(sorted(float(v) for v in values))
        )

    @staticmethod
    def categorical(name: str, categories: tuple[str, ...] | list[str]) -> ParameterSpec:
        return ParameterSpec(name, ParameterType.CATEGORICAL, categories=tuple(categories))

    @property
    def is_numeric(self) -> bool:
        return self.type is not ParameterType.CATEGORICAL

    @property
    def cardinality(self) -> float:
        """Number of distinct values; infinite for DOUBLE."""
        if self.type is ParameterType.DOUBLE:
            return math.inf
        if self.type is ParameterType.INTEGER:
            assert self.min_value is not None and self.max_value is not None
            return int(self.max_value) - int(self.min_value) + 1
        if self.type is ParameterType.DISCRETE:
            return len(self.values)
        return len(self.categories)


def has_conditions(parameters: Sequence[ParameterSpec]) -> bool:
    """Whether some parameter exists only under a condition on its parent."""
    return any(p.condition is not None for p in parameters)


@dataclass(frozen=True)
class OutcomeConstraint:
    """Bounds a constraint metric must satisfy (an unset bound does not apply)."""

    upper_bound: float | None = None
    lower_bound: float | None = None

    def satisfied(self, value: float) -> bool:
        above = self.lower_bound is None or value >= self.lower_bound
        below = self.upper_bound is None or value <= self.upper_bound
        return above and below


@dataclass(frozen=True)
class MetricSpec:
    """A metric the trials report: an objective (with a goal) or a constraint.

    Attributes:
        name: Unique name within the study, as used in measurements.
        goal: Whether smaller or larger values are better (objectives only).
        constraint: The bounds of an outcome constraint (constraints only).
        reference_value: Multi-objective: the reference point's coordinate.
    """

    name: str
    goal: Goal | None = None
    constraint: OutcomeConstraint | None = None
    reference_value: float | None = None

    @property
    def is_objective(self) -> bool:
        return self.goal is not None

    def sign(self) -> float:
        """+1 for MAXIMIZE, -1 for MINIMIZE: multiply a value by it to maximize."""
        if self.goal is None:
            raise ValueError(f"metric {self.name!r} is a constraint, not an objective")
        return 1.0 if self.goal is Goal.MAXIMIZE else -1.0


class EarlyStoppingRule(enum.Enum):
    MEDIAN = "MEDIAN"
    SUCCESSIVE_HALVING = "SUCCESSIVE_HALVING"
    LEARNING_CURVE = "LEARNING_CURVE"
    MODEL = "MODEL"

    @property
    def field_name(self) -> str:
        """The rule's name in specs and field paths: "median", "successive_halving", ..."""
        return self.value.lower()


@dataclass(frozen=True)
class EarlyStoppingPolicy:
    """When to stop trials early; which fields matter depends on the rule.

    Attributes:
        rule: The stopping rule.
        min_step: No trial is stopped before this step (the first rung for
            successive halving).
        min_trials: Trials with data needed before anything is stopped.
        reduction_factor: Successive halving: keep the best 1/reduction_factor.
        final_step: Learning curve: the step the final value is predicted at.
        brackets: Successive halving: Hyperband's brackets. Trial n is first compared
            at min_step * reduction_factor^(n mod brackets), among the trials of its
            bracket; 1 is one bracket (ASHA).
        min_probability: Model (fidelity studies): a trial at a rung stops when the
            fidelity GP gives it less than this chance of ending better than every
            other trial's predicted final value.
    """

    rule: EarlyStoppingRule
    min_step: int = 0
    min_trials: int = 3
    reduction_factor: float = 3.0
    final_step: int = 0
    brackets: int = 1
    min_probability: float = 0.1

    def bracket(self, number: int) -> int:
        """Trial `number`'s bracket (successive halving): 0 is the most aggressive."""
        return number % max(1, self.brackets)

    def first_rung(self, number: int) -> int:
        """The step trial `number` is first compared at (successive halving)."""
        rung = max(1, self.min_step)
        for _ in range(self.bracket(number)):
            rung = math.ceil(rung * self.reduction_factor)
        return rung


@dataclass(frozen=True)
class PriorStudy:
    """An earlier study of the same team whose trials inform this one's model.

    Attributes:
        study: The prior's resource name, `teams/{team}/studies/{study}`.
        objective: The prior's metric that measures this study's (first) objective;
            "" means the metric of the same name.
    """

    study: str
    objective: str = ""

    def metric_in(self, prior: StudySpec, target: StudySpec) -> MetricSpec | None:
        """The prior's objective that stands for `target`'s objective; None if `prior`
        (the prior study's spec) has no such objective."""
        name = self.objective or target.objective.name
        return next((m for m in prior.objectives if m.name == name), None)


def shared_parameters(
    target: Sequence[ParameterSpec], prior: Sequence[ParameterSpec]
) -> tuple[str, ...]:
    """The names of `target`'s parameters that `prior` also has, of the same kind
    (numeric in both, or categorical in both): what a prior's trials can tell."""
    kinds = {p.name: p.is_numeric for p in prior}
    return tuple(p.name for p in target if kinds.get(p.name, not p.is_numeric) == p.is_numeric)


LEARNING_CURVE_MIN_STEP = 3
"""The learning-curve rule's default first step: a curve needs 3 points to be fitted."""

RULE_DEFAULTS: dict[EarlyStoppingRule, dict[str, int]] = {
    EarlyStoppingRule.LEARNING_CURVE: {"min_step": LEARNING_CURVE_MIN_STEP},
    # Successive halving ranks whichever trials reached a rung, however few.
    EarlyStoppingRule.SUCCESSIVE_HALVING: {"min_trials": 1},
    EarlyStoppingRule.MODEL: {"min_step": 1, "min_trials": 1},
}
"""Where a rule's defaults differ from `EarlyStoppingPolicy`'s."""


def stopping_policy(rule: EarlyStoppingRule, **given: float) -> EarlyStoppingPolicy:
    """The policy of `rule` with the `given` settings; the others take the rule's defaults."""
    return replace(EarlyStoppingPolicy(rule), **{**RULE_DEFAULTS.get(rule, {}), **given})


FIDELITY_STOPPING = stopping_policy(EarlyStoppingRule.SUCCESSIVE_HALVING, min_step=1)
"""A fidelity study's early stopping when its spec names none: ASHA from step 1."""
MAX_FIDELITY_STEP = 1_000_000


@dataclass(frozen=True)
class Fidelity:
    """The step of intermediate measurements as a budget (docs/fidelity.md).

    Attributes:
        max_step: The last step: where a trial that is not stopped ends, and the step
            new configurations are chosen for.
    """

    max_step: int

    def model_steps(self, policy: EarlyStoppingPolicy) -> tuple[int, ...]:
        """The steps whose values the model learns from: the geometric rungs of
        `policy` (min_step * reduction_factor^k, from step 1 at least) below
        `max_step`, and `max_step`. Rungs of successive halving are where its trials
        end; other rules take the same grid, so that every trial adds a few points."""
        factor = policy.reduction_factor if policy.reduction_factor >= 2 else 3.0
        steps, rung = [], max(1, policy.min_step)
        while rung < self.max_step:
            steps.append(rung)
            rung = math.ceil(rung * factor)
        return (*steps, self.max_step)


DEFAULT_BUDGET_REDUCTION = 3
BUDGET_REDUCTION_RANGE = (2, 10)
STOPPING_REDUCTION_RANGE = (2, 100)
"""An early-stopping rule's reduction factor: its rungs min_step * factor^k stay finite."""


@dataclass(frozen=True)
class BudgetParameter:
    """A parameter whose value is a trial's budget, set by Sibyl (docs/fidelity.md).

    New configurations get the lowest budget; a configuration among the best
    1/`reduction_factor` of those run at one budget is run again at the next (ASHA's
    promotion, for jobs that cannot be resumed, such as a data fraction or a number of
    epochs trained from scratch).

    Attributes:
        name: The parameter (DOUBLE, INTEGER or DISCRETE, not conditional).
        reduction_factor: The ratio between consecutive budgets of a DOUBLE or INTEGER
            parameter, and how selective each promotion is.
    """

    name: str
    reduction_factor: int = DEFAULT_BUDGET_REDUCTION

    def budgets(self, parameter: ParameterSpec) -> tuple[ParameterValue, ...]:
        """The budgets trials run at, ascending, the parameter's largest value last.

        A DISCRETE parameter's budgets are its values; a DOUBLE or INTEGER parameter's
        are max / reduction_factor^k down to its min (INTEGER ones rounded, repeats
        dropped), as Hyperband's rungs."""
        if parameter.type is ParameterType.DISCRETE:
            return parameter.values
        assert parameter.min_value is not None and parameter.max_value is not None
        if parameter.min_value <= 0:  # max / factor^k never reaches it
            raise ValueError(f"budget {parameter.name!r} needs a positive min_value")
        budgets: list[ParameterValue] = []
        budget = parameter.max_value
        while budget >= parameter.min_value * (1 - 1e-12):
            value: ParameterValue = max(parameter.min_value, budget)  # not below by rounding
            if parameter.type is ParameterType.INTEGER:
                value = round(budget)
            if value not in budgets and value >= parameter.min_value:
                budgets.append(value)
            budget /= self.reduction_factor
        return tuple(reversed(budgets))


TRANSFER_INITIAL_TRIALS = 2
"""GP_BANDIT's default initial design when prior studies inform the model: the priors
stand in for the rest of it (docs/transfer.md)."""

DEFAULT_LEASE_SECONDS = 3600.0
DEFAULT_GRID_RESOLUTION = 5


@dataclass(frozen=True)
class StudySpec:
    """What to optimize and how.

    Attributes:
        parameters: The search space, in declared order.
        metrics: The metrics; the first objective drives single-objective algorithms.
        algorithm: Which algorithm proposes new trials.
        max_trials: Trial budget; None means unlimited.
        seed: Seed for every random choice the algorithm makes; None until the
            server picks one at creation.
        lease_seconds: How long an ACTIVE trial stays with a silent worker.
        grid_resolution: Points per DOUBLE (and wide INTEGER) parameter in GRID_SEARCH.
        num_initial_trials: Quasi-random trials before GP_BANDIT fits a model;
            None means 2 * dimensions + 2, or TRANSFER_INITIAL_TRIALS with priors.
        early_stopping: When to stop trials early; None never stops them.
        prior_studies: Earlier studies whose trials inform GP_BANDIT's model
            (docs/transfer.md).
        fidelity: The step as a budget: GP_BANDIT models (configuration, step), and
            early stopping is ASHA unless the spec names a rule (docs/fidelity.md).
        budget: A parameter as a budget that Sibyl sets in every suggestion, by
            successive halving across trials (docs/fidelity.md).
        stall_restarts: Whether GP_BANDIT restarts when the study stalls
            (engine/gp/restarts.py); None leaves it to the server's default.
    """

    parameters: tuple[ParameterSpec, ...]
    metrics: tuple[MetricSpec, ...]
    algorithm: Algorithm = Algorithm.GP_BANDIT
    max_trials: int | None = None
    seed: int | None = None
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    grid_resolution: int = DEFAULT_GRID_RESOLUTION
    num_initial_trials: int | None = None
    early_stopping: EarlyStoppingPolicy | None = None
    prior_studies: tuple[PriorStudy, ...] = ()
    fidelity: Fidelity | None = None
    budget: BudgetParameter | None = None
    stall_restarts: bool | None = None

    @property
    def stopping(self) -> EarlyStoppingPolicy | None:
        """The early stopping in effect: the spec's rule, or ASHA for a fidelity study."""
        if self.early_stopping is None and self.fidelity is not None:
            return FIDELITY_STOPPING
        return self.early_stopping

    def parameter(self, name: str) -> ParameterSpec:
        for spec in self.parameters:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def objectives(self) -> tuple[MetricSpec, ...]:
        return tuple(m for m in self.metrics if m.is_objective)

    @property
    def constraints(self) -> tuple[MetricSpec, ...]:
        return tuple(m for m in self.metrics if not m.is_objective)

    @property
    def objective(self) -> MetricSpec:
        """The first objective: the one single-objective algorithms optimize."""
        return self.objectives[0]

    @property
    def is_conditional(self) -> bool:
        return has_conditions(self.parameters)

    @property
    def transfers(self) -> bool:
        """Whether GP_BANDIT's model uses the prior studies: one objective and no
        constraint (the only models the ensemble replaces)."""
        return bool(self.prior_studies) and len(self.metrics) == 1

    @property
    def can_restart(self) -> bool:
        """Whether the study may restart when it stalls: GP_BANDIT on one metric (an
        objective), no prior studies, no fidelity, no budget parameter (those models
        read every trial on purpose)."""
        single = len(self.metrics) == 1 and self.metrics[0].is_objective
        plain = not self.prior_studies and self.fidelity is None and self.budget is None
        return self.algorithm is Algorithm.GP_BANDIT and single and plain

    def initial_trials(self) -> int:
        if self.num_initial_trials is not None:
            return self.num_initial_trials
        if self.transfers:
            return min(TRANSFER_INITIAL_TRIALS, 2 * len(self.parameters) + 2)
        return 2 * len(self.parameters) + 2


@dataclass(frozen=True)
class Study:
    """A stored study: a spec, its owner and its lifecycle state."""

    team: str
    study_id: str
    spec: StudySpec
    state: StudyState
    display_name: str = ""
    state_reason: str = ""
    trial_count: int = 0
    create_time: float = 0.0
    update_time: float = 0.0
