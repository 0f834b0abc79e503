"""Budgets, quotas and trial outcomes when calls race, on SQLite and PostgreSQL.

SQLite runs one write transaction at a time, so there these tests check the rules;
on PostgreSQL, whose transactions interleave, they check that the rules hold when
concurrent calls read the same rows before either commits.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest

from sibyl_server.domain.errors import AlreadyExists, FailedPrecondition, ResourceExhausted
from sibyl_server.domain.names import StudyName, TeamName
from sibyl_server.domain.study import Algorithm, ParameterSpec, StudySpec, StudyState
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Measurement, TrialState
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import SuggestionRequest, SuggestionResult
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service.lifecycle import FINISHED_STATES, MAX_TRIALS_REACHED
from sibyl_server.service.runner import Runner
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import Suggested, SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.service.trials import NewTrial, TrialUseCases
from sibyl_server.store import Store
from sibyl_server.store.interface import StudyChanges, TrialOutcome
from sibyl_server.store.sql.trials import SqlTrials
from tests.server.service.conftest import SPEC, TEAM, Clock
from tests.support.stores import migrated_store

T = TypeVar("T")
CALLERS = 8


@pytest.fixture(scope="module")
def store(store_url: str) -> Iterator[Store]:
    with migrated_store(store_url) as opened:
        yield opened


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def suggestions(store: Store, clock: Clock) -> Iterator[SuggestionUseCase]:
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        runner = Runner(store_pool, engine_pool)
        yield SuggestionUseCase(store, Engine(EngineOptions(device="cpu")), clock, runner)


def _new_study(store: Store, clock: Clock, spec: StudySpec = SPEC) -> StudyName:
    study = StudyUseCases(store, clock).create_study(TEAM, f"s-{uuid.uuid4().hex[:10]}", spec)
    return StudyName(TEAM.team, study.study_id)


def _all_at_once(call: Callable[[int], T]) -> list[T | Exception]:
    """`call(i)` for each of CALLERS threads, started together; each result or error."""
    start = threading.Barrier(CALLERS)

    def run(i: int) -> T | Exception:
        start.wait(timeout=30)
        try:
            return call(i)
        except Exception as error:  # the test inspects each one
            return error

    with ThreadPoolExecutor(CALLERS) as pool:
        return list(pool.map(run, range(CALLERS)))


def _suggest(suggestions: SuggestionUseCase, name: StudyName, count: int, client: str) -> Suggested:
    return asyncio.run(suggestions.suggest(name, count, client))


def test_concurrent_create_trials_stop_at_the_budget(store: Store, clock: Clock) -> None:
    name = _new_study(store, clock, dataclasses.replace(SPEC, max_trials=3))
    trials = TrialUseCases(store, clock)
    done = NewTrial({"x": 0.5}, TrialState.COMPLETED, Measurement({"loss": 1.0}))

    results = _all_at_once(lambda i: trials.create_trial(name, done))

    created = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert sorted(t.number for t in created) == [1, 2, 3]
    assert all(isinstance(e, FailedPrecondition) for e in refused), refused
    assert {e.reason for e in refused if isinstance(e, FailedPrecondition)} == {"STUDY_EXHAUSTED"}
    study = StudyUseCases(store, clock).get_study(name)
    assert study.trial_count == 3
    assert study.state is StudyState.COMPLETED


def test_concurrent_create_studies_stop_at_the_active_studies_quota(
    store: Store, clock: Clock
) -> None:
    team = f"t-{uuid.uuid4().hex[:8]}"
    TeamUseCases(store, clock).create_team(team, TeamQuotas(max_active_studies=2))
    studies = StudyUseCases(store, clock)

    results = _all_at_once(lambda i: studies.create_study(TeamName(team), f"s{i}", SPEC))

    created = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(created) == 2
    assert len(refused) == CALLERS - 2
    assert all(isinstance(e, ResourceExhausted) for e in refused), refused
    assert len(studies.list_studies(TeamName(team), 20, "").studies) == 2


def test_concurrent_retries_of_a_create_study_make_one_study(store: Store, clock: Clock) -> None:
    studies = StudyUseCases(store, clock)
    study_id, request_id = f"s-{uuid.uuid4().hex[:10]}", uuid.uuid4().hex

    def create(_: int) -> str:
        return studies.create_study(TEAM, study_id, SPEC, request_id=request_id).study_id

    # Each gets the study: a retry is never told that the study it made exists.
    assert _all_at_once(create) == [study_id] * CALLERS
    with pytest.raises(AlreadyExists):  # another request's create is
        studies.create_study(TEAM, study_id, SPEC, request_id=uuid.uuid4().hex)


def test_concurrent_retries_of_a_create_study_at_the_team_quota_make_one_study(
    store: Store, clock: Clock
) -> None:
    # On PostgreSQL the retries looked for the request id before the first committed,
    # then counted its study against the quota of one: RESOURCE_EXHAUSTED, not the study.
    team = TeamName(f"t-{uuid.uuid4().hex[:8]}")
    TeamUseCases(store, clock).create_team(team.team, TeamQuotas(max_active_studies=1))
    studies = StudyUseCases(store, clock)
    request_id = uuid.uuid4().hex

    results = _all_at_once(
        lambda i: studies.create_study(team, "s", SPEC, request_id=request_id).study_id
    )

    assert results == ["s"] * CALLERS
    with pytest.raises(ResourceExhausted):  # another request's create is refused
        studies.create_study(team, "t", SPEC, request_id=uuid.uuid4().hex)


def test_concurrent_asks_take_queued_trials_before_new_ones(store: Store, clock: Clock) -> None:
    # On PostgreSQL every caller read the same first queued trial; those that lost it
    # got a new trial from the engine while later queued ones waited.
    name = _new_study(store, clock)
    trials = TrialUseCases(store, clock)
    for i in range(2 * CALLERS):
        trials.create_trial(name, NewTrial({"x": i / 100}, TrialState.REQUESTED))

    def ask(i: int) -> Suggested:  # each caller a replica of its own, on its own loop
        with ThreadPoolExecutor(1) as store_pool, ThreadPoolExecutor(1) as engine_pool:
            runner = Runner(store_pool, engine_pool)
            replica = SuggestionUseCase(store, Engine(EngineOptions(device="cpu")), clock, runner)
            return _suggest(replica, name, 1, f"w{i}")

    results = _all_at_once(ask)

    handed = sorted(t.number for r in results if isinstance(r, Suggested) for t in r.trials)
    assert handed == list(range(1, CALLERS + 1)), results
    assert StudyUseCases(store, clock).get_study(name).trial_count == 2 * CALLERS


def test_a_worker_at_the_trial_quota_gets_back_the_trials_it_holds(
    store: Store, clock: Clock, suggestions: SuggestionUseCase
) -> None:
    team = f"t-{uuid.uuid4().hex[:8]}"
    TeamUseCases(store, clock).create_team(team, TeamQuotas(max_trials_per_study=3))
    study = StudyUseCases(store, clock).create_study(TeamName(team), "s", SPEC)
    name = StudyName(team, study.study_id)

    first = _suggest(suggestions, name, 5, "a")
    again = _suggest(suggestions, name, 5, "a")

    assert [t.number for t in first.trials] == [1, 2, 3], "capped by the quota"
    assert [t.number for t in again.trials] == [1, 2, 3]
    with pytest.raises(ResourceExhausted):
        _suggest(suggestions, name, 1, "b")


def test_a_grid_cut_short_by_the_trial_quota_goes_on_where_it_stopped(
    store: Store, clock: Clock, suggestions: SuggestionUseCase
) -> None:
    team = f"t-{uuid.uuid4().hex[:8]}"
    teams = TeamUseCases(store, clock)
    teams.create_team(team, TeamQuotas(max_trials_per_study=3))
    grid = dataclasses.replace(
        SPEC,
        parameters=(ParameterSpec.integer("n", 1, 5),),
        algorithm=Algorithm.GRID_SEARCH,
    )
    study = StudyUseCases(store, clock).create_study(TeamName(team), "grid", grid)
    name = StudyName(team, study.study_id)

    first = _suggest(suggestions, name, 5, "a")
    teams.set_quotas(team, TeamQuotas(max_trials_per_study=100))
    rest = _suggest(suggestions, name, 10, "b")

    assert [t.parameters["n"] for t in first.trials] == [1, 2, 3]
    assert [t.parameters["n"] for t in rest.trials] == [4, 5]


def _stopped_trial_past_its_lease(
    store: Store, clock: Clock, suggestions: SuggestionUseCase, spec: StudySpec
) -> tuple[StudyName, int]:
    """A study whose one trial is STOPPING with a measurement of 0.9, its lease spent."""
    name = _new_study(store, clock, spec)
    (trial,) = _suggest(suggestions, name, 1, "a").trials
    TrialUseCases(store, clock).add_measurement(
        name.trial(trial.number), Measurement({"loss": 0.9}, step=1), "a"
    )
    engine = Engine(EngineOptions(device="cpu"))
    with ThreadPoolExecutor(1) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        stopping = StoppingUseCases(store, clock, engine, Runner(store_pool, engine_pool))
        stopping.stop(name.trial(trial.number))
    clock.advance(spec.lease_seconds + 1)
    return name, trial.number


def test_a_stopped_trials_result_sent_as_another_worker_asks_is_kept(
    store: Store, clock: Clock, suggestions: SuggestionUseCase
) -> None:
    name, number = _stopped_trial_past_its_lease(store, clock, suggestions, SPEC)
    completing, asked = threading.Event(), threading.Event()

    def complete_slowly() -> None:
        """CompleteTrial's writes with a result of 0.1, committed once the other
        worker's suggestion is under way (waiting for this row, on PostgreSQL)."""
        with store.transaction(write=True) as tx:
            record = tx.study(name)
            trial = tx.trial(record.pk, name.trial(number), lock=True)
            outcome = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": 0.1}))
            tx.finish_trial(trial.pk, outcome, clock())
            completing.set()
            asked.wait(timeout=30)
            time.sleep(0.3)  # meanwhile the suggestion reads the trial as STOPPING

    worker = threading.Thread(target=complete_slowly)
    worker.start()
    assert completing.wait(timeout=30)
    asked.set()
    _suggest(suggestions, name, 1, "b")
    worker.join(timeout=30)

    trial = TrialUseCases(store, clock).get_trial(name.trial(number))
    assert trial.state is TrialState.COMPLETED
    assert trial.final_measurement is not None
    assert trial.final_measurement.metrics == {"loss": 0.1}


