"""Study specs written as plain Python: small dataclasses, or a dict.

    spec = StudySpec(
        parameters=[
            Double("learning_rate", 1e-4, 1e-1, scale="log"),
            Integer("num_layers", 1, 4),
            Discrete("batch_size", [16, 32, 64, 128]),
            Categorical("optimizer", ["sgd", "adam", "rmsprop"]),
        ],
        metrics=[Metric("accuracy", goal="maximize")],
        max_trials=50,
    )

or the same as a dict (see `StudySpec.from_dict`).

Every class checks its arguments when it is built and raises ValueError naming the
parameter or metric, what is wrong and what is valid, so that a mistake shows where it
was made rather than when the study is created. The server checks every spec again and
stays the authority (e.g. on conditions that form a cycle).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any, NoReturn

from sibyl.v1 import study_pb2

ALGORITHMS = ("gp_bandit", "random_search", "quasi_random_search", "grid_search")
SCALES = ("linear", "log")
GOALS = ("minimize", "maximize")

# Limits of the contract (proto/sibyl/v1/study.proto) that are cheap to check here.
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]{0,63}$")
MAX_PARAMETERS = 100
MAX_METRICS = 16
MAX_OBJECTIVES = 4
MAX_DISCRETE_VALUES = 10_000
MAX_CATEGORIES = 1_000
MAX_CATEGORY_LENGTH = 256
MAX_INTEGER = 2**53
MAX_TRIALS = 1_000_000
MAX_SEED = 2**63 - 1
LEASE_SECONDS = (1.0, 30 * 24 * 3600.0)
GRID_RESOLUTION = (2, 1000)
INITIAL_TRIALS = (1, 10_000)
MAX_PRIOR_STUDIES = 5
MAX_FIDELITY_STEP = 1_000_000
BUDGET_REDUCTION = (2, 10)
STUDY_NAME = re.compile(
    r"^teams/[a-z]([a-z0-9-]{0,61}[a-z0-9])?/studies/[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
)


# Checks shared by the classes ------------------------------------------------------------


def _refuse(owner: str, problem: str) -> NoReturn:
    raise ValueError(f"{owner}: {problem}")


def _is_number(value: object) -> bool:
    # bool is an int to Python, but True as a bound is always a mistake.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_name(owner: str, name: object) -> None:
    if not isinstance(name, str) or not NAME.match(name):
        _refuse(
            owner,
            "name must be 1 to 64 letters, digits, '_', '-' or '.', starting with a letter "
            f"or '_', got {name!r}",
        )


def _check_number(owner: str, field: str, value: Any) -> None:
    if not _is_number(value) or not math.isfinite(value):
        _refuse(owner, f"{field} must be a finite number, got {value!r}")


def check_lease_seconds(owner: str, lease: Any) -> None:
    """ValueError unless `lease` is a number of seconds the server takes."""
    _check_number(owner, "trial_lease_seconds", lease)
    if not LEASE_SECONDS[0] <= lease <= LEASE_SECONDS[1]:
        _refuse(
            owner,
            "trial_lease_seconds must be between 1 second and 30 days "
            f"({LEASE_SECONDS[1]:.0f} seconds), got {lease!r}",
        )


def _check_integer(owner: str, field: str, value: Any, low: int, high: int | None) -> None:
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        _refuse(owner, f"{field} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        span = f"at least {low}" if high is None else f"between {low} and {high}"
        _refuse(owner, f"{field} must be {span}, got {value!r}")


def _check_reduction_factor(owner: str, factor: Any) -> None:
    """Successive halving's and the model rule's rung spacing: None, or 2 to 100."""
    if factor is None:
        return
    _check_number(owner, "reduction_factor", factor)
    if not 2 <= factor <= 100:
        _refuse(owner, f"reduction_factor must be between 2 and 100, got {factor!r}")


def _check_optional_integer(
    owner: str, field: str, value: Any, bounds: tuple[int, int | None]
) -> None:
    if value is not None:
        _check_integer(owner, field, value, *bounds)


def _items(
    owner: str, values: Any, limit: int, kind: str, check: Callable[[Any], None]
) -> tuple[Any, ...]:
    """`values` as a tuple of 1 to `limit` distinct items, each passed to `check`."""
    # A str is iterable, but Categorical("optimizer", "sgd") is a mistake, not 3 letters.
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        _refuse(owner, f"values must be a list of {kind}, got {values!r}")
    items = tuple(values)
    if not 1 <= len(items) <= limit:
        _refuse(owner, f"values must have 1 to {limit} {kind}, got {len(items)}")
    for item in items:
        check(item)
    if len(set(items)) != len(items):
        repeated = sorted({v for v in items if items.count(v) > 1}, key=str)
        _refuse(owner, f"values must be distinct, got {repeated} more than once")
    return items


def _freeze(instance: object, field: str, value: object) -> None:
    # The dataclasses are frozen; a list given by the caller is kept as a tuple so that
    # a later change to that list cannot slip past the checks.
    object.__setattr__(instance, field, value)


def _check_bounds(owner: str, low: Any, high: Any, scale: Any, integral: bool) -> None:
    for field, value in (("low", low), ("high", high)):
        if integral:
            _check_integer(owner, field, value, -MAX_INTEGER, MAX_INTEGER)
        else:
            _check_number(owner, field, value)
    if not low < high:
        _refuse(owner, f"low must be less than high, got low={low!r}, high={high!r}")
    if not isinstance(scale, str) or scale.lower() not in SCALES:
        _refuse(owner, f"scale must be 'linear' or 'log', got {scale!r}")
    if scale.lower() == "log" and integral and low < 1:
        _refuse(owner, f"low must be at least 1 with scale 'log', got {low!r}")
    if scale.lower() == "log" and not integral and low <= 0:
        _refuse(owner, f"low must be greater than 0 with scale 'log', got {low!r}")


def _check_choice(owner: str, value: Any) -> None:
    if not isinstance(value, str):
        _check_number(owner, "each value", value)


def _check_category(owner: str, value: Any) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= MAX_CATEGORY_LENGTH:
        _refuse(
            owner,
            f"values must be strings of 1 to {MAX_CATEGORY_LENGTH} characters, got {value!r}",
        )


def _check_when(owner: str, when: object) -> None:
    if when is not None and not isinstance(when, When):
        _refuse(owner, f"when must be a When(...) or None, got {when!r}")


def _scale(scale: str) -> int:
    return {"linear": study_pb2.SCALE_TYPE_LINEAR, "log": study_pb2.SCALE_TYPE_LOG}[scale.lower()]


# Parameters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class When:
    """A parameter's condition: it exists only when `parent` takes certain values.

        Double("momentum", 0.0, 0.99, when=When("optimizer", ["sgd"]))
        Integer("units_3", 16, 512, when=When("layers", at_least=3))

    `values` lists categories or numbers of the parent; `at_least` / `at_most`
    bound a numeric parent instead.
    """

    parent: str
    values: Sequence[str | float] = ()
    at_least: float | None = None
    at_most: float | None = None

    def __post_init__(self) -> None:
        owner = f"When(parent={self.parent!r})"
        _check_name(owner, self.parent)
        bounded = self.at_least is not None or self.at_most is not None
        if self.values is None or (isinstance(self.values, (list, tuple)) and not self.values):
            _freeze(self, "values", ())
            self._check_range(owner, bounded)
            return
        if bounded:
            _refuse(owner, "give values, or at_least / at_most, not both")
        check = partial(_check_choice, owner)
        values = _items(owner, self.values, MAX_DISCRETE_VALUES, "strings or numbers", check)
        if len({isinstance(v, str) for v in values}) > 1:
            _refuse(owner, f"values must be all strings or all numbers, got {list(values)}")
        _freeze(self, "values", values)

    def _check_range(self, owner: str, bounded: bool) -> None:
        if not bounded:
            _refuse(owner, "give values=[...] of the parent, or at_least / at_most")
        for field in ("at_least", "at_most"):
            if getattr(self, field) is not None:
                _check_number(owner, field, getattr(self, field))
        low, high = self.at_least, self.at_most
        if low is not None and high is not None and low > high:
            _refuse(owner, f"at_least must not exceed at_most, got {low!r} > {high!r}")

    def to_proto(self) -> study_pb2.ParentCondition:
        message = study_pb2.ParentCondition(parent=self.parent)
        if self.values and all(isinstance(v, str) for v in self.values):
            message.categories.values.extend(str(v) for v in self.values)
        elif self.values:
            message.numbers.values.extend(float(v) for v in self.values)
        else:
            message.range.SetInParent()
            if self.at_least is not None:
                message.range.min_value = self.at_least
            if self.at_most is not None:
                message.range.max_value = self.at_most
        return message


def _with_condition(message: study_pb2.ParameterSpec, when: When | None) -> study_pb2.ParameterSpec:
    if when is not None:
        message.condition.CopyFrom(when.to_proto())
    return message


@dataclass(frozen=True)
class Double:
    """A real-valued parameter in [low, high]; scale "log" for rates and strengths."""

    name: str
    low: float
    high: float
    scale: str = "linear"
    when: When | None = None

    def __post_init__(self) -> None:
        owner = f"Double {self.name!r}"
        _check_name(owner, self.name)
        _check_bounds(owner, self.low, self.high, self.scale, integral=False)
        _check_when(owner, self.when)

    def to_proto(self) -> study_pb2.ParameterSpec:
        message = study_pb2.ParameterSpec(
            name=self.name,
            double_range=study_pb2.DoubleRange(
                min_value=self.low, max_value=self.high, scale_type=_scale(self.scale)
            ),
        )
        return _with_condition(message, self.when)


@dataclass(frozen=True)
class Integer:
    """An integer parameter in [low, high], both included."""

    name: str
    low: int
    high: int
    scale: str = "linear"
    when: When | None = None

    def __post_init__(self) -> None:
        owner = f"Integer {self.name!r}"
        _check_name(owner, self.name)
        _check_bounds(owner, self.low, self.high, self.scale, integral=True)
        _check_when(owner, self.when)

    def to_proto(self) -> study_pb2.ParameterSpec:
        message = study_pb2.ParameterSpec(
            name=self.name,
            integer_range=study_pb2.IntegerRange(
                min_value=self.low, max_value=self.high, scale_type=_scale(self.scale)
            ),
        )
        return _with_condition(message, self.when)


@dataclass(frozen=True)
class Discrete:
    """One of an ordered set of numbers, e.g. batch sizes [16, 32, 64, 128].

    Suggestions give Python ints when every value is integral, else floats.
    """

    name: str
    values: Sequence[float]
    when: When | None = None

    def __post_init__(self) -> None:
        owner = f"Discrete {self.name!r}"
        _check_name(owner, self.name)
        check = partial(_check_number, owner, "each value")
        _freeze(self, "values", _items(owner, self.values, MAX_DISCRETE_VALUES, "numbers", check))
        _check_when(owner, self.when)

    def to_proto(self) -> study_pb2.ParameterSpec:
        message = study_pb2.ParameterSpec(
            name=self.name,
            discrete_values=study_pb2.DiscreteValues(values=[float(v) for v in self.values]),
        )
        return _with_condition(message, self.when)


@dataclass(frozen=True)
class Categorical:
    """One of a set of unordered strings, e.g. ["sgd", "adam", "rmsprop"]."""

    name: str
    values: Sequence[str]
    when: When | None = None

    def __post_init__(self) -> None:
        owner = f"Categorical {self.name!r}"
        _check_name(owner, self.name)
        check = partial(_check_category, owner)
        values = _items(owner, self.values, MAX_CATEGORIES, "strings", check)
        _freeze(self, "values", values)
        _check_when(owner, self.when)

    def to_proto(self) -> study_pb2.ParameterSpec:
        message = study_pb2.ParameterSpec(
            name=self.name,
            categorical_values=study_pb2.CategoricalValues(values=list(self.values)),
        )
        return _with_condition(message, self.when)


Parameter = Double | Integer | Discrete | Categorical


# Metrics ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    """An objective: goal "minimize" or "maximize". Several make a multi-objective
    study; `reference_value` sets that objective's hypervolume reference point."""

    name: str
    goal: str = "minimize"
    reference_value: float | None = None

    def __post_init__(self) -> None:
        owner = f"Metric {self.name!r}"
        _check_name(owner, self.name)
        if not isinstance(self.goal, str) or self.goal.lower() not in GOALS:
            _refuse(owner, f"goal must be 'minimize' or 'maximize', got {self.goal!r}")
        if self.reference_value is not None:
            _check_number(owner, "reference_value", self.reference_value)

    def to_proto(self) -> study_pb2.MetricSpec:
        goals = {"minimize": study_pb2.GOAL_MINIMIZE, "maximize": study_pb2.GOAL_MAXIMIZE}
        message = study_pb2.MetricSpec(name=self.name, goal=goals[self.goal.lower()])
        if self.reference_value is not None:
            message.reference_value = self.reference_value
        return message


