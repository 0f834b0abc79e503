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
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sibyl.v1 import study_pb2

ALGORITHMS = ("gp_bandit", "random_search", "quasi_random_search", "grid_search")


def _scale(scale: str) -> int:
    try:
        return {"linear": study_pb2.SCALE_TYPE_LINEAR, "log": study_pb2.SCALE_TYPE_LOG}[
            scale.lower()
        ]
    except KeyError:
        raise ValueError(f"scale must be 'linear' or 'log', not {scale!r}") from None


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

    def to_proto(self) -> study_pb2.ParameterSpec:
        message = study_pb2.ParameterSpec(
            name=self.name,
            categorical_values=study_pb2.CategoricalValues(values=list(self.values)),
        )
        return _with_condition(message, self.when)


Parameter = Double | Integer | Discrete | Categorical


@dataclass(frozen=True)
class Metric:
    """An objective: goal "minimize" or "maximize". Several make a multi-objective
    study; `reference_value` sets that objective's hypervolume reference point."""

    name: str
    goal: str = "minimize"
    reference_value: float | None = None

    def to_proto(self) -> study_pb2.MetricSpec:
        goals = {"minimize": study_pb2.GOAL_MINIMIZE, "maximize": study_pb2.GOAL_MAXIMIZE}
        if self.goal.lower() not in goals:
            raise ValueError(f"goal must be 'minimize' or 'maximize', not {self.goal!r}")
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

    def to_proto(self) -> study_pb2.MetricSpec:
        message = study_pb2.MetricSpec(name=self.name)
        message.constraint.SetInParent()
        if self.at_most is not None:
            message.constraint.upper_bound = self.at_most
        if self.at_least is not None:
            message.constraint.lower_bound = self.at_least
        return message


@dataclass(frozen=True)
class MedianStopping:
    """Stop trials whose best value is below the median of others' running averages."""

    min_step: int = 0
    min_trials: int = 3

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = study_pb2.MedianStoppingRule(min_step=self.min_step, min_trials=self.min_trials)
        return study_pb2.EarlyStoppingPolicy(median=rule)


@dataclass(frozen=True)
class SuccessiveHalving:
    """ASHA: at steps min_step * reduction_factor^k keep the best 1/reduction_factor."""

    min_step: int = 1
    reduction_factor: float = 3.0

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = study_pb2.SuccessiveHalvingRule(
            min_step=self.min_step, reduction_factor=self.reduction_factor
        )
        return study_pb2.EarlyStoppingPolicy(successive_halving=rule)


@dataclass(frozen=True)
class LearningCurveStopping:
    """Stop trials whose extrapolated curve cannot reach the best final value."""

    final_step: int
    min_step: int = 3
    min_trials: int = 3

    def to_proto(self) -> study_pb2.EarlyStoppingPolicy:
        rule = study_pb2.LearningCurveRule(
            final_step=self.final_step, min_step=self.min_step, min_trials=self.min_trials
        )
        return study_pb2.EarlyStoppingPolicy(learning_curve=rule)


StoppingPolicy = MedianStopping | SuccessiveHalving | LearningCurveStopping


@dataclass(frozen=True)
class StudySpec:
    """What to optimize and how. See proto/sibyl/v1/study.proto for every field's meaning.

    Attributes:
        parameters: The search space.
        metrics: The objectives (one, or several for a Pareto front) and outcome
            constraints.
        algorithm: "gp_bandit" (default), "random_search", "quasi_random_search" or
            "grid_search".
        max_trials: Trial budget; None for none.
        seed: Seed for the algorithm; None lets the server pick (and report) one.
        trial_lease_seconds: How long a silent worker keeps its trial; None = 1 hour.
        grid_resolution: Grid points per DOUBLE parameter (grid_search); None = 5.
        initial_trials: Quasi-random trials before the GP model (gp_bandit); None =
            2 * parameters + 2.
        early_stopping: MedianStopping, SuccessiveHalving or LearningCurveStopping; None
            never stops a trial early.
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

    def to_proto(self) -> study_pb2.StudySpec:
        if self.algorithm.lower() not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}, not {self.algorithm!r}")
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
        """
        known = set(StudySpec.__dataclass_fields__)
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown spec keys {sorted(unknown)}")
        options = {
            k: v for k, v in data.items() if k not in ("parameters", "metrics", "early_stopping")
        }
        return StudySpec(
            parameters=[_parameter(name, value) for name, value in data["parameters"].items()],
            metrics=[_metric(name, value) for name, value in data["metrics"].items()],
            early_stopping=_policy(data.get("early_stopping")),
            **options,
        )


def _metric(name: str, value: Any) -> Metric | Constraint:
    """ "maximize" / "minimize", or a dict: {"goal": ...} or {"at_most": 8, "at_least": 1}."""
    if isinstance(value, str):
        return Metric(name, value)
    if isinstance(value, Mapping) and "goal" in value:
        return Metric(name, **value)
    if isinstance(value, Mapping):
        return Constraint(name, **value)
    raise ValueError(f"metric {name!r}: use 'minimize', 'maximize' or a dict")


def _policy(value: Mapping[str, Any] | None) -> StoppingPolicy | None:
    """{"rule": "median" | "successive_halving" | "learning_curve", ...its fields}."""
    if value is None:
        return None
    rules = {
        "median": MedianStopping,
        "successive_halving": SuccessiveHalving,
        "learning_curve": LearningCurveStopping,
    }
    rest = {k: v for k, v in value.items() if k != "rule"}
    rule = str(value.get("rule", "")).lower()
    if rule not in rules:
        raise ValueError(f"early_stopping rule must be one of {sorted(rules)}")
    return rules[rule](**rest)  # type: ignore[no-any-return]


def _parameter(name: str, value: Any) -> Parameter:
    if isinstance(value, Mapping):
        kind = str(value.get("type", "")).lower()
        rest = {k: v for k, v in value.items() if k != "type"}
        if isinstance(rest.get("when"), Mapping):
            rest["when"] = When(**rest["when"])
        builders = {
            "double": Double,
            "integer": Integer,
            "discrete": Discrete,
            "categorical": Categorical,
        }
        if kind not in builders:
            raise ValueError(f"parameter {name!r}: type must be one of {sorted(builders)}")
        return builders[kind](name, **rest)  # type: ignore[no-any-return]
    if isinstance(value, (list, tuple)) and value:
        if all(isinstance(v, str) for v in value):
            return Categorical(name, list(value))
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            return Discrete(name, list(value))
    raise ValueError(
        f"parameter {name!r}: use a dict with a 'type', or a list of numbers or strings"
    )


def as_spec(spec: StudySpec | Mapping[str, Any]) -> StudySpec:
    return spec if isinstance(spec, StudySpec) else StudySpec.from_dict(spec)
