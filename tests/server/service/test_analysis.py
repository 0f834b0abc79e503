"""The importance analysis' memo: one GP fit per set of inputs, however many ask."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import StudySpec
from sibyl_server.domain.trial import Measurement, TrialState
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.importance import ImportanceResult
from sibyl_server.engine.interface import Observation
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service.analysis import AnalysisUseCases
from sibyl_server.service.runner import Runner
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.trials import NewTrial, TrialUseCases
from sibyl_server.store.memory import MemoryStore
from tests.server.service.conftest import SPEC, TEAM


class CountingEngine(Engine):
    """The real engine, counting its analyses; each waits for `release` to finish."""

    def __init__(self) -> None:
        super().__init__(EngineOptions(device="cpu"))
        self.computed = 0
        self.release = threading.Event()
        self.release.set()

    def parameter_importance(
        self, spec: StudySpec, completed: Sequence[Observation], metric: str, seed: int
    ) -> ImportanceResult:
        self.computed += 1
        self.release.wait(timeout=30)
        return super().parameter_importance(spec, completed, metric, seed)


@pytest.fixture
def engine() -> CountingEngine:
    return CountingEngine()


@pytest.fixture
def analysis(store: MemoryStore, engine: CountingEngine) -> Iterator[AnalysisUseCases]:
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(2) as engine_pool:
        yield AnalysisUseCases(store, engine, Runner(store_pool, engine_pool))


def _study_with(studies: StudyUseCases, trials: TrialUseCases, count: int) -> StudyName:
    name = StudyName(TEAM.team, studies.create_study(TEAM, "s", SPEC).study_id)
    for i in range(count):
        _add(trials, name, x=i / count)
    return name


def _add(trials: TrialUseCases, name: StudyName, x: float) -> None:
    done = NewTrial({"x": x}, TrialState.COMPLETED, Measurement({"loss": (x - 0.3) ** 2}))
    trials.create_trial(name, done)


def test_concurrent_and_repeated_calls_share_one_computation(
    studies: StudyUseCases,
    trials: TrialUseCases,
    analysis: AnalysisUseCases,
    engine: CountingEngine,
) -> None:
    name = _study_with(studies, trials, 10)

    async def eight_at_once() -> list[object]:
        engine.release.clear()  # the first computation is still running as the others ask
        calls = [asyncio.ensure_future(analysis.parameter_importance(name)) for _ in range(8)]
        await asyncio.sleep(0.2)
        engine.release.set()
        return [(await call).result for call in calls]

    results = asyncio.run(eight_at_once())
    assert engine.computed == 1 and all(r == results[0] for r in results)
    again = asyncio.run(analysis.parameter_importance(name, "loss"))
    assert (engine.computed, again.result) == (1, results[0])

    _add(trials, name, x=0.95)  # a finished trial: new inputs, a new analysis
    fresh = asyncio.run(analysis.parameter_importance(name))
    assert (engine.computed, fresh.result.trial_count) == (2, 11)


def test_a_caller_that_hangs_up_leaves_the_computation_to_the_others(
    studies: StudyUseCases,
    trials: TrialUseCases,
    analysis: AnalysisUseCases,
    engine: CountingEngine,
) -> None:
    name = _study_with(studies, trials, 10)

    async def first_gives_up() -> ImportanceResult:
        engine.release.clear()
        first = asyncio.ensure_future(analysis.parameter_importance(name))
        second = asyncio.ensure_future(analysis.parameter_importance(name))
        await asyncio.sleep(0.2)
        first.cancel()
        engine.release.set()
        return (await second).result

    assert asyncio.run(first_gives_up()).trial_count == 10
    assert engine.computed == 1


def test_analyses_of_several_studies_run_one_at_a_time(
    studies: StudyUseCases, trials: TrialUseCases, store: MemoryStore, engine: CountingEngine
) -> None:
    first = _study_with(studies, trials, 10)
    second = StudyName(TEAM.team, studies.create_study(TEAM, "t", SPEC).study_id)
    for i in range(10):
        _add(trials, second, x=i / 10 + 0.01)

    async def both() -> tuple[int, list[int]]:
        engine.release.clear()
        calls = [asyncio.ensure_future(analysis.parameter_importance(n)) for n in (first, second)]
        await asyncio.sleep(0.3)
        started = engine.computed  # the other waits at the gate, not on an engine thread
        engine.release.set()
        return started, [(await call).result.trial_count for call in calls]

    # Two engine threads: without the gate, both analyses would take one.
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(2) as engine_pool:
        analysis = AnalysisUseCases(store, engine, Runner(store_pool, engine_pool))
        assert asyncio.run(both()) == (1, [10, 10])
    assert engine.computed == 2


def test_a_failed_computation_is_tried_again(
    studies: StudyUseCases,
    trials: TrialUseCases,
    analysis: AnalysisUseCases,
    engine: CountingEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    name = _study_with(studies, trials, 10)
    failing = CountingEngine.parameter_importance

    def fails_once(self: CountingEngine, *args: object) -> ImportanceResult:
        monkeypatch.setattr(CountingEngine, "parameter_importance", failing)
        self.computed += 1
        raise RuntimeError("out of memory")

    monkeypatch.setattr(CountingEngine, "parameter_importance", fails_once)
    with pytest.raises(RuntimeError):
        asyncio.run(analysis.parameter_importance(name))
    assert asyncio.run(analysis.parameter_importance(name)).result.trial_count == 10
    assert engine.computed == 2