@dataclass(frozen=True)
class Constraint:
    """An outcome constraint: trials are feasible only with the metric within bounds.

    Constraint("memory_gb", at_most=8)
    """

    name: str
    at_most: float | None = None
    at_least: float | None = None

    def __post_init__(self) -> None:
        owner = f"Constraint {self.name!r}"
        _check_name(owner, self.name)
        if self.at_most is None and self.at_least is None:
            _refuse(owner, "give at_most, at_least or both")
        for field in ("at_most", "at_least"):
            if getattr(self, field) is not None:
                _check_number(owner, field, getattr(self, field))
        if self.at_most is not None and self.at_least is not None and self.at_least > self.at_most:
            _refuse(
                owner, f"at_least must not exceed at_most, got {self.at_least} > {self.at_most}"
            )

    def to_proto(self) -> study_pb2.MetricSpec:
        message = study_pb2.MetricSpec(name=self.name)
        message.constraint.SetInParent()
        if self.at_most is not None:
            message.constraint.upper_bound = self.at_most
        if self.at_least is not None:
            message.constraint.lower_bound = self.at_least
        return message


# Early stopping --------------------------------------------------------------------------
# A setting left None is not sent: the server fills in its default and reports the value
# in use in the study's spec (`study.proto.spec.early_stopping`).


