"""The use cases' rules, on the in-memory store (the gRPC tests cover the mapping)."""

from __future__ import annotations

import asyncio
import dataclasses
import math
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from sibyl_server.domain.errors import FailedPrecondition, InvalidArgument
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import (
    EarlyStoppingRule,
    Fidelity,
    Goal,
    MetricSpec,
    OutcomeConstraint,
    Study,
    StudyState,
    stopping_policy,
)
from sibyl_server.domain.team import Role, TeamQuotas
from sibyl_server.domain.trial import Measurement, TrialState
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import Parameters, SuggestionRequest
from sibyl_server.engine.options import EngineOptions
from sibyl_server.service import stopping as stopping_module
from sibyl_server.service.runner import Runner
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUpdate, StudyUseCases
from sibyl_server.service.suggestions import SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.service.trials import TrialUseCases
from sibyl_server.store.memory import MemoryStore
from tests.server.service.conftest import SPEC, TEAM, Clock


def test_a_retried_create_study_returns_the_first_study(studies: StudyUseCases) -> None:
    first = studies.create_study(TEAM, "s", SPEC, request_id="r-1")
    again = studies.create_study(TEAM, "s", SPEC, request_id="r-1")
    assert again == first
    assert [s.study_id for s in studies.list_studies(TEAM, 10, "").studies] == ["s"]


def test_a_bad_spec_writes_nothing(studies: StudyUseCases) -> None:
    bad = dataclasses.replace(SPEC, lease_seconds=float("nan"))
    with pytest.raises(InvalidArgument) as caught:
        studies.create_study(TEAM, "s", bad)
    assert caught.value.field.startswith("study.spec")
    assert studies.list_studies(TEAM, 10, "").studies == []


def test_raising_the_budget_of_a_completed_study_reactivates_it(
    studies: StudyUseCases, trials: TrialUseCases, suggestions: SuggestionUseCase
) -> None:
    study = studies.create_study(TEAM, "s", dataclasses.replace(SPEC, max_trials=1))
    name = StudyName(TEAM.team, study.study_id)
    [trial] = asyncio.run(suggestions.suggest(name, 1, "w")).trials
    trials.complete_trial(name.trial(trial.number), Measurement({"loss": 1.0}), False)
    assert studies.get_study(name).state is StudyState.COMPLETED
    with pytest.raises(FailedPrecondition) as caught:
        studies.update_study_state(name, StudyState.ACTIVE)
    assert caught.value.reason == "STUDY_EXHAUSTED"
    assert studies.update_study(name, StudyUpdate(max_trials=3)).state is StudyState.ACTIVE
    assert len(asyncio.run(suggestions.suggest(name, 2, "w")).trials) == 2


def test_an_expired_lease_taken_over_shuts_the_old_holder_out(
    studies: StudyUseCases, trials: TrialUseCases, suggestions: SuggestionUseCase, clock: Clock
) -> None:
    name = StudyName(TEAM.team, studies.create_study(TEAM, "s", SPEC).study_id)
    [trial] = asyncio.run(suggestions.suggest(name, 1, "old")).trials
    trial_name = name.trial(trial.number)
    trials.add_measurement(trial_name, Measurement({"loss": 3.0}, step=1), "old")
    clock.advance(SPEC.lease_seconds + 1)
    [taken] = asyncio.run(suggestions.suggest(name, 1, "new")).trials
    assert (taken.number, taken.client_id, taken.measurements) == (trial.number, "new", ())
    with pytest.raises(FailedPrecondition) as caught:
        trials.add_measurement(trial_name, Measurement({"loss": 2.0}, step=2), "old")
    assert caught.value.reason == "LEASE_LOST"
    with pytest.raises(FailedPrecondition):
        trials.complete_trial(trial_name, Measurement({"loss": 0.1}), False, client_id="old")
    done = trials.complete_trial(trial_name, Measurement({"loss": 0.5}), False, client_id="new")
    assert done.state is TrialState.COMPLETED
    assert done.final_measurement is not None and done.final_measurement.metrics == {"loss": 0.5}


def test_a_retried_create_token_leaves_one_working_token(teams: TeamUseCases) -> None:
    teams.create_team("acme", TeamQuotas())
    first, first_secret = teams.create_token(TEAM, Role.READER, "ci", None, "req-7")
    second, second_secret = teams.create_token(TEAM, Role.READER, "ci", None, "req-7")
    assert second.token_id != first.token_id
    tokens = {t.token_id: t for t in teams.list_tokens(TEAM, 10, "").tokens}
    assert tokens[first.token_id].revoke_time is not None
    assert tokens[second.token_id].revoke_time is None
    assert teams.authenticate(second_secret).team == "acme"
    with pytest.raises(Exception, match="revoked"):
        teams.authenticate(first_secret)
    # Another request id, or none, makes another token.
    third, _ = teams.create_token(TEAM, Role.READER, "ci", None, "req-8")
    assert third.token_id not in tokens


