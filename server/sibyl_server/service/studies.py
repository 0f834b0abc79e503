"""Study use cases: create, read, list, delete, change state."""

from __future__ import annotations

import dataclasses
import secrets
from operator import attrgetter

from sibyl_server.domain.errors import (
    AlreadyExists,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
    quoted,
    quoted_list,
    study_exists,
    study_not_found,
)
from sibyl_server.domain.names import StudyName, TeamName, check_resource_id, parse_study_name
from sibyl_server.domain.study import Study, StudySpec, StudyState, shared_parameters
from sibyl_server.domain.validation import (
    MAX_DISPLAY_NAME_LENGTH,
    check_request_id,
    check_spec,
    check_text,
    check_updatable,
)
from sibyl_server.service.lifecycle import (
    MAX_TRIALS_REACHED,
    PENDING_STATES,
    complete_if_done,
    exhausted_reason_after,
)
from sibyl_server.service.pagination import (
    cut_page,
    decode_page_token,
    fingerprint,
    page_size,
)
from sibyl_server.service.quotas import check_active_studies
from sibyl_server.service.use_case import Clock, StoreUseCases
from sibyl_server.store.interface import Store, StudyChanges, StudyRecord, Transaction

DEFAULT_STUDY_PAGE_SIZE = 50


@dataclasses.dataclass(frozen=True)
class StudyPage:
    studies: list[Study]
    next_page_token: str


@dataclasses.dataclass(frozen=True)
class StudyUpdate:
    """What UpdateStudy may change; None leaves a field as it is.

    Attributes:
        display_name: The new display name.
        max_trials: The new trial budget; 0 removes the budget.
        lease_seconds: The new trial lease.
    """

    display_name: str | None = None
    max_trials: int | None = None
    lease_seconds: float | None = None


class StudyUseCases(StoreUseCases):
    """Creating, reading, listing, updating and deleting studies.

    `stall_restarts` is the server's default for a GP_BANDIT study that may restart
    and whose spec leaves `stall_restarts` unset: fixed in its spec at creation, so
    that every replica runs the study alike whatever its own flags say.
    """

    def __init__(self, store: Store, clock: Clock, stall_restarts: bool = False) -> None:
        super().__init__(store, clock)
        self._stall_restarts = stall_restarts

    def create_study(
        self,
        parent: TeamName,
        study_id: str,
        spec: StudySpec,
        display_name: str = "",
        request_id: str = "",
    ) -> Study:
        check_resource_id(study_id, "study_id")
        check_spec(spec, "study.spec")
        check_text(display_name, MAX_DISPLAY_NAME_LENGTH, "study.display_name")
        check_request_id(request_id)
        if spec.seed is None:
            spec = dataclasses.replace(spec, seed=secrets.randbits(31))
        if spec.stall_restarts is None and spec.can_restart:
            spec = dataclasses.replace(spec, stall_restarts=self._stall_restarts)
        now = self._clock()
        study = Study(
            team=parent.team,
            study_id=study_id,
            spec=spec,
            state=StudyState.ACTIVE,
            display_name=display_name,
            create_time=now,
            update_time=now,
        )
        try:
            with self._store.transaction(write=True) as tx:
                if request_id:
                    earlier = tx.study_by_request_id(parent.team, request_id)
                    if earlier is not None:
                        return _retried(earlier.study, study_id)
                name = StudyName(parent.team, study_id)
                # First: a worker loading the study with create_or_load gets
                # ALREADY_EXISTS even at the team's quota or after a prior was deleted.
                _check_new(tx, name)
                check_active_studies(tx, parent.team)
                check_prior_studies(tx, name, spec)
                return tx.insert_study(study, request_id or None).study
        except (AlreadyExists, ResourceExhausted):
            # A concurrent call with the same request id (a client's retry) may have
            # inserted first: on PostgreSQL both looked before either wrote (the retry
            # then finds the study's id taken, or the team at its quota of active
            # studies once the first counts).
            earlier = self._by_request_id(parent, request_id)
            if earlier is None:
                raise
            return _retried(earlier, study_id)

    def _by_request_id(self, parent: TeamName, request_id: str) -> Study | None:
        if not request_id:
            return None
        with self._store.transaction(write=False) as tx:
            earlier = tx.study_by_request_id(parent.team, request_id)
        return earlier.study if earlier is not None else None

    def get_study(self, name: StudyName) -> Study:
        with self._store.transaction(write=False) as tx:
            return tx.study(name).study

    def list_studies(self, parent: TeamName, requested_size: int, token: str) -> StudyPage:
        size = page_size(requested_size, DEFAULT_STUDY_PAGE_SIZE)
        request_fingerprint = fingerprint(parent.team)
        after = decode_page_token(token, request_fingerprint)
        with self._store.transaction(write=False) as tx:
            records = tx.studies(parent.team, after, size + 1)
        page, next_token = cut_page(records, size, attrgetter("pk"), request_fingerprint)
        return StudyPage([r.study for r in page], next_token)

    def delete_study(self, name: StudyName, allow_missing: bool = False) -> None:
        with self._store.transaction(write=True) as tx:
            try:
                record = tx.study(name)
            except NotFound:
                if allow_missing:
                    return
                raise
            tx.delete_study(record.pk)

    def update_study_state(self, name: StudyName, state: StudyState) -> Study:
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record = tx.study(name, lock=True)
            if state is StudyState.ACTIVE and record.study.state is not StudyState.ACTIVE:
                _check_can_resume(tx, record)
                check_active_studies(tx, name.team)
            tx.update_study(record.pk, now, StudyChanges(state=state, state_reason=""))
            return tx.study(name).study

    def update_study(self, name: StudyName, update: StudyUpdate) -> Study:
        """Changes the display name, the trial budget or the lease of a study.

        A budget raised above the study's trial count lets it suggest again: a study
        that its budget completed becomes ACTIVE.
        """
        if update.display_name is not None:
            check_text(update.display_name, MAX_DISPLAY_NAME_LENGTH, "study.display_name")
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record = tx.study(name, lock=True)
            spec = _updated_spec(record.study.spec, update)
            check_updatable(spec, "study.spec")
            _check_budget_fits(record, spec)
            changes = StudyChanges(spec=spec, display_name=update.display_name)
            tx.update_study(record.pk, now, changes)
            self._rebudget(tx, record, spec, now)
            return tx.study(name).study

    def _rebudget(self, tx: Transaction, record: StudyRecord, spec: StudySpec, now: float) -> None:
        """Re-derives whether the budget is used up after `spec` replaced the spec."""
        count = record.study.trial_count
        budget_exhausted = exhausted_reason_after(spec, count, "") == MAX_TRIALS_REACHED
        reason = record.exhausted_reason
        if reason == MAX_TRIALS_REACHED and not budget_exhausted:
            tx.update_study(record.pk, now, StudyChanges(exhausted_reason=""))
            if (
                record.study.state is StudyState.COMPLETED
                and record.study.state_reason == MAX_TRIALS_REACHED
            ):
                check_active_studies(tx, record.name.team)
                tx.update_study(
                    record.pk, now, StudyChanges(state=StudyState.ACTIVE, state_reason="")
                )
        elif not reason and budget_exhausted:
            tx.update_study(record.pk, now, StudyChanges(exhausted_reason=MAX_TRIALS_REACHED))
            complete_if_done(tx, tx.study(record.name), MAX_TRIALS_REACHED, now)