def _set_given(message: Any, **settings: float | None) -> Any:
    """`message` with each setting that is not None assigned to its field."""
    for field, value in settings.items():
        if value is not None:
            setattr(message, field, value)
    return message


@dataclass(frozen=True)
class MedianStopping:
    """Stop trials whose best value is below the median of others' running averages.

    min_step: no trial is stopped before this step; min_trials: trials with data at a
    step before anything is stopped there. None: the server's default.
    """

    min_step: int | None = None
    min_trials: int | None = None

    def __post_init__(self) -> None:
        _check_optional_integer("MedianStopping", "min_step", self.min_step, (0, None))
        _check_optional_integer("MedianStopping", "min_trials", self.min_trials, (1, None))

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = _set_given(
            study_pb2.MedianStoppingRule(), min_step=self.min_step, min_trials=self.min_trials
        )
        return study_pb2.EarlyStoppingPolicy(median=rule)


@dataclass(frozen=True)
class SuccessiveHalving:
    """ASHA: at steps min_step * reduction_factor^k keep the best 1/reduction_factor.

    min_step is the first rung (the contract requires one; 1 compares from the first
    step); reduction_factor None: the server's default. brackets (Hyperband): trial n
    is first judged at min_step * reduction_factor^(n mod brackets), among the trials
    of its bracket; None: one bracket.
    """

    min_step: int = 1
    reduction_factor: float | None = None
    brackets: int | None = None

    def __post_init__(self) -> None:
        _check_integer("SuccessiveHalving", "min_step", self.min_step, 1, None)
        if self.brackets is not None:
            _check_integer("SuccessiveHalving", "brackets", self.brackets, 1, 10)
        _check_reduction_factor("SuccessiveHalving", self.reduction_factor)

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = _set_given(
            study_pb2.SuccessiveHalvingRule(),
            min_step=self.min_step,
            reduction_factor=self.reduction_factor,
            brackets=self.brackets,
        )
        return study_pb2.EarlyStoppingPolicy(successive_halving=rule)


