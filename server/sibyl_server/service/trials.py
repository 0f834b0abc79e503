"""Trial use cases that never wait for the engine: create, read, measure, complete."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping
from operator import attrgetter

from sibyl_server.domain.errors import FailedPrecondition, InvalidArgument, lease_lost
from sibyl_server.domain.names import StudyName, TrialName
from sibyl_server.domain.optimality import is_feasible, optimal_trials
from sibyl_server.domain.study import ParameterValue, StudySpec, StudyState
from sibyl_server.domain.trial import Measurement, Trial, TrialState, TrialView
from sibyl_server.domain.validation import (
    MAX_REASON_LENGTH,
    check_measurement,
    check_metadata,
    check_parameters,
    check_text,
)
from sibyl_server.engine.interface import METADATA_ALGORITHM
from sibyl_server.service.lifecycle import (
    FINISHED_STATES,
    complete_if_done,
    exhausted_reason_after,
)
from sibyl_server.service.pagination import (
    cut_page,
    decode_page_token,
    fingerprint,
    page_size,
)
from sibyl_server.service.quotas import trials_allowed
from sibyl_server.service.use_case import StoreUseCases
from sibyl_server.store.interface import (
    StudyChanges,
    StudyRecord,
    Transaction,
    TrialOutcome,
    TrialRecord,
)

DEFAULT_TRIAL_PAGE_SIZE = 100
USER_ALGORITHM = "USER"
CREATABLE_STATES = (TrialState.REQUESTED, TrialState.COMPLETED, TrialState.INFEASIBLE)


@dataclasses.dataclass(frozen=True)
class NewTrial:
    """A trial a user adds with CreateTrial."""

    parameters: Mapping[str, ParameterValue]
    state: TrialState
    final_measurement: Measurement | None = None
    infeasibility_reason: str = ""
    metadata: Mapping[str, str] = dataclasses.field(default_factory=dict)
    measurements: tuple[Measurement, ...] = ()


@dataclasses.dataclass(frozen=True)
class OptimalTrials:
    trials: list[Trial]
    feasible_count: int
    completed_count: int


@dataclasses.dataclass(frozen=True)
class TrialPage:
    trials: list[Trial]
    next_page_token: str


class TrialUseCases(StoreUseCases):
    def create_trial(self, parent: StudyName, new: NewTrial, request_id: str = "") -> Trial:
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            # Under the study's row lock, which numbering the trial takes anyway: read
            # before it, the budget could be spent by a concurrent call in between and
            # the trial numbered past `max_trials`.
            record, quotas = tx.study_and_quotas(parent, lock=True)
            if request_id:
                existing = tx.trial_by_request_id(record.pk, request_id)
                if existing is not None:
                    return existing.trial
            trial = self._build_trial(record, new, now)
            if record.exhausted_reason:
                raise FailedPrecondition(
                    f"study {parent} takes no more trials ({record.exhausted_reason})",
                    reason="STUDY_EXHAUSTED",
                )
            number = tx.allocate_trial_numbers(record.pk, 1)
            # Checked against the number just taken under the row's lock: a count read
            # before it would let two concurrent calls both pass at the quota's edge.
            trials_allowed(quotas, parent.team, number - 1, 1)
            trial = dataclasses.replace(trial, number=number)
            trial_pk = tx.insert_trial(record.pk, trial, request_id or None)
            for measurement in trial.measurements:
                tx.insert_measurement(trial_pk, measurement)
            exhausted = exhausted_reason_after(record.study.spec, number, "")
            if exhausted:
                tx.update_study(record.pk, now, StudyChanges(exhausted_reason=exhausted))
                complete_if_done(tx, record, exhausted, now)
            return trial

    def _build_trial(self, record: StudyRecord, new: NewTrial, now: float) -> Trial:
        spec = record.study.spec
        parameters = check_parameters(spec, new.parameters, "trial.parameters")
        check_metadata(new.metadata, "trial.metadata")
        if new.state not in CREATABLE_STATES:
            raise InvalidArgument("trial.state", "must be REQUESTED, COMPLETED or INFEASIBLE")
        if new.state is TrialState.COMPLETED:
            if new.final_measurement is None:
                raise InvalidArgument("trial.final_measurement", "required for a COMPLETED trial")
            check_measurement(spec, new.final_measurement, "trial.final_measurement", final=True)
        elif new.final_measurement is not None:
            raise InvalidArgument("trial.final_measurement", "only COMPLETED trials have one")
        if new.state is TrialState.REQUESTED and record.study.state is StudyState.COMPLETED:
            raise FailedPrecondition(
                f"study {record.name} is completed: no trial can be queued",
                reason="STUDY_NOT_ACTIVE",
            )
        reason = check_text(
            new.infeasibility_reason, MAX_REASON_LENGTH, "trial.infeasibility_reason"
        )
        _check_history(spec, new)
        finished = new.state in FINISHED_STATES
        return Trial(
            number=0,
            parameters=parameters,
            state=new.state,
            final_measurement=new.final_measurement,
            infeasibility_reason=reason if new.state is TrialState.INFEASIBLE else "",
            metadata={**new.metadata, METADATA_ALGORITHM: USER_ALGORITHM},
            measurements=new.measurements,
            create_time=now,
            complete_time=now if finished else None,
            update_time=now,
        )

    def get_trial(self, name: TrialName) -> Trial:
        with self._store.transaction(write=False) as tx:
            return tx.study_and_trial(name)[1].trial

    def list_trials(
        self,
        parent: StudyName,
        states: Collection[TrialState],
        requested_size: int,
        token: str,
        view: TrialView = TrialView.FULL,
    ) -> TrialPage:
        size = page_size(requested_size, DEFAULT_TRIAL_PAGE_SIZE)
        # FULL adds nothing: the tokens of servers from before views stay valid.
        views = [view.value] if view is not TrialView.FULL else []
        request_fingerprint = fingerprint(str(parent), sorted(s.value for s in states), *views)
        after = decode_page_token(token, request_fingerprint)
        with self._store.transaction(write=False) as tx:
            study_pk = tx.study(parent).pk
            records = tx.trials(
                study_pk,
                states=states,
                after_number=after,
                limit=size + 1,
                with_measurements=view.with_measurements,
            )
        number = attrgetter("trial.number")
        page, next_token = cut_page(records, size, number, request_fingerprint)
        return TrialPage([r.trial for r in page], next_token)

    def add_measurement(
        self, name: TrialName, measurement: Measurement, client_id: str = ""
    ) -> Trial:
        """Records an intermediate measurement and renews the lease.

        With `client_id`, only the worker holding the trial may report (fencing).
        """
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record, trial_record = _held_trial(tx, name, client_id)
            trial = trial_record.trial
            if trial.state not in (TrialState.ACTIVE, TrialState.STOPPING):
                raise FailedPrecondition(
                    f"trial {name} is {trial.state.value}: only ACTIVE or STOPPING trials "
                    "take measurements",
                    reason="TRIAL_NOT_ACTIVE",
                )
            check_measurement(record.study.spec, measurement, "measurement", final=False)
            if not _is_resent(trial.measurements, measurement):
                _check_step_increases(trial, measurement)
                tx.insert_measurement(trial_record.pk, measurement)
                trial = dataclasses.replace(trial, measurements=(*trial.measurements, measurement))
            if trial.state is TrialState.ACTIVE:
                lease = now + record.study.spec.lease_seconds
                tx.renew_lease(trial_record.pk, lease, now)
                trial = dataclasses.replace(trial, lease_expire_time=lease, update_time=now)
            return trial

    def complete_trial(
        self,
        name: TrialName,
        final: Measurement | None,
        infeasible: bool,
        infeasibility_reason: str = "",
        client_id: str = "",
    ) -> Trial:
        check_text(infeasibility_reason, MAX_REASON_LENGTH, "infeasibility_reason")
        if infeasible and final is not None:
            raise InvalidArgument("final_measurement", "must be unset when trial_infeasible")
        if infeasibility_reason and not infeasible:
            raise InvalidArgument("infeasibility_reason", "only with trial_infeasible")
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record, trial_record = _held_trial(tx, name, client_id)
            trial = trial_record.trial
            spec = record.study.spec
            if not infeasible:
                final = _resolve_final(spec, trial, final)
            if trial.state.is_finished:
                _check_same_result(trial, final, infeasible, infeasibility_reason)
                return trial
            finished = self._finish(tx, trial_record, final, infeasible, infeasibility_reason, now)
            complete_if_done(tx, record, record.exhausted_reason, now)
            return finished

    @staticmethod
    def _finish(
        tx: Transaction,
        trial_record: TrialRecord,
        final: Measurement | None,
        infeasible: bool,
        reason: str,
        now: float,
    ) -> Trial:
        outcome = TrialOutcome(
            TrialState.INFEASIBLE if infeasible else TrialState.COMPLETED, final, reason
        )
        tx.finish_trial(trial_record.pk, outcome, now)
        return dataclasses.replace(
            trial_record.trial,
            state=outcome.state,
            final_measurement=final,
            infeasibility_reason=reason,
            complete_time=now,
            lease_expire_time=None,
            update_time=now,
        )

    def optimal_trials(self, parent: StudyName) -> OptimalTrials:
        """The best feasible COMPLETED trials (see domain.optimality), with counts."""
        with self._store.transaction(write=False) as tx:
            record = tx.study(parent)
            completed = tx.trials(
                record.pk, states=(TrialState.COMPLETED,), with_measurements=False
            )
            spec = record.study.spec
            trials = [r.trial for r in completed]
            best = optimal_trials(spec, trials)
            # Whole, as GetTrial returns them: only the few optimal ones are read so.
            best = [tx.trial(record.pk, parent.trial(t.number)).trial for t in best]
        feasible = sum(
            1
            for t in trials
            if t.final_measurement is not None and is_feasible(spec, t.final_measurement.metrics)
        )
        return OptimalTrials(best, feasible, len(trials))


def _check_history(spec: StudySpec, new: NewTrial) -> None:
    """The learning curve of a finished trial: valid measurements by increasing step."""
    if new.measurements and new.state is TrialState.REQUESTED:
        raise InvalidArgument("trial.measurements", "only finished trials can bring some")
    previous: int | None = None
    for index, measurement in enumerate(new.measurements):
        field = f"trial.measurements[{index}]"
        check_measurement(spec, measurement, field, final=False)
        if previous is not None and measurement.step <= previous:
            raise InvalidArgument(f"{field}.step", "steps must increase")
        previous = measurement.step


def _is_resent(history: tuple[Measurement, ...], measurement: Measurement) -> bool:
    return bool(history) and history[-1] == measurement


def _check_step_increases(trial: Trial, measurement: Measurement) -> None:
    if trial.measurements and measurement.step <= trial.measurements[-1].step:
        raise FailedPrecondition(
            f"measurement step {measurement.step} is not after the last recorded step "
            f"{trial.measurements[-1].step}",
            reason="MEASUREMENT_STEP_NOT_INCREASING",
        )


def _held_trial(
    tx: Transaction, name: TrialName, client_id: str
) -> tuple[StudyRecord, TrialRecord]:
    """The study and the trial, locked; LEASE_LOST when `client_id` no longer holds it
    (fencing: a write from a worker whose trial moved on is refused)."""
    record, trial_record = tx.study_and_trial(name, lock=True)
    if trial_record.trial.moved_away_from(client_id):
        raise lease_lost(name)
    return record, trial_record


def _resolve_final(spec: StudySpec, trial: Trial, final: Measurement | None) -> Measurement:
    """The final measurement given, or else the trial's last intermediate one."""
    if final is not None:
        check_measurement(spec, final, "final_measurement", final=True)
        return final
    if trial.state.is_finished and trial.final_measurement is not None:
        return trial.final_measurement
    if not trial.measurements:
        raise FailedPrecondition(
            "final_measurement is unset and the trial has no measurement to complete with",
            reason="NO_MEASUREMENT",
        )
    last = trial.measurements[-1]
    try:
        check_measurement(spec, last, "final_measurement", final=True)
    except InvalidArgument as error:
        # Nothing the caller sent is wrong: what it asked for needs another measurement.
        raise FailedPrecondition(
            f"final_measurement is unset and the last measurement (step {last.step}) "
            f"cannot be the result ({error.description}): send a final_measurement",
            reason="LAST_MEASUREMENT_INCOMPLETE",
        ) from None
    return last


def _check_same_result(
    trial: Trial, final: Measurement | None, infeasible: bool, reason: str
) -> None:
    if infeasible:
        same = trial.state is TrialState.INFEASIBLE and trial.infeasibility_reason == reason
    else:
        same = trial.state is TrialState.COMPLETED and trial.final_measurement == final
    if not same:
        raise FailedPrecondition(
            f"trial {trial.number} is already {trial.state.value} with a different result",
            reason="TRIAL_ALREADY_COMPLETED",
        )
