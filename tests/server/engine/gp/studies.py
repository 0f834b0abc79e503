"""Small GP_BANDIT studies the tests share, and fast engine settings for them."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sibyl_server.domain.study import (
    Algorithm,
    Goal,
    MetricSpec,
    ParameterSpec,
    ParentCondition,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import (
    Observation,
    Parameters,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from tests.server.engine.test_sampling_designers import SPACE

# Small settings: these tests check behaviour, not how good a large search gets.
FAST = EngineOptions(device="cpu", cpu_threads=1, num_restarts=3, raw_samples=128, mc_samples=64)

MIXED = SPACE  # every parameter type
LOSS = (MetricSpec("loss", Goal.MINIMIZE),)
X = (ParameterSpec.double("x", 0.0, 1.0),)


def gp_spec(parameters: Sequence[ParameterSpec], metrics: Sequence[MetricSpec]) -> StudySpec:
    return StudySpec(tuple(parameters), tuple(metrics), Algorithm.GP_BANDIT, seed=7)


def suggest(
    spec: StudySpec,
    completed: Sequence[Observation],
    pending: Sequence[Parameters] = (),
    count: int = 1,
    options: EngineOptions = FAST,
) -> SuggestionResult:
    request = SuggestionRequest(spec, list(completed), list(pending), count, 7, {})
    return Engine(options).suggest(request)


def observe(
    spec: StudySpec, objective: Callable[[dict], dict[str, float]], n: int, seed: int = 0
) -> list[Observation]:
    """n quasi-random trials of `spec`, measured by `objective`."""
    qr = StudySpec(spec.parameters, spec.metrics, Algorithm.QUASI_RANDOM_SEARCH, seed=seed)
    points = Engine(FAST).suggest(SuggestionRequest(qr, [], [], n, seed, {})).suggestions
    return [Observation(p.parameters, objective(dict(p.parameters))) for p in points]


def conditional_space() -> tuple[ParameterSpec, ...]:
    def child(
        name: str, low: float, high: float, parent: str, categories: Sequence[str]
    ) -> ParameterSpec:
        spec = ParameterSpec.double(name, low, high)
        condition = ParentCondition(parent, categories=tuple(categories))
        return ParameterSpec(**{**spec.__dict__, "condition": condition})

    return (
        ParameterSpec.categorical("optimizer", ["sgd", "adam"]),
        child("momentum", 0.0, 0.99, "optimizer", ["sgd"]),
        child("beta1", 0.5, 0.999, "optimizer", ["adam"]),
    )
