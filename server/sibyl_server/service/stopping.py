"""Early stopping use cases: should this trial stop, and stopping it on request."""

from __future__ import annotations

from dataclasses import dataclass

from sibyl_server.domain.errors import FailedPrecondition, lease_lost
from sibyl_server.domain.names import TrialName
from sibyl_server.domain.study import StudySpec
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.engine.stopping import Curve, decide
from sibyl_server.service.use_case import StoreUseCases
from sibyl_server.store.interface import Transaction, TrialRecord

COMPARED_STATES = (TrialState.ACTIVE, TrialState.STOPPING, TrialState.COMPLETED)
METADATA_STOP_REASON = "sibyl.stop_reason"
"""Trial metadata: why the trial was stopped early, in words."""
METADATA_STOP_STEP = "sibyl.stop_step"
"""Trial metadata: the trial's last measured step when it was told to stop."""
ASKED_TO_STOP = "the trial was asked to stop (StopTrial)"


@dataclass(frozen=True)
class StoppingCheck:
    should_stop: bool
    reason: str
    trial: Trial
    lease_lost: bool = False


class StoppingUseCases(StoreUseCases):
    def check(self, name: TrialName, client_id: str = "") -> StoppingCheck:
        """Decides by the study's policy; a trial told to stop becomes STOPPING.

        A `client_id` that no longer holds the trial is told to drop it, and nothing
        changes.
        """
        with self._store.transaction(write=True) as tx:
            record, trial_record = tx.study_and_trial(name, lock=True)
            trial = trial_record.trial
            if trial.moved_away_from(client_id):
                return StoppingCheck(True, lease_lost(name).message, trial, lease_lost=True)
            if trial.state is TrialState.STOPPING:
                reason = trial.metadata.get(METADATA_STOP_REASON, ASKED_TO_STOP)
                return StoppingCheck(True, reason, trial)
            policy = record.study.spec.stopping
            if trial.state is not TrialState.ACTIVE or policy is None:
                return StoppingCheck(False, "", trial)
            curves = _curves(tx, record.pk, record.study.spec)
            mine = next((c for c in curves if c.number == trial.number), None)
            if mine is None:
                return StoppingCheck(False, "", trial)
            others = [c for c in curves if c.number != trial.number]
            decision = decide(policy, mine, others)
            if not decision.should_stop:
                return StoppingCheck(False, "", trial)
            stopped = self._mark_stopping(tx, record.pk, trial_record, name, decision.reason)
            return StoppingCheck(True, decision.reason, stopped)

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


def _curves(tx: Transaction, study_pk: int, spec: StudySpec) -> list[Curve]:
    """Every compared trial's curve of the first objective, signed larger-is-better."""
    objective = spec.objective
    sign = objective.sign()
    curves = []
    for history in tx.histories(study_pk, COMPARED_STATES):
        points = [
            (m.step, m.metrics[objective.name])
            for m in history.measurements
            if objective.name in m.metrics
        ]
        final_value = _final_value(history.state, history.final, objective.name)
        curves.append(
            Curve(
                number=history.number,
                steps=tuple(step for step, _ in points),
                values=tuple(sign * value for _, value in points),
                final=None if final_value is None else sign * final_value,
            )
        )
    return curves


def _final_value(state: TrialState, final: Measurement | None, metric: str) -> float | None:
    if state is not TrialState.COMPLETED or final is None:
        return None
    return final.metrics.get(metric)