@dataclass(frozen=True)
class LearningCurveStopping:
    """Stop trials whose extrapolated curve cannot reach the best final value.

    final_step: the step the final value is predicted at; min_step and min_trials
    None: the server's defaults.
    """

    final_step: int
    min_step: int | None = None
    min_trials: int | None = None

    def __post_init__(self) -> None:
        owner = "LearningCurveStopping"
        _check_integer(owner, "final_step", self.final_step, 2, None)
        _check_optional_integer(owner, "min_step", self.min_step, (0, None))
        _check_optional_integer(owner, "min_trials", self.min_trials, (1, None))
        # With min_step unset, the server checks final_step against its default.
        if self.min_step is not None and self.final_step <= self.min_step:
            _refuse(
                owner,
                f"final_step must be above min_step, got final_step={self.final_step}, "
                f"min_step={self.min_step}",
            )

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = _set_given(
            study_pb2.LearningCurveRule(final_step=self.final_step),
            min_step=self.min_step,
            min_trials=self.min_trials,
        )
        return study_pb2.EarlyStoppingPolicy(learning_curve=rule)


@dataclass(frozen=True)
class ModelStopping:
    """Stop by the fidelity model (studies with a Fidelity only; docs/fidelity.md).

    At the rungs min_step * reduction_factor^k, a trial stops when the GP over
    (configuration, step) gives it less than min_probability of ending better than the
    other trials, or already predicts its final value closely. None: the server's
    defaults (1, 3, 0.1).
    """

    min_step: int | None = None
    reduction_factor: float | None = None
    min_probability: float | None = None

    def __post_init__(self) -> None:
        owner = "ModelStopping"
        _check_optional_integer(owner, "min_step", self.min_step, (1, None))
        _check_reduction_factor(owner, self.reduction_factor)
        if self.min_probability is not None:
            _check_number(owner, "min_probability", self.min_probability)
            if not 0 < self.min_probability < 1:
                _refuse(
                    owner,
                    f"min_probability must be above 0 and below 1, got {self.min_probability!r}",
                )

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = _set_given(
            study_pb2.ModelStoppingRule(),
            min_step=self.min_step,
            reduction_factor=self.reduction_factor,
            min_probability=self.min_probability,
        )
        return study_pb2.EarlyStoppingPolicy(model=rule)


StoppingPolicy = MedianStopping | SuccessiveHalving | LearningCurveStopping | ModelStopping