def test_a_budget_spent_by_an_abandoned_stopped_trial_completes_the_study(
    store: Store, clock: Clock, suggestions: SuggestionUseCase
) -> None:
    spec = dataclasses.replace(SPEC, max_trials=1)
    name, number = _stopped_trial_past_its_lease(store, clock, suggestions, spec)

    answer = _suggest(suggestions, name, 1, "b")

    assert answer.trials == []
    assert answer.study_state is StudyState.COMPLETED
    trial = TrialUseCases(store, clock).get_trial(name.trial(number))
    assert trial.state is TrialState.COMPLETED
    assert trial.final_measurement is not None
    assert trial.final_measurement.metrics == {"loss": 0.9}, "its last measurement"
    assert StudyUseCases(store, clock).get_study(name).state is StudyState.COMPLETED


def test_a_spent_study_left_active_with_nothing_pending_completes_on_the_next_ask(
    store: Store, clock: Clock, suggestions: SuggestionUseCase
) -> None:
    # What a CompleteTrial that read the study just before a suggestion spent its
    # budget leaves behind: the budget spent, nothing pending, the study ACTIVE.
    name = _new_study(store, clock, dataclasses.replace(SPEC, max_trials=1))
    (trial,) = _suggest(suggestions, name, 1, "a").trials
    with store.transaction(write=True) as tx:
        record = tx.study(name)
        trial_pk = tx.trial(record.pk, name.trial(trial.number)).pk
        outcome = TrialOutcome(TrialState.COMPLETED, Measurement({"loss": 1.0}))
        tx.finish_trial(trial_pk, outcome, clock())
        tx.update_study(record.pk, clock(), StudyChanges(exhausted_reason=MAX_TRIALS_REACHED))
    assert StudyUseCases(store, clock).get_study(name).state is StudyState.ACTIVE

    answer = _suggest(suggestions, name, 1, "a")

    assert answer.trials == []
    assert answer.study_state is StudyState.COMPLETED
    assert StudyUseCases(store, clock).get_study(name).state is StudyState.COMPLETED


