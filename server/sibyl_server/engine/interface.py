"""What the engine takes and returns.

The engine is pure: no I/O, no proto, no clock. A request is a snapshot of a study
(spec, finished trials, pending trials, saved state); the result is new points plus
the state to save for the next call. Any replica can continue from that state.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sibyl_server.domain.study import MetricSpec, ParameterSpec, ParameterValue, StudySpec

Parameters = Mapping[str, ParameterValue]
EngineState = dict[str, Any]
"""JSON-serializable state, stored per study between calls."""

METADATA_ALGORITHM = "sibyl.algorithm"
"""Trial metadata key naming the algorithm that produced a trial."""
METADATA_FALLBACK_REASON = "sibyl.fallback_reason"
"""Trial metadata key: why the model-based algorithm fell back to quasi-random."""
METADATA_PRIOR_WEIGHTS = "sibyl.prior_weights"
"""Trial metadata key: the prior studies' weights in the model, JSON {study name: weight}."""
METADATA_RESTART = "sibyl.restart"
"""Trial metadata key: the number (1, 2, ...) of the restart out of a stalled study that
chose the trial (docs/engine.md#stalls-in-a-local-optimum); absent otherwise."""
METADATA_BUDGET_RUNG = "sibyl.budget_rung"
"""Trial metadata key: the place of the trial's budget among the study's budgets (0 is
the smallest) when the study has a budget parameter."""


@dataclass(frozen=True)
class Observation:
    """A finished trial as the engine sees it.

    Attributes:
        parameters: The trial's parameter values.
        metrics: Final metric values (empty when infeasible).
        infeasible: True when the trial could not be evaluated.
    """

    parameters: Parameters
    metrics: Mapping[str, float]
    infeasible: bool = False


@dataclass(frozen=True)
class FidelityPoint:
    """A trial's first-objective value at one step of a fidelity study (docs/fidelity.md).

    Attributes:
        parameters: The trial's parameter values.
        step: The step (a rung of the fidelity, or its max_step).
        value: The objective's value measured at that step (or last before it).
    """

    parameters: Parameters
    step: int
    value: float


@dataclass(frozen=True)
class PriorObservations:
    """A prior study's finished trials, for transfer to the study (docs/transfer.md).

    Attributes:
        name: The prior as the study's spec names it (its resource name).
        parameters: The prior's own parameters.
        objective: The prior's metric that stands for the study's first objective.
        completed: The prior's COMPLETED trials.
    """

    name: str
    parameters: tuple[ParameterSpec, ...]
    objective: MetricSpec
    completed: Sequence[Observation]


@dataclass(frozen=True)
class SuggestionRequest:
    """A snapshot of a study, and how many new points it needs.

    Attributes:
        spec: The study's spec.
        completed: Finished trials (COMPLETED and INFEASIBLE), oldest first.
        pending: Parameters of trials being evaluated or queued (ACTIVE, REQUESTED,
            STOPPING): new points should stay away from them.
        count: Number of new points wanted (>= 1).
        seed: The study's seed.
        state: What the previous call returned as `SuggestionResult.state` ({} at first).
        priors: The spec's prior studies that still exist, with their trials.
        fidelity_points: A fidelity study's values at its model steps, of every trial
            that reached one (running and stopped ones included).
    """

    spec: StudySpec
    completed: Sequence[Observation]
    pending: Sequence[Parameters]
    count: int
    seed: int
    state: Mapping[str, Any] = field(default_factory=dict)
    priors: Sequence[PriorObservations] = ()
    fidelity_points: Sequence[FidelityPoint] = ()


@dataclass(frozen=True)
class Suggestion:
    """One new point: valid parameter values and metadata (see METADATA_* keys)."""

    parameters: dict[str, ParameterValue]
    metadata: dict[str, str]


@dataclass(frozen=True)
class SuggestionResult:
    """New points and the state to save.

    Attributes:
        suggestions: At most `count` points; fewer only when `exhausted`.
        state: State to pass back in the next request.
        exhausted: True when the algorithm has nothing more to offer (a finished grid).
        timings: Seconds spent per phase (e.g. "fit", "acquisition"), for metrics.
    """

    suggestions: list[Suggestion]
    state: EngineState
    exhausted: bool = False
    timings: dict[str, float] = field(default_factory=dict)


class Designer(Protocol):
    """An algorithm that proposes points from a study snapshot.

    `uses_history` False means the designer ignores `completed` and `pending`, so the
    caller may leave them empty instead of reading every trial of the study.
    """

    uses_history: bool

    def suggest(self, request: SuggestionRequest) -> SuggestionResult: ...
