"""Calls that need new trials of one study at once share one computation (a batch)."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from sibyl_server.domain.errors import NotFound
from sibyl_server.domain.names import StudyName, TeamName
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import SuggestionRequest, SuggestionResult
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service.runner import Runner
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import Suggested, SuggestionSettings, SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import Store
from sibyl_server.store.memory import MemoryStore
from tests.server.service.conftest import SPEC, TEAM, Clock
from tests.support.stores import migrated_store


class GatedEngine(Engine):
    """The real engine, whose steps wait for `release` and are recorded: while the
    first step waits, the test's other calls arrive."""

    def __init__(self, fail: bool = False) -> None:
        super().__init__(EngineOptions(device="cpu"))
        self.release = threading.Event()
        self.started = threading.Event()
        self.counts: list[int] = []
        self._fail = fail

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        self.started.set()
        self.release.wait(timeout=30)
        self.counts.append(request.count)
        if self._fail:
            raise RuntimeError("the engine broke")
        return super().suggest(request)


@pytest.fixture
def runner() -> Iterator[Runner]:
    with ThreadPoolExecutor(4) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        yield Runner(store_pool, engine_pool)


def _study(store: MemoryStore, clock: Clock, **changes: object) -> StudyName:
    study = StudyUseCases(store, clock).create_study(
        TEAM, "s", dataclasses.replace(SPEC, **changes)
    )
    return StudyName(TEAM.team, study.study_id)


async def _while_the_first_computes(
    suggestions: SuggestionUseCase, engine: GatedEngine, name: StudyName, asks: list[int]
) -> list[Suggested | BaseException]:
    """The first ask starts a computation; the others arrive while it waits, then it
    goes on."""
    first = asyncio.create_task(suggestions.suggest(name, asks[0], "worker-0"))
    await asyncio.to_thread(engine.started.wait, 30)
    others = [
        asyncio.create_task(suggestions.suggest(name, count, f"worker-{i}"))
        for i, count in enumerate(asks[1:], start=1)
    ]
    await asyncio.sleep(0.2)  # every other call has joined the next batch by now
    engine.release.set()
    return await asyncio.gather(first, *others, return_exceptions=True)


def test_calls_that_arrive_during_a_computation_share_the_next_one(
    store: MemoryStore, clock: Clock, runner: Runner
) -> None:
    engine = GatedEngine()
    suggestions = SuggestionUseCase(store, engine, clock, runner)
    name = _study(store, clock)
    answers = asyncio.run(_while_the_first_computes(suggestions, engine, name, [1, 1, 2, 1, 3]))
    # One step for the first call, one for the four that came while it ran.
    assert engine.counts == [1, 7]
    numbers = []
    for i, (answer, count) in enumerate(zip(answers, [1, 1, 2, 1, 3], strict=True)):
        assert isinstance(answer, Suggested)
        assert len(answer.trials) == count
        assert {t.client_id for t in answer.trials} == {f"worker-{i}"}
        numbers += [t.number for t in answer.trials]
    assert sorted(numbers) == list(range(1, 9))
    with store.transaction(write=False) as tx:
        owners = {r.trial.number: r.trial.client_id for r in tx.trials(tx.study(name).pk)}
    assert owners == {t.number: t.client_id for a in answers for t in a.trials}  # type: ignore[union-attr]


def test_a_batch_over_the_limit_starts_another(
    store: MemoryStore, clock: Clock, runner: Runner
) -> None:
    engine = GatedEngine()
    settings = SuggestionSettings(batch_limit=3)
    suggestions = SuggestionUseCase(store, engine, clock, runner, settings)
    name = _study(store, clock)
    answers = asyncio.run(_while_the_first_computes(suggestions, engine, name, [1, 2, 1, 1, 5]))
    # [2, 1] fill a batch of 3, the next 1 starts another, and 5 (over the limit) its own.
    assert engine.counts == [1, 3, 1, 5]
    assert [len(a.trials) for a in answers] == [1, 2, 1, 1, 5]  # type: ignore[union-attr]


def test_the_budget_goes_to_the_calls_in_the_order_they_came(
    store: MemoryStore, clock: Clock, runner: Runner
) -> None:
    engine = GatedEngine()
    suggestions = SuggestionUseCase(store, engine, clock, runner)
    name = _study(store, clock, max_trials=4)
    answers = asyncio.run(_while_the_first_computes(suggestions, engine, name, [1, 2, 2, 1]))
    assert [len(a.trials) for a in answers] == [1, 2, 1, 0]  # type: ignore[union-attr]


def test_a_failed_computation_fails_every_call_of_its_batch(
    store: MemoryStore, clock: Clock, runner: Runner
) -> None:
    engine = GatedEngine(fail=True)
    suggestions = SuggestionUseCase(store, engine, clock, runner)
    name = _study(store, clock)
    answers = asyncio.run(_while_the_first_computes(suggestions, engine, name, [1, 1, 1]))
    assert all(isinstance(a, RuntimeError) for a in answers)
    assert engine.counts == [1, 2]


def test_a_study_given_a_deleted_studys_key_starts_its_own_batch(
    tmp_path: Path, clock: Clock, runner: Runner
) -> None:
    """SQLite gives a deleted study's key to the next study made, here another team's."""
    with migrated_store(f"sqlite:///{tmp_path / 'sibyl.db'}", pool_size=2) as store:
        _deleted_study_s_key_reused(store, clock, runner)


def _deleted_study_s_key_reused(store: Store, clock: Clock, runner: Runner) -> None:
    teams = TeamUseCases(store, clock)
    for team in ("alpha", "beta"):
        teams.create_team(team, TeamQuotas())
    studies = StudyUseCases(store, clock)
    engine = GatedEngine()
    suggestions = SuggestionUseCase(store, engine, clock, runner)
    mine = StudyName("alpha", studies.create_study(TeamName("alpha"), "x", SPEC).study_id)

    async def race() -> list[Suggested | BaseException]:
        computing = asyncio.create_task(suggestions.suggest(mine, 1, "a-0"))
        await asyncio.to_thread(engine.started.wait, 30)
        waiting = asyncio.create_task(suggestions.suggest(mine, 1, "a-1"))  # an open batch
        await asyncio.sleep(0.2)
        studies.delete_study(mine)
        theirs = StudyName("beta", studies.create_study(TeamName("beta"), "y", SPEC).study_id)
        with store.transaction(write=False) as tx:
            assert tx.study(theirs).pk == 1  # the deleted study's
        other = asyncio.create_task(suggestions.suggest(theirs, 1, "b-0"))
        await asyncio.sleep(0.2)
        engine.release.set()
        return await asyncio.gather(computing, waiting, other, return_exceptions=True)

    *alphas, beta = asyncio.run(race())
    assert all(isinstance(answer, NotFound) for answer in alphas)
    assert isinstance(beta, Suggested)
    with store.transaction(write=False) as tx:
        written = [r.trial for r in tx.trials(tx.study(StudyName("beta", "y")).pk)]
    assert [(t.number, t.client_id) for t in beta.trials] == [(1, "b-0")]
    assert [(t.number, t.client_id) for t in written] == [(1, "b-0")]