class RecordingEngine(Engine):
    """The engine, reading every study's history, keeping the requests it was given."""

    def __init__(self) -> None:
        super().__init__(EngineOptions(device="cpu"))
        self.requests: list[SuggestionRequest] = []

    def uses_history(self, spec: StudySpec) -> bool:
        return True

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        self.requests.append(request)
        return super().suggest(request)


def test_a_trial_finishing_while_the_snapshot_is_read_is_in_it(
    store: Store, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The snapshot reads the finished trials, then the pending ones: on PostgreSQL, each
    # statement on its own, a trial finishing in between was in neither.
    name = _new_study(store, clock)
    engine = RecordingEngine()
    trials = TrialUseCases(store, clock)
    with ThreadPoolExecutor(2) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        suggestions = SuggestionUseCase(store, engine, clock, Runner(store_pool, engine_pool))
        [held] = _suggest(suggestions, name, 1, "w1").trials
        read_finished = SqlTrials.trial_results

        def finished_meanwhile(tx: SqlTrials, study_pk: int, states: Any) -> Any:
            results = read_finished(tx, study_pk, states)
            if tuple(states) == FINISHED_STATES:  # then, on another connection:
                complete = threading.Thread(
                    target=trials.complete_trial,
                    args=(name.trial(held.number), Measurement({"loss": 0.5}), False),
                )
                complete.start()
                complete.join(timeout=30)
            return results

        monkeypatch.setattr(SqlTrials, "trial_results", finished_meanwhile)
        _suggest(suggestions, name, 1, "w2")
    request = engine.requests[-1]
    assert len(request.completed) + len(request.pending) == 1, "the trial, before or after"
