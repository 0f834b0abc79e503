"""The study model: what a user asks Sibyl to optimize.

These are plain frozen dataclasses with no I/O and no proto: the api layer converts
proto messages into them, the store serializes them, and the engine reads them.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

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
    """

    name: str
    type: ParameterType
    min_value: float | None = None
    max_value: float | None = None
    scale: ScaleType = ScaleType.LINEAR
    values: tuple[float, ...] = ()
    categories: tuple[str, ...] = ()

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


@dataclass(frozen=True)
class MetricSpec:
    """A metric the trials report.

    Attributes:
        name: Unique name within the study, as used in measurements.
        goal: Whether smaller or larger values are better.
    """

    name: str
    goal: Goal

    def sign(self) -> float:
        """+1 for MAXIMIZE, -1 for MINIMIZE: multiply a value by it to maximize."""
        return 1.0 if self.goal is Goal.MAXIMIZE else -1.0


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
            None means 2 * dimensions + 2.
    """

    parameters: tuple[ParameterSpec, ...]
    metrics: tuple[MetricSpec, ...]
    algorithm: Algorithm = Algorithm.GP_BANDIT
    max_trials: int | None = None
    seed: int | None = None
    lease_seconds: float = DEFAULT_LEASE_SECONDS
    grid_resolution: int = DEFAULT_GRID_RESOLUTION
    num_initial_trials: int | None = None

    def parameter(self, name: str) -> ParameterSpec:
        for spec in self.parameters:
            if spec.name == name:
                return spec
        raise KeyError(name)

    @property
    def objective(self) -> MetricSpec:
        return self.metrics[0]

    def initial_trials(self) -> int:
        if self.num_initial_trials is not None:
            return self.num_initial_trials
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