# Prior studies ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PriorStudy:
    """An earlier study of the same team whose trials inform this study's model (gp_bandit
    with one objective and no constraint; docs/transfer.md).

    PriorStudy("teams/vision/studies/resnet-cifar10", objective="val_error")

    study: the prior's resource name; objective: the prior's objective that measures
    this study's, when it is named differently (None: the same name).
    """

    study: str
    objective: str | None = None

    def __post_init__(self) -> None:
        owner = f"PriorStudy {self.study!r}"
        if not isinstance(self.study, str) or not STUDY_NAME.match(self.study):
            _refuse(owner, "study must be a study's resource name, teams/{team}/studies/{study}")
        if self.objective is not None:
            _check_name(f"{owner}: objective", self.objective)

    def to_proto(self) -> study_pb2.PriorStudy:
        return study_pb2.PriorStudy(study=self.study, objective=self.objective or "")


@dataclass(frozen=True)
class Fidelity:
    """The step of intermediate measurements as a budget: a multi-fidelity search
    (one objective, no prior studies; docs/fidelity.md).

    Fidelity(max_step=27): each trial reports its metric at steps 1, 2, ... (epochs,
    say) and asks `should_stop()`; successive halving (unless the spec names another
    early_stopping rule) stops most trials at a low step, and gp_bandit learns from every
    trial's values at those steps to choose configurations for step 27.

    max_step: the last step, where a trial that is not stopped ends (2 to 1,000,000).
    """

    max_step: int

    def __post_init__(self) -> None:
        _check_integer("Fidelity", "max_step", self.max_step, 2, MAX_FIDELITY_STEP)

    def to_proto(self) -> study_pb2.Fidelity:
        return study_pb2.Fidelity(max_step=self.max_step)


@dataclass(frozen=True)
class Budget:
    """A parameter that Sibyl sets as each trial's budget (docs/fidelity.md).

    Budget("epochs") on Integer("epochs", 1, 27): new configurations run 1 epoch; the
    best third of those finished at 1 run again at 3, the best third of those at 9,
    then 27. For jobs that start from scratch at each budget (a data fraction, epochs
    without checkpoints); the trial reads its budget as any parameter,
    `trial.parameters["epochs"]`.

    parameter: a Double or Integer parameter of the spec with a low end above 0, or a
        Discrete one; not conditional. Not with algorithm="grid_search".
    reduction_factor: the ratio between consecutive budgets of a Double or Integer
        parameter (max, max/3, max/9, ... down to its low end; a Discrete parameter's
        budgets are its values), and the share promoted at each (2 to 10).
    """

    parameter: str
    reduction_factor: int = 3

    def __post_init__(self) -> None:
        _check_name("Budget: parameter", self.parameter)
        _check_integer("Budget", "reduction_factor", self.reduction_factor, *BUDGET_REDUCTION)

    def to_proto(self) -> study_pb2.BudgetParameter:
        return study_pb2.BudgetParameter(
            parameter=self.parameter, reduction_factor=self.reduction_factor
        )


def _check_budget(budget: object, parameters: Sequence[Parameter]) -> Budget | None:
    """`budget` as a Budget (a parameter's name stands for one), naming a numeric
    parameter of the spec."""
    if budget is None:
        return None
    if isinstance(budget, str):
        budget = Budget(budget)
    if not isinstance(budget, Budget):
        _refuse("StudySpec", f"budget_parameter must be Budget, str or None, got {budget!r}")
    named = [p for p in parameters if p.name == budget.parameter]
    if not named:
        _refuse("StudySpec", f"budget_parameter names no parameter: {budget.parameter!r}")
    if isinstance(named[0], Categorical):
        _refuse("StudySpec", f"budget_parameter {budget.parameter!r} must be numeric")
    if isinstance(named[0], (Double, Integer)) and named[0].low <= 0:
        _refuse("StudySpec", f"budget_parameter {budget.parameter!r} needs a low end above 0")
    return budget


def _check_prior_studies(priors: object) -> tuple[PriorStudy, ...]:
    """`priors` as PriorStudy items; a resource name or a dict stands for one."""
    if isinstance(priors, (str, bytes, Mapping)) or not isinstance(priors, Iterable):
        _refuse("StudySpec", f"prior_studies must be a list, got {priors!r}")
    items = tuple(_prior_study(item) for item in priors)
    if len(items) > MAX_PRIOR_STUDIES:
        _refuse("StudySpec", f"prior_studies must have at most {MAX_PRIOR_STUDIES} items")
    names = [item.study for item in items]
    if len(set(names)) != len(names):
        _refuse("StudySpec", f"prior_studies names a study twice: {names}")
    return items


def _prior_study(value: object) -> PriorStudy:
    if isinstance(value, PriorStudy):
        return value
    if isinstance(value, str):
        return PriorStudy(value)
    if isinstance(value, Mapping):
        return _build(PriorStudy, "prior study", value)  # type: ignore[no-any-return]
    _refuse("StudySpec", f"prior_studies items must be PriorStudy, str or dict, got {value!r}")


# The spec --------------------------------------------------------------------------------