def test_a_trial_that_broke_a_constraint_sets_no_bar_for_the_learning_curve(
    studies: StudyUseCases,
    trials: TrialUseCases,
    suggestions: SuggestionUseCase,
    stopping: StoppingUseCases,
) -> None:
    """The best final value is among the trials that met the constraints."""
    policy = stopping_policy(EarlyStoppingRule.LEARNING_CURVE, final_step=20, min_trials=1)
    spec = dataclasses.replace(
        SPEC,
        metrics=(
            MetricSpec("acc", Goal.MAXIMIZE),
            MetricSpec("mem_gb", constraint=OutcomeConstraint(upper_bound=8.0)),
        ),
        early_stopping=policy,
    )
    name = StudyName(TEAM.team, studies.create_study(TEAM, "s", spec).study_id)
    broke, met, running = asyncio.run(suggestions.suggest(name, 3, "w")).trials
    for trial, acc, memory in ((broke, 0.99, 32.0), (met, 0.80, 4.0)):
        final = Measurement({"acc": acc, "mem_gb": memory})
        trials.complete_trial(name.trial(trial.number), final, False, client_id="w")
    # Heading to about 0.9: worse than the trial that broke the constraint, better
    # than every trial that met it.
    for step in range(1, 7):
        value = 0.95 - 0.6 * math.exp(-step / 6)
        trials.add_measurement(name.trial(running.number), Measurement({"acc": value}, step), "w")
        check = asyncio.run(stopping.check(name.trial(running.number), "w"))
        assert not check.should_stop, check.reason


def test_a_stopped_trial_records_why_and_where(
    studies: StudyUseCases,
    trials: TrialUseCases,
    suggestions: SuggestionUseCase,
    stopping: StoppingUseCases,
) -> None:
    name = StudyName(TEAM.team, studies.create_study(TEAM, "s", SPEC).study_id)
    [trial] = asyncio.run(suggestions.suggest(name, 1, "w")).trials
    trial_name = name.trial(trial.number)
    trials.add_measurement(trial_name, Measurement({"loss": 2.0}, step=4), "w")
    stopped = stopping.stop(trial_name)
    assert stopped.metadata["sibyl.stop_reason"] == "the trial was asked to stop (StopTrial)"
    assert stopped.metadata["sibyl.stop_step"] == "4"
    assert stopped.metadata["sibyl.algorithm"] == "RANDOM_SEARCH"
    check = asyncio.run(stopping.check(trial_name, "w"))
    assert (check.should_stop, check.reason) == (True, "the trial was asked to stop (StopTrial)")
    done = trials.complete_trial(trial_name, None, False, client_id="w")
    assert done.state is TrialState.COMPLETED
    assert done.metadata["sibyl.stop_step"] == "4"


class SlowProspects(Engine):
    """The real engine, whose fidelity prospects take `seconds` each (counted)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(EngineOptions(device="cpu"))
        self.seconds = seconds
        self.computed = 0

    def final_prospect(self, request: SuggestionRequest, parameters: Parameters) -> None:
        time.sleep(self.seconds)
        self.computed += 1


def test_model_checks_past_their_wait_leave_no_computation_queued(
    store: MemoryStore,
    studies: StudyUseCases,
    trials: TrialUseCases,
    suggestions: SuggestionUseCase,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Each check waits 0.1 s for a 1 s computation: the ones still queued are dropped."""
    monkeypatch.setattr(stopping_module, "MODEL_ANSWER_SECONDS", 0.1)
    policy = stopping_policy(EarlyStoppingRule.MODEL)
    spec = dataclasses.replace(SPEC, fidelity=Fidelity(9), early_stopping=policy)
    name = StudyName(TEAM.team, studies.create_study(TEAM, "s", spec).study_id)
    [trial] = asyncio.run(suggestions.suggest(name, 1, "w")).trials
    trials.add_measurement(name.trial(trial.number), Measurement({"loss": 1.0}, step=1), "w")
    engine = SlowProspects(1.0)
    with ThreadPoolExecutor(1) as store_pool, ThreadPoolExecutor(1) as engine_pool:
        stopping = StoppingUseCases(store, clock, engine, Runner(store_pool, engine_pool))

        async def five_checks() -> list[bool]:
            checks = [stopping.check(name.trial(trial.number), "w") for _ in range(5)]
            return [c.should_stop for c in await asyncio.gather(*checks)]

        assert asyncio.run(five_checks()) == [False] * 5  # each told to go on
    assert engine.computed == 1  # the one that had started; four were never run


def test_a_study_stored_under_looser_checks_can_still_be_updated(
    store: MemoryStore, studies: StudyUseCases, clock: Clock
) -> None:
    """A spec an earlier release accepted (a reduction factor of 1000) and later checks
    refuse: renaming it, or giving it a budget, checks only what changes."""
    policy = stopping_policy(EarlyStoppingRule.SUCCESSIVE_HALVING, reduction_factor=1000)
    stored = Study(
        TEAM.team, "old", dataclasses.replace(SPEC, early_stopping=policy), StudyState.ACTIVE,
        create_time=clock(), update_time=clock(),
    )  # fmt: skip
    with store.transaction(write=True) as tx:
        tx.insert_study(stored, None)
    name = StudyName(TEAM.team, "old")
    updated = studies.update_study(name, StudyUpdate(display_name="renamed", max_trials=20))
    assert (updated.display_name, updated.spec.max_trials) == ("renamed", 20)
    with pytest.raises(InvalidArgument) as caught:
        studies.update_study(name, StudyUpdate(lease_seconds=float("nan")))
    assert caught.value.field == "study.spec.trial_lease"