def _updated_spec(spec: StudySpec, update: StudyUpdate) -> StudySpec:
    if update.max_trials is not None:
        spec = dataclasses.replace(spec, max_trials=update.max_trials or None)
    if update.lease_seconds is not None:
        spec = dataclasses.replace(spec, lease_seconds=update.lease_seconds)
    return spec


def _check_budget_fits(record: StudyRecord, spec: StudySpec) -> None:
    count = record.study.trial_count
    if spec.max_trials is not None and spec.max_trials < count:
        raise FailedPrecondition(
            f"study {record.name} has {count} trials already: max_trials must be at least {count}",
            reason="MAX_TRIALS_BELOW_TRIAL_COUNT",
            metadata={"trial_count": str(count)},
        )


def check_prior_studies(tx: Transaction, name: StudyName, spec: StudySpec) -> None:
    """Each prior is another study of `name`'s team that can inform it: sharing a
    parameter, with the objective it stands for. One store read per prior.

    A study of another team is NOT_FOUND, as one that does not exist: a team never
    learns what another team's studies are called.
    """
    for index, prior in enumerate(spec.prior_studies):
        field = f"study.spec.prior_studies[{index}]"
        prior_name = parse_study_name(prior.study, f"{field}.study")
        if prior_name == name:
            raise InvalidArgument(f"{field}.study", "a study cannot be its own prior")
        if prior_name.team != name.team:
            raise study_not_found(prior_name)
        prior_spec = tx.study(prior_name).study.spec
        if not shared_parameters(spec.parameters, prior_spec.parameters):
            raise InvalidArgument(
                f"{field}.study",
                f"{prior.study} shares no parameter with this study (a parameter of the "
                "same name, numeric in both or categorical in both)",
            )
        if prior.metric_in(prior_spec, spec) is None:
            objective = prior.objective or spec.objective.name
            objectives = [m.name for m in prior_spec.objectives]
            raise InvalidArgument(
                f"{field}.objective",
                f"{quoted(objective)} is not an objective of {prior.study}; its objectives "
                f"are {quoted_list(objectives)}",
            )


def _check_can_resume(tx: Transaction, record: StudyRecord) -> None:
    """An exhausted study with nothing pending would complete at once: say why instead."""
    reason = record.exhausted_reason
    if not reason or tx.count_trials(record.pk, PENDING_STATES):
        return
    remedy = (
        "raise max_trials first (UpdateStudy; `sibyl update-study --max-trials`)"
        if reason == MAX_TRIALS_REACHED
        else "a grid search has no configuration left to suggest"
    )
    raise FailedPrecondition(
        f"study {record.name} cannot resume: {reason} "
        f"({record.study.trial_count} trials); {remedy}",
        reason="STUDY_EXHAUSTED",
        metadata={"exhausted_reason": reason},
    )


def _check_new(tx: Transaction, name: StudyName) -> None:
    try:
        tx.study(name)
    except NotFound:
        return
    raise study_exists(name)


def _retried(earlier: Study, study_id: str) -> Study:
    """The study a call with the same request id made: a retry gets it, but a request id
    reused for another study is an error (it would answer with the wrong study)."""
    if earlier.study_id != study_id:
        raise InvalidArgument(
            "request_id",
            f"was used to create study {earlier.study_id!r}; a new study needs a new one",
        )
    return earlier