@dataclass(frozen=True)
class StudySpec:
    """What to optimize and how. See proto/sibyl/v1/study.proto for every field's meaning.

    A setting left None takes the server's default; the study the server returns
    carries the value in use (`study.proto.spec`).

    Attributes:
        parameters: The search space: 1 to 100 parameters with distinct names.
        metrics: The objectives (one, or up to 4 for a Pareto front) and outcome
            constraints; at most 16 in all.
        algorithm: "gp_bandit" (default), "random_search", "quasi_random_search" or
            "grid_search".
        max_trials: Trial budget, at most 1,000,000; None (or 0) for none.
        seed: Seed for the algorithm; None lets the server pick (and report) one.
        trial_lease_seconds: How long a silent worker keeps its trial, 1 second to 30
            days.
        grid_resolution: Grid points per DOUBLE parameter (grid_search), 2 to 1000.
        initial_trials: Quasi-random trials before the GP model (gp_bandit), 1 to
            10,000.
        early_stopping: MedianStopping, SuccessiveHalving, LearningCurveStopping or
            ModelStopping (fidelity studies); None
            never stops a trial early.
        prior_studies: Up to 5 earlier studies of the team (PriorStudy, or a study's
            resource name) whose trials inform the model; see docs/transfer.md.
        fidelity: Fidelity(max_step=...): the step is a budget, for a multi-fidelity
            search; see docs/fidelity.md. None: measurements serve early stopping only.
        budget_parameter: Budget(...), or a parameter's name: a parameter Sibyl sets as
            each trial's budget, by successive halving across trials; see
            docs/fidelity.md. None: the algorithm chooses every parameter.
        stall_restarts: gp_bandit: True restarts the search afresh whenever the
            study's best value stops improving, from four times its initial design's
            trials on, while its GP ignores an input, for an
            objective with several local optima and a budget of a hundred trials or
            more (docs/engine.md); False never does; None takes the server's default
            (off unless it runs with --stall-restarts true). One objective only,
            without a constraint, priors, fidelity or budget parameter.
    """

    parameters: Sequence[Parameter]
    metrics: Sequence[Metric | Constraint]
    algorithm: str = "gp_bandit"
    max_trials: int | None = None
    seed: int | None = None
    trial_lease_seconds: float | None = None
    grid_resolution: int | None = None
    initial_trials: int | None = None
    early_stopping: StoppingPolicy | None = None
    prior_studies: Sequence[PriorStudy | str] = ()
    fidelity: Fidelity | None = None
    budget_parameter: Budget | str | None = None
    stall_restarts: bool | None = None

    def __post_init__(self) -> None:
        _freeze(self, "parameters", _check_parameters(self.parameters))
        _freeze(self, "metrics", _check_metrics(self.metrics, self.parameters))
        _freeze(self, "prior_studies", _check_prior_studies(self.prior_studies))
        _freeze(self, "budget_parameter", _check_budget(self.budget_parameter, self.parameters))
        _check_options(self)

    def to_proto(self) -> study_pb2.StudySpec:
        message = study_pb2.StudySpec(
            parameters=[p.to_proto() for p in self.parameters],
            metrics=[m.to_proto() for m in self.metrics],
            algorithm=study_pb2.Algorithm.Value("ALGORITHM_" + self.algorithm.upper()),
            max_trials=self.max_trials or 0,
            grid_resolution=self.grid_resolution or 0,
        )
        if self.seed is not None:
            message.seed = self.seed
        if self.initial_trials is not None:
            message.initial_trials = self.initial_trials
        if self.trial_lease_seconds is not None:
            message.trial_lease.FromTimedelta(timedelta(seconds=self.trial_lease_seconds))
        if self.early_stopping is not None:
            message.early_stopping.CopyFrom(self.early_stopping.to_proto())
        message.prior_studies.extend(p.to_proto() for p in self.prior_studies)  # type: ignore[union-attr]
        if self.fidelity is not None:
            message.fidelity.CopyFrom(self.fidelity.to_proto())
        if isinstance(self.budget_parameter, Budget):
            message.budget_parameter.CopyFrom(self.budget_parameter.to_proto())
        if self.stall_restarts is not None:
            message.stall_restarts = self.stall_restarts
        return message

    @staticmethod
    def from_dict(data: Mapping[str, Any]) -> StudySpec:
        """Builds a spec from plain data, e.g. parsed JSON or YAML.

        {"parameters": {
             "learning_rate": {"type": "double", "low": 1e-4, "high": 0.1, "scale": "log"},
             "num_layers": {"type": "integer", "low": 1, "high": 4},
             "batch_size": [16, 32, 64],          # a list of numbers: discrete
             "optimizer": ["sgd", "adam"],        # a list of strings: categorical
         },
         "metrics": {"accuracy": "maximize"},
         "algorithm": "gp_bandit", "max_trials": 50}

        Raises:
            ValueError: naming the key, parameter or metric that is wrong.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"spec: must be a dict or a StudySpec, got {type(data).__name__}")
        unknown = set(data) - set(StudySpec.__dataclass_fields__)
        if unknown:
            raise ValueError(
                f"spec: unknown spec keys {sorted(unknown)}; valid keys are "
                f"{sorted(StudySpec.__dataclass_fields__)}"
            )
        for key in ("parameters", "metrics"):
            if not isinstance(data.get(key), Mapping):
                problem = "is missing" if key not in data else f"is {data[key]!r}"
                raise ValueError(
                    f"spec: {key!r} {problem}; it must be a dict from names to definitions"
                )
        special = ("parameters", "metrics", "early_stopping", "fidelity", "budget_parameter")
        options = {k: v for k, v in data.items() if k not in special}
        return StudySpec(
            parameters=[_parameter(name, value) for name, value in data["parameters"].items()],
            metrics=[_metric(name, value) for name, value in data["metrics"].items()],
            early_stopping=_policy(data.get("early_stopping")),
            fidelity=_fidelity(data.get("fidelity")),
            budget_parameter=_budget(data.get("budget_parameter")),
            **options,
        )


def _check_parameters(parameters: object) -> tuple[Parameter, ...]:
    items = _sequence("parameters", parameters, MAX_PARAMETERS)
    names: set[str] = set()
    for item in items:
        if not isinstance(item, (Double, Integer, Discrete, Categorical)):
            _refuse(
                "StudySpec",
                f"parameters must be Double, Integer, Discrete or Categorical, got {item!r}",
            )
        if item.name in names:
            _refuse("StudySpec", f"parameter name {item.name!r} is used twice")
        names.add(item.name)
    for item in items:
        _check_parent(item, names)
    return items


def _check_parent(parameter: Parameter, names: set[str]) -> None:
    if parameter.when is None:
        return
    owner = f"{type(parameter).__name__} {parameter.name!r}"
    parent = parameter.when.parent
    if parent == parameter.name:
        _refuse(owner, "a parameter cannot be its own parent (when.parent)")
    if parent not in names:
        _refuse(
            owner, f"when.parent {parent!r} is not a parameter of the spec; it has {sorted(names)}"
        )


def _check_metrics(metrics: object, parameters: Sequence[Parameter]) -> tuple[Any, ...]:
    items = _sequence("metrics", metrics, MAX_METRICS)
    names: set[str] = set()
    for item in items:
        if not isinstance(item, (Metric, Constraint)):
            _refuse("StudySpec", f"metrics must be Metric or Constraint, got {item!r}")
        if item.name in names:
            _refuse("StudySpec", f"metric name {item.name!r} is used twice")
        if item.name in {p.name for p in parameters}:
            _refuse("StudySpec", f"{item.name!r} is both a parameter and a metric")
        names.add(item.name)
    objectives = sum(isinstance(item, Metric) for item in items)
    if not 1 <= objectives <= MAX_OBJECTIVES:
        _refuse(
            "StudySpec",
            f"metrics must include 1 to {MAX_OBJECTIVES} objectives (Metric), got {objectives}",
        )
    return items


def _sequence(field: str, values: object, limit: int) -> tuple[Any, ...]:
    if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
        _refuse("StudySpec", f"{field} must be a list, got {values!r}")
    items = tuple(values)
    if not 1 <= len(items) <= limit:
        _refuse("StudySpec", f"{field} must have 1 to {limit} items, got {len(items)}")
    return items


def _check_options(spec: StudySpec) -> None:
    owner = "StudySpec"
    if not isinstance(spec.algorithm, str) or spec.algorithm.lower() not in ALGORITHMS:
        _refuse(owner, f"algorithm must be one of {', '.join(ALGORITHMS)}, got {spec.algorithm!r}")
    _check_optional_integer(owner, "max_trials", spec.max_trials, (0, MAX_TRIALS))
    _check_optional_integer(owner, "seed", spec.seed, (0, MAX_SEED))
    _check_optional_integer(owner, "grid_resolution", spec.grid_resolution, GRID_RESOLUTION)
    _check_optional_integer(owner, "initial_trials", spec.initial_trials, INITIAL_TRIALS)
    if spec.stall_restarts is not None and not isinstance(spec.stall_restarts, bool):
        _refuse(owner, f"stall_restarts must be True, False or None, got {spec.stall_restarts!r}")
    if spec.trial_lease_seconds is not None:
        check_lease_seconds(owner, spec.trial_lease_seconds)
    if spec.fidelity is not None and not isinstance(spec.fidelity, Fidelity):
        _refuse(owner, f"fidelity must be Fidelity(max_step=...) or None, got {spec.fidelity!r}")
    policies = (MedianStopping, SuccessiveHalving, LearningCurveStopping, ModelStopping)
    if spec.early_stopping is not None and not isinstance(spec.early_stopping, policies):
        _refuse(
            owner,
            "early_stopping must be MedianStopping, SuccessiveHalving, LearningCurveStopping, "
            f"ModelStopping or None, got {spec.early_stopping!r}",
        )
    if isinstance(spec.early_stopping, ModelStopping) and spec.fidelity is None:
        _refuse(owner, "early_stopping=ModelStopping() needs a fidelity (Fidelity(max_step=...))")


# The plain-data form ---------------------------------------------------------------------


def _build(cls: type, owner: str, options: Mapping[str, Any], **given: Any) -> Any:
    """`cls(**given, **options)`, with unknown and missing keys named in a ValueError."""
    fields = dataclasses.fields(cls)
    accepted = [f.name for f in fields if f.name not in given]
    unknown = sorted(set(options) - set(accepted))
    if unknown:
        raise ValueError(f"{owner}: unknown keys {unknown}; valid keys are {accepted}")
    required = [
        f.name
        for f in fields
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    missing = [name for name in required if name not in options and name not in given]
    if missing:
        raise ValueError(f"{owner}: missing keys {missing}")
    return cls(**given, **options)


def _metric(name: str, value: Any) -> Metric | Constraint:
    """ "maximize" / "minimize", or a dict: {"goal": ...} or {"at_most": 8, "at_least": 1}."""
    owner = f"metric {name!r}"
    if isinstance(value, str):
        return Metric(name, value)
    if isinstance(value, Mapping) and ("goal" in value or "reference_value" in value):
        return _build(Metric, owner, value, name=name)  # type: ignore[no-any-return]
    if isinstance(value, Mapping):
        return _build(Constraint, owner, value, name=name)  # type: ignore[no-any-return]
    raise ValueError(
        f"{owner}: use 'minimize', 'maximize', {{'goal': ..., 'reference_value': ...}} or "
        f"{{'at_most': ..., 'at_least': ...}}, got {value!r}"
    )


def _policy(value: Any) -> StoppingPolicy | None:
    """{"rule": "median" | "successive_halving" | "learning_curve" | "model", ...its fields}."""
    if value is None:
        return None
    rules = {
        "median": MedianStopping,
        "successive_halving": SuccessiveHalving,
        "learning_curve": LearningCurveStopping,
        "model": ModelStopping,
    }
    rule = str(value.get("rule", "")).lower() if isinstance(value, Mapping) else ""
    if rule not in rules:
        raise ValueError(
            f"early_stopping: must be a dict with a 'rule' of {sorted(rules)}, got {value!r}"
        )
    rest = {k: v for k, v in value.items() if k != "rule"}
    return _build(rules[rule], f"early_stopping ({rule})", rest)  # type: ignore[no-any-return]


def _fidelity(value: Any) -> Fidelity | None:
    """{"max_step": 27}."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError(f"fidelity: must be a dict such as {{'max_step': 27}}, got {value!r}")
    return _build(Fidelity, "fidelity", value)  # type: ignore[no-any-return]


