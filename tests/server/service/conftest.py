"""The use cases on the in-memory store: no server, no database, a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sibyl_server.domain.names import TeamName
from sibyl_server.domain.study import Algorithm, Goal, MetricSpec, ParameterSpec, StudySpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service.runner import Runner
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.service.trials import TrialUseCases
from sibyl_server.store.memory import MemoryStore

TEAM = TeamName("acme")
SPEC = StudySpec(
    parameters=(ParameterSpec.double("x", 0.0, 1.0),),
    metrics=(MetricSpec("loss", Goal.MINIMIZE),),
    algorithm=Algorithm.RANDOM_SEARCH,
    seed=3,
    lease_seconds=10.0,
)


class Clock:
    """Epoch seconds that move only when a test says so."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def studies(store: MemoryStore, clock: Clock) -> StudyUseCases:
    return StudyUseCases(store, clock)


@pytest.fixture
def trials(store: MemoryStore, clock: Clock) -> TrialUseCases:
    return TrialUseCases(store, clock)


@pytest.fixture
def teams(store: MemoryStore, clock: Clock) -> TeamUseCases:
    return TeamUseCases(store, clock)


@pytest.fixture
def suggestions(store: MemoryStore, clock: Clock) -> Iterator[SuggestionUseCase]:
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        runner = Runner(store_pool, engine_pool)
        yield SuggestionUseCase(store, Engine(EngineOptions(device="cpu")), clock, runner)


@pytest.fixture
def stopping(store: MemoryStore, clock: Clock) -> Iterator[StoppingUseCases]:
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        runner = Runner(store_pool, engine_pool)
        yield StoppingUseCases(store, clock, Engine(EngineOptions(device="cpu")), runner)
