"""Early stopping use cases: should this trial stop, and stopping it on request.

Every rule but MODEL decides from the trials' curves in the check's transaction. The
MODEL rule asks the fidelity GP at the rungs: the check reads the study's snapshot,
the engine's threads compute the trial's prospect, and a second transaction stops the
trial if it is still running for the caller (docs/fidelity.md).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace

from sibyl_server.domain.errors import FailedPrecondition, lease_lost
from sibyl_server.domain.names import TrialName
from sibyl_server.domain.optimality import is_feasible
from sibyl_server.domain.study import EarlyStoppingPolicy, EarlyStoppingRule, StudySpec
from sibyl_server.domain.trial import Trial, TrialState
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import Parameters, SuggestionRequest
from sibyl_server.engine.stopping import Curve, decide, model_rule, new_rung
from sibyl_server.service.runner import Runner
from sibyl_server.service.suggestions import (
    fidelity_points,
    finished_observations,
    measured_curve,
)
from sibyl_server.service.use_case import Clock, StoreUseCases
from sibyl_server.store.interface import Store, Transaction, TrialRecord

COMPARED_STATES = (TrialState.ACTIVE, TrialState.STOPPING, TrialState.COMPLETED)
METADATA_STOP_REASON = "sibyl.stop_reason"
"""Trial metadata: why the trial was stopped early, in words."""
METADATA_STOP_STEP = "sibyl.stop_step"
"""Trial metadata: the trial's last measured step when it was told to stop."""
ASKED_TO_STOP = "the trial was asked to stop (StopTrial)"
MODEL_ANSWER_SECONDS = 10.0
"""The MODEL rule's longest wait for the engine; past it the trial goes on."""


@dataclass(frozen=True)
class StoppingCheck:
    should_stop: bool
    reason: str
    trial: Trial
    lease_lost: bool = False


@dataclass(frozen=True)
class _ModelQuestion:
    """What the MODEL rule asks the engine about a trial that just reached `rung`."""

    policy: EarlyStoppingPolicy
    rung: int
    request: SuggestionRequest
    parameters: Parameters


class StoppingUseCases(StoreUseCases):
    def __init__(self, store: Store, clock: Clock, engine: Engine, runner: Runner) -> None:
        super().__init__(store, clock)
        self._engine = engine
        self._runner = runner

    async def check(self, name: TrialName, client_id: str = "") -> StoppingCheck:
        """Decides by the study's policy; a trial told to stop becomes STOPPING.

        A `client_id` that no longer holds the trial is told to drop it, and nothing
        changes.
        """
        check, question = await self._runner.in_store(self._check, name, client_id)
        if question is None:
            return check
        computing = self._runner.in_engine(
            self._engine.final_prospect, question.request, question.parameters
        )
        try:
            # The engine's threads may be busy with suggestion steps: a worker waiting
            # for its answer is told to go on rather than kept past its deadline. Its
            # computation is cancelled unless it started: one still queued would run
            # for nobody and delay the suggestions queued behind it.
            prospect = await asyncio.wait_for(computing, MODEL_ANSWER_SECONDS)
        except TimeoutError:
            return check
        if prospect is None:
            return check
        decision = model_rule(question.policy, question.rung, prospect.probability, prospect.spread)
        if not decision.should_stop:
            return check
        return await self._runner.in_store(self._stop_running, name, client_id, decision.reason)

    def _check(
        self, name: TrialName, client_id: str
    ) -> tuple[StoppingCheck, _ModelQuestion | None]:
        """The check by the curves, or for the MODEL rule at a rung, the question."""
        with self._store.transaction(write=True) as tx:
            record, trial_record = tx.study_and_trial(name, lock=True)
            trial = trial_record.trial
            settled = _settled(name, trial, client_id)
            if settled is not None:
                return settled, None
            spec = record.study.spec
            policy = spec.stopping
            if trial.state is not TrialState.ACTIVE or policy is None:
                return StoppingCheck(False, "", trial), None
            if policy.rule is EarlyStoppingRule.MODEL:
                # Its own curve says whether a rung was reached: no other trial is read
                # between rungs.
                mine = measured_curve(trial, spec.objective.name)
                return StoppingCheck(False, "", trial), _question(tx, name, trial, mine)
            curves = _curves(tx, record.pk, spec)
            mine = next((c for c in curves if c.number == trial.number), None)
            if mine is None:
                return StoppingCheck(False, "", trial), None
            others = [c for c in curves if c.number != trial.number]
            max_step = spec.fidelity.max_step if spec.fidelity else None
            decision = decide(policy, mine, others, max_step)
            if not decision.should_stop:
                return StoppingCheck(False, "", trial), None
            stopped = self._mark_stopping(tx, record.pk, trial_record, name, decision.reason)
            return StoppingCheck(True, decision.reason, stopped), None

    def _stop_running(self, name: TrialName, client_id: str, reason: str) -> StoppingCheck:
        """Stops the trial for `reason` unless, since the check, it ended, was stopped
        or moved to another worker."""
        with self._store.transaction(write=True) as tx:
            record, trial_record = tx.study_and_trial(name, lock=True)
            trial = trial_record.trial
            settled = _settled(name, trial, client_id)
            if settled is not None:
                return settled
            if trial.state is not TrialState.ACTIVE:
                return StoppingCheck(False, "", trial)
            stopped = self._mark_stopping(tx, record.pk, trial_record, name, reason)
            return StoppingCheck(True, reason, stopped)

    def stop(self, name: TrialName) -> Trial:
        with self._store.transaction(write=True) as tx:
            record, trial_record = tx.study_and_trial(name, lock=True)
            if trial_record.trial.state is TrialState.STOPPING:
                return trial_record.trial
            if trial_record.trial.state is not TrialState.ACTIVE:
                raise FailedPrecondition(
                    f"trial {name} is {trial_record.trial.state.value}: only ACTIVE trials "
                    "can be stopped",
                    reason="TRIAL_NOT_ACTIVE",
                )
            return self._mark_stopping(tx, record.pk, trial_record, name, ASKED_TO_STOP)

    def _mark_stopping(
        self,
        tx: Transaction,
        study_pk: int,
        trial_record: TrialRecord,
        name: TrialName,
        reason: str,
    ) -> Trial:
        trial = trial_record.trial
        step = trial.measurements[-1].step if trial.measurements else 0
        metadata = {**trial.metadata, METADATA_STOP_REASON: reason, METADATA_STOP_STEP: str(step)}
        tx.mark_stopping(trial_record.pk, metadata, self._clock())
        return tx.trial(study_pk, name).trial