def _budget(value: Any) -> Budget | str | None:
    """ "epochs", or {"parameter": "epochs", "reduction_factor": 3}."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, Mapping):
        raise ValueError(
            f"budget_parameter: must be a parameter's name or a dict such as "
            f"{{'parameter': 'epochs'}}, got {value!r}"
        )
    return _build(Budget, "budget_parameter", value)  # type: ignore[no-any-return]


def _parameter(name: str, value: Any) -> Parameter:
    owner = f"parameter {name!r}"
    builders = {
        "double": Double,
        "integer": Integer,
        "discrete": Discrete,
        "categorical": Categorical,
    }
    if isinstance(value, Mapping):
        kind = str(value.get("type", "")).lower()
        if kind not in builders:
            raise ValueError(
                f"{owner}: 'type' must be one of {sorted(builders)}, got {value.get('type')!r}"
            )
        rest = {k: v for k, v in value.items() if k != "type"}
        if isinstance(rest.get("when"), Mapping):
            rest["when"] = _build(When, f"{owner}: when", rest["when"])
        return _build(builders[kind], owner, rest, name=name)  # type: ignore[no-any-return]
    if isinstance(value, (list, tuple)) and value:
        if all(isinstance(v, str) for v in value):
            return Categorical(name, list(value))
        if all(_is_number(v) for v in value):
            return Discrete(name, list(value))
    raise ValueError(
        f"{owner}: use a dict with a 'type', or a non-empty list of numbers (discrete) or "
        f"of strings (categorical), got {value!r}"
    )


def as_spec(spec: StudySpec | Mapping[str, Any]) -> StudySpec:
    """`spec` itself, or the StudySpec of its plain-data form (see `StudySpec.from_dict`)."""
    return spec if isinstance(spec, StudySpec) else StudySpec.from_dict(spec)
