"""A study completes when its last pending trials finish at once, and stays active when
its budget is raised meanwhile, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import StudyState
from sibyl_server.domain.trial import Measurement, TrialState
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service.lifecycle import complete_if_done
from sibyl_server.service.runner import Runner
from sibyl_server.service.studies import StudyUpdate, StudyUseCases
from sibyl_server.service.suggestions import SuggestionUseCase
from sibyl_server.store import Store
from sibyl_server.store.interface import TrialOutcome
from tests.server.service.conftest import SPEC, TEAM
from tests.support.stores import migrated_store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    with migrated_store(store_url) as opened:
        yield opened


def _two_pending_trials_of_a_spent_budget(store: Store) -> StudyName:
    spec = dataclasses.replace(SPEC, max_trials=2)
    study = StudyUseCases(store, time.time).create_study(TEAM, f"s-{uuid.uuid4().hex[:8]}", spec)
    name = StudyName(TEAM.team, study.study_id)
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        engine = Engine(EngineOptions(device="cpu"))
        suggestions = SuggestionUseCase(store, engine, time.time, Runner(store_pool, engine_pool))
        assert len(asyncio.run(suggestions.suggest(name, 2, "w")).trials) == 2
    return name


def _finish(
    store: Store, name: StudyName, number: int, counted: threading.Event, go: threading.Event
) -> None:
    """Completes trial `number` as CompleteTrial does, but sets `counted` once it has
    counted the pending trials, and commits only after `go` is set and a moment more."""
    with store.transaction(write=True) as tx:
        record = tx.study(name)
        trial = tx.trial(record.pk, name.trial(number), lock=True)
        outcome = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": float(number)}))
        tx.finish_trial(trial.pk, outcome, time.time())
        complete_if_done(tx, record, record.exhausted_reason, time.time())
        counted.set()
        go.wait(timeout=30)
        time.sleep(0.3)  # meanwhile the other transaction counts its pending trials


def test_the_last_two_trials_finished_at_once_complete_the_study(store: Store) -> None:
    name = _two_pending_trials_of_a_spent_budget(store)
    first_counted, second_started = threading.Event(), threading.Event()
    first = threading.Thread(target=_finish, args=(store, name, 1, first_counted, second_started))
    first.start()
    assert first_counted.wait(timeout=30)  # trial 2 is still pending for the first
    second_started.set()
    _finish(store, name, 2, threading.Event(), second_started)
    first.join(timeout=30)
    with store.transaction(write=False) as tx:
        assert tx.study(name).study.state is StudyState.COMPLETED


def test_a_budget_raised_while_the_last_trial_finishes_keeps_the_study_active(
    store: Store,
) -> None:
    # CompleteTrial read the study's "max_trials reached" before UpdateStudy raised the
    # budget and committed; it then completed the study on that stale reason, with no
    # reason left for a later UpdateStudy to reopen it (PostgreSQL; SQLite serializes
    # the two writes, so the update runs after and reopens the study).
    name = _two_pending_trials_of_a_spent_budget(store)
    studies = StudyUseCases(store, time.time)
    with store.transaction(write=True) as tx:
        record = tx.study(name)
        for number in (1, 2):
            trial = tx.trial(record.pk, name.trial(number), lock=True)
            outcome = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": float(number)}))
            tx.finish_trial(trial.pk, outcome, time.time())
        raising = threading.Thread(
            target=studies.update_study, args=(name, StudyUpdate(max_trials=5))
        )
        raising.start()
        raising.join(timeout=2)  # PostgreSQL: committed; SQLite: waits for this write
        complete_if_done(tx, record, record.exhausted_reason, time.time())
    raising.join(timeout=30)
    study = studies.get_study(name)
    assert (study.state, study.spec.max_trials) == (StudyState.ACTIVE, 5)