def _settled(name: TrialName, trial: Trial, client_id: str) -> StoppingCheck | None:
    """The answer for a trial the caller no longer holds or that is already stopping;
    None for any other."""
    if trial.moved_away_from(client_id):
        return StoppingCheck(True, lease_lost(name).message, trial, lease_lost=True)
    if trial.state is TrialState.STOPPING:
        return StoppingCheck(True, trial.metadata.get(METADATA_STOP_REASON, ASKED_TO_STOP), trial)
    return None


def _question(tx: Transaction, name: TrialName, trial: Trial, mine: Curve) -> _ModelQuestion | None:
    """The MODEL rule's question when the trial's newest measurement reached a rung;
    None between rungs (nothing to decide)."""
    record, engine_state = tx.study_and_engine_state(name.parent)
    spec = record.study.spec
    assert spec.stopping is not None and spec.fidelity is not None
    rung = new_rung(spec.stopping, mine, spec.fidelity.max_step)
    if rung is None:
        return None
    request = SuggestionRequest(
        spec=spec,
        completed=finished_observations(tx, record.pk),
        pending=[],
        count=1,
        seed=spec.seed or 0,
        state=engine_state,
        fidelity_points=fidelity_points(tx, record.pk, spec),
    )
    return _ModelQuestion(spec.stopping, rung, request, trial.parameters)


def _curves(tx: Transaction, study_pk: int, spec: StudySpec) -> list[Curve]:
    """Every compared trial's curve of the first objective, signed larger-is-better.

    A completed trial that broke an outcome constraint is left out: it cannot be the
    best, so it neither sets the bar nor takes a survivor's place.
    """
    objective = spec.objective
    sign = objective.sign()
    curves = []
    for history in tx.histories(study_pk, COMPARED_STATES):
        finished = history.state is TrialState.COMPLETED and history.final is not None
        if finished and not is_feasible(spec, history.final.metrics):
            continue
        final_value = history.final.metrics.get(objective.name) if finished else None
        final = None if final_value is None else sign * final_value
        curves.append(replace(measured_curve(history, objective.name, sign), final=final))
    return curves
