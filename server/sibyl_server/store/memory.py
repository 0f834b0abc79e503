"""A store in this process's memory: for the use-case tests, and demos that keep nothing.

`memory://` as the store URL. One process only (its study locks do not span replicas)
and nothing survives the process. Transactions are serialized by one lock and rolled
back by restoring a copy of the tables taken when a write transaction began.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
import threading
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sibyl_server.domain.errors import (
    Aborted,
    AlreadyExists,
    study_exists,
    study_not_found,
    trial_not_found,
)
from sibyl_server.domain.names import StudyName, TrialName
from sibyl_server.domain.study import Study, StudyState
from sibyl_server.domain.team import Team, TeamQuotas, Token
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.store.interface import (
    ConnectionBudget,
    PoolStatus,
    StudyChanges,
    StudyRecord,
    TeamRecord,
    TokenRecord,
    TrialClaim,
    TrialHistory,
    TrialOutcome,
    TrialRecord,
    TrialResult,
    TrialStateCount,
)
from sibyl_server.store.locks import StudyLock

ACTIVE_STATES = (TrialState.ACTIVE, TrialState.STOPPING)
_Row = TypeVar("_Row")


def _instant(seconds: float | None) -> float | None:
    """Times kept to the microsecond, as the SQL backends store them."""
    return None if seconds is None else round(seconds * 1_000_000) / 1_000_000


def _page(
    rows: Mapping[int, _Row], keep: Callable[[_Row], bool], after_pk: int, limit: int
) -> list[tuple[int, _Row]]:
    """The first `limit` rows that `keep` keeps, by increasing key, keys above `after_pk`."""
    chosen = [(pk, row) for pk, row in rows.items() if pk > after_pk and keep(row)]
    return sorted(chosen, key=lambda item: item[0])[:limit]


def _json_copy(value: Any) -> Any:
    """What a JSON column would give back (lists for tuples, fresh objects)."""
    return json.loads(json.dumps(value))


@dataclass
class _StudyRow:
    study: Study
    exhausted_reason: str
    engine_state: dict[str, Any]
    request_id: str | None


@dataclass
class _TrialRow:
    study_pk: int
    trial: Trial
    request_id: str | None


@dataclass
class _TokenRow:
    team_pk: int
    token: Token
    secret_hash: str
    request_id: str | None


@dataclass
class _Tables:
    studies: dict[int, _StudyRow] = field(default_factory=dict)
    trials: dict[int, _TrialRow] = field(default_factory=dict)
    measurements: dict[int, list[Measurement]] = field(default_factory=lambda: defaultdict(list))
    teams: dict[int, Team] = field(default_factory=dict)
    tokens: dict[int, _TokenRow] = field(default_factory=dict)
    rate_windows: dict[tuple[str, int], int] = field(default_factory=dict)
    last_pk: int = 0

    def next_pk(self) -> int:
        self.last_pk += 1
        return self.last_pk


class MemoryStore:
    """The `Store` Protocol in memory."""

    def __init__(self) -> None:
        self._tables = _Tables()
        self._mutex = threading.RLock()
        self._locks: dict[int, threading.Lock] = defaultdict(threading.Lock)

    @contextlib.contextmanager
    def transaction(self, *, write: bool, snapshot: bool = False) -> Iterator[MemoryTransaction]:
        # Every transaction holds the mutex: each is one snapshot.
        with self._mutex:
            saved = copy.deepcopy(self._tables) if write else None
            try:
                yield MemoryTransaction(self._tables)
            except BaseException:
                if saved is not None:
                    self._tables = saved
                raise

    def study_lock(self, study_pk: int) -> StudyLock:
        return _MemoryLock(self._locks[study_pk])

    def ping(self) -> None:
        return None

    def trial_state_counts(self) -> list[TrialStateCount]:
        with self._mutex:
            counts: dict[tuple[str, str, TrialState], int] = defaultdict(int)
            for row in self._tables.trials.values():
                study = self._tables.studies[row.study_pk].study
                if study.state is StudyState.ACTIVE:
                    counts[(study.team, study.study_id, row.trial.state)] += 1
        return [TrialStateCount(*key, count) for key, count in counts.items()]

    def pool_status(self) -> PoolStatus | None:
        return None

    def migrate(self) -> None:
        return None  # no schema: the tables are Python dicts

    def connection_budget(self) -> ConnectionBudget | None:
        return None

    def close(self) -> None:
        return None


class _MemoryLock:
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock

    def try_acquire(self) -> bool:
        return self._lock.acquire(blocking=False)

    def release(self) -> None:
        self._lock.release()


class MemoryTransaction:
    """One transaction's view of the tables (the store's mutex is held meanwhile)."""

    def __init__(self, tables: _Tables) -> None:
        self._t = tables

    def ping(self) -> None:
        return None

    # Studies ------------------------------------------------------------------------------

    def insert_study(self, study: Study, request_id: str | None) -> StudyRecord:
        if any(self._is(row.study, study.team, study.study_id) for row in self._t.studies.values()):
            raise study_exists(StudyName(study.team, study.study_id))
        study = dataclasses.replace(
            study,
            trial_count=0,
            create_time=_instant(study.create_time) or 0.0,
            update_time=_instant(study.update_time) or 0.0,
        )
        pk = self._t.next_pk()
        self._t.studies[pk] = _StudyRow(study, "", {}, request_id)
        return StudyRecord(pk, study, "")

    @staticmethod
    def _is(study: Study, team: str, study_id: str) -> bool:
        return study.team == team and study.study_id == study_id

    def study(self, name: StudyName, *, lock: bool = False) -> StudyRecord:
        for pk, row in self._t.studies.items():
            if self._is(row.study, name.team, name.study):
                return StudyRecord(pk, row.study, row.exhausted_reason)
        raise study_not_found(name)

    def study_by_request_id(self, team: str, request_id: str) -> StudyRecord | None:
        for pk, row in self._t.studies.items():
            if row.study.team == team and row.request_id == request_id:
                return StudyRecord(pk, row.study, row.exhausted_reason)
        return None

    def studies(self, team: str, after_pk: int, limit: int) -> list[StudyRecord]:
        rows = _page(self._t.studies, lambda row: row.study.team == team, after_pk, limit)
        return [StudyRecord(pk, row.study, row.exhausted_reason) for pk, row in rows]

    def delete_study(self, study_pk: int) -> None:
        del self._t.studies[study_pk]
        for trial_pk in [pk for pk, row in self._t.trials.items() if row.study_pk == study_pk]:
            del self._t.trials[trial_pk]
            self._t.measurements.pop(trial_pk, None)

    def update_study(self, study_pk: int, now: float, changes: StudyChanges) -> None:
        row = self._t.studies[study_pk]
        study_fields = {
            name: getattr(changes, name)
            for name in ("state", "state_reason", "spec", "display_name")
            if getattr(changes, name) is not None
        }
        row.study = dataclasses.replace(row.study, **study_fields, update_time=_instant(now))
        if changes.exhausted_reason is not None:
            row.exhausted_reason = changes.exhausted_reason
        if changes.engine_state is not None:
            row.engine_state = _json_copy(changes.engine_state)

    def study_and_quotas(
        self, name: StudyName, *, lock: bool = False
    ) -> tuple[StudyRecord, TeamQuotas]:
        return self.study(name, lock=lock), self.quotas(name.team)

    def study_and_engine_state(self, name: StudyName) -> tuple[StudyRecord, dict[str, Any]]:
        record = self.study(name)
        return record, _json_copy(self._t.studies[record.pk].engine_state)

    def allocate_trial_numbers(
        self, study_pk: int, count: int, changes_at: tuple[float, StudyChanges] | None = None
    ) -> int:
        row = self._t.studies[study_pk]
        first = row.study.trial_count + 1
        row.study = dataclasses.replace(row.study, trial_count=row.study.trial_count + count)
        if changes_at is not None:
            self.update_study(study_pk, *changes_at)
        return first

    def count_studies(self, team: str, state: StudyState) -> int:
        return sum(
            row.study.team == team and row.study.state is state for row in self._t.studies.values()
        )

    # Trials --------------------------------------------------------------------------------

    def insert_trials(self, study_pk: int, new_trials: Sequence[Trial]) -> None:
        for trial in new_trials:
            self.insert_trial(study_pk, trial, None)

    def insert_trial(self, study_pk: int, trial: Trial, request_id: str | None) -> int:
        for row in self._t.trials.values():
            if row.study_pk != study_pk:
                continue
            if request_id is not None and row.request_id == request_id:
                # As the SQL unique index answers a concurrent twin: a retry finds it.
                raise Aborted(
                    "concurrent request with the same request_id; retry",
                    reason="CONCURRENT_REQUEST",
                )
            if row.trial.number == trial.number:
                raise RuntimeError(f"trial number {trial.number} exists already")
        stored = dataclasses.replace(
            trial,
            parameters=_json_copy(dict(trial.parameters)),
            metadata=_json_copy(dict(trial.metadata)),
            measurements=(),
            lease_expire_time=_instant(trial.lease_expire_time),
            create_time=_instant(trial.create_time) or 0.0,
            start_time=_instant(trial.start_time),
            complete_time=_instant(trial.complete_time),
            update_time=_instant(trial.update_time) or 0.0,
        )
        pk = self._t.next_pk()
        self._t.trials[pk] = _TrialRow(study_pk, stored, request_id)
        return pk

    def _record(self, pk: int, with_measurements: bool = True) -> TrialRecord:
        row = self._t.trials[pk]
        measurements = tuple(self._t.measurements.get(pk, ())) if with_measurements else ()
        return TrialRecord(
            pk, dataclasses.replace(row.trial, measurements=measurements), row.request_id
        )

    def _of_study(self, study_pk: int) -> list[int]:
        rows = [
            (row.trial.number, pk) for pk, row in self._t.trials.items() if row.study_pk == study_pk
        ]
        return [pk for _, pk in sorted(rows)]

    def trial(self, study_pk: int, name: TrialName, *, lock: bool = False) -> TrialRecord:
        for pk in self._of_study(study_pk):
            if self._t.trials[pk].trial.number == name.number:
                return self._record(pk)
        raise trial_not_found(name)

    def study_and_trial(
        self, name: TrialName, *, lock: bool = False
    ) -> tuple[StudyRecord, TrialRecord]:
        record = self.study(name.parent)
        return record, self.trial(record.pk, name, lock=lock)

    def trial_by_request_id(self, study_pk: int, request_id: str) -> TrialRecord | None:
        for pk in self._of_study(study_pk):
            if self._t.trials[pk].request_id == request_id:
                return self._record(pk)
        return None

    def trials(
        self,
        study_pk: int,
        *,
        states: Collection[TrialState] = (),
        after_number: int = 0,
        limit: int | None = None,
        with_measurements: bool = True,
        last: bool = False,
    ) -> list[TrialRecord]:
        chosen = [
            pk
            for pk in self._of_study(study_pk)
            if self._t.trials[pk].trial.number > after_number
            and (not states or self._t.trials[pk].trial.state in states)
        ]
        if last and limit is not None:
            chosen = chosen[-limit:] if limit else []
        return [self._record(pk, with_measurements) for pk in chosen[:limit]]

    def trial_results(self, study_pk: int, states: Collection[TrialState]) -> list[TrialResult]:
        return [
            TrialResult(
                _json_copy(dict(r.trial.parameters)), r.trial.state, r.trial.final_measurement
            )
            for r in self.trials(study_pk, states=states, with_measurements=False)
            if states
        ]

    def histories(self, study_pk: int, states: Collection[TrialState]) -> list[TrialHistory]:
        return [
            TrialHistory(
                r.trial.number, r.trial.state, r.trial.final_measurement, list(r.trial.measurements)
            )
            for r in self.trials(study_pk, states=states)
            if states
        ]

    def claimable(
        self, study_pk: int, client_id: str, now: float, queued: int = 0
    ) -> list[TrialRecord]:
        held = [
            record
            for record in self.trials(study_pk, states=ACTIVE_STATES)
            if record.trial.client_id == client_id or _expired(record.trial, now)
        ]
        return held + self.trials(study_pk, states=(TrialState.REQUESTED,))[: max(queued, 0)]

    def count_trials(self, study_pk: int, states: Collection[TrialState]) -> int:
        return sum(
            row.study_pk == study_pk and row.trial.state in states
            for row in self._t.trials.values()
        )

    def claim_trial(self, trial_pk: int, claim: TrialClaim, now: float) -> bool:
        trial = self._t.trials[trial_pk].trial
        if trial.state is not claim.expected_state:
            return False
        if claim.expected_state is TrialState.ACTIVE and not _expired(trial, now):
            return False
        self._replace_trial(
            trial_pk,
            now,
            state=TrialState.ACTIVE,
            client_id=claim.client_id,
            lease_expire_time=_instant(claim.lease_expire_time),
            start_time=trial.start_time if trial.start_time is not None else _instant(now),
        )
        return True

    def renew_leases(
        self, study_pk: int, client_id: str, lease_expire_time: float, now: float
    ) -> set[int]:
        renewed = set()
        for pk in self._of_study(study_pk):
            trial = self._t.trials[pk].trial
            if trial.client_id == client_id and trial.state is TrialState.ACTIVE:
                self.renew_lease(pk, lease_expire_time, now)
                renewed.add(pk)
        return renewed

    def renew_lease(self, trial_pk: int, lease_expire_time: float, now: float) -> None:
        self._replace_trial(trial_pk, now, lease_expire_time=_instant(lease_expire_time))

    def mark_stopping(self, trial_pk: int, metadata: Mapping[str, str], now: float) -> None:
        self._replace_trial(
            trial_pk, now, state=TrialState.STOPPING, metadata=_json_copy(dict(metadata))
        )

    def finish_trial(
        self,
        trial_pk: int,
        outcome: TrialOutcome,
        now: float,
        *,
        expected_state: TrialState | None = None,
    ) -> bool:
        state = self._t.trials[trial_pk].trial.state
        if expected_state is not None and state is not expected_state:
            return False
        self._replace_trial(
            trial_pk,
            now,
            state=outcome.state,
            final_measurement=outcome.final_measurement,
            infeasibility_reason=outcome.infeasibility_reason,
            complete_time=_instant(now),
            lease_expire_time=None,
        )
        return True

    def _replace_trial(self, trial_pk: int, now: float, **values: Any) -> None:
        row = self._t.trials[trial_pk]
        row.trial = dataclasses.replace(row.trial, **values, update_time=_instant(now) or 0.0)

    def insert_measurement(self, trial_pk: int, measurement: Measurement) -> None:
        stored = self._t.measurements[trial_pk]
        if any(m.step == measurement.step for m in stored):
            raise RuntimeError(f"a measurement at step {measurement.step} exists already")
        stored.append(
            Measurement(
                _json_copy(dict(measurement.metrics)), measurement.step, measurement.elapsed_seconds
            )
        )
        stored.sort(key=lambda m: m.step)

    def delete_measurements(self, trial_pk: int) -> None:
        self._t.measurements.pop(trial_pk, None)

    # Teams, tokens, rates ---------------------------------------------------------------------

    def insert_team(self, team: Team) -> int:
        if any(t.team == team.team for t in self._t.teams.values()):
            raise AlreadyExists(
                f"team teams/{team.team} already exists", reason="TEAM_ALREADY_EXISTS"
            )
        pk = self._t.next_pk()
        self._t.teams[pk] = dataclasses.replace(team, create_time=_instant(team.create_time) or 0.0)
        return pk

    def team(self, team: str) -> TeamRecord | None:
        return next((TeamRecord(pk, t) for pk, t in self._t.teams.items() if t.team == team), None)

    def teams(self) -> list[Team]:
        return [self._t.teams[pk] for pk in sorted(self._t.teams)]

    def quotas(self, team: str, *, lock: bool = False) -> TeamQuotas:
        # Its write transactions run one at a time: nothing to lock.
        record = self.team(team)
        return record.team.quotas if record else TeamQuotas()

    def update_team_quotas(self, team_pk: int, quotas: TeamQuotas) -> None:
        self._t.teams[team_pk] = dataclasses.replace(self._t.teams[team_pk], quotas=quotas)

    def insert_token(
        self, team_pk: int, token: Token, secret_hash: str, request_id: str | None
    ) -> None:
        if any(row.token.token_id == token.token_id for row in self._t.tokens.values()):
            raise AlreadyExists(
                f"token {token.token_id} already exists", reason="TOKEN_ALREADY_EXISTS"
            )
        if request_id is not None and self.token_by_request_id(team_pk, request_id):
            raise Aborted(
                "concurrent request with the same request_id; retry", reason="CONCURRENT_REQUEST"
            )
        stored = dataclasses.replace(
            token,
            create_time=_instant(token.create_time) or 0.0,
            expire_time=_instant(token.expire_time),
            revoke_time=None,
        )
        self._t.tokens[self._t.next_pk()] = _TokenRow(team_pk, stored, secret_hash, request_id)

    def token(self, token_id: str) -> TokenRecord | None:
        for pk, row in self._t.tokens.items():
            if row.token.token_id == token_id:
                return TokenRecord(pk, row.token, row.secret_hash)
        return None

    def token_by_request_id(self, team_pk: int, request_id: str) -> TokenRecord | None:
        for pk, row in self._t.tokens.items():
            if row.team_pk == team_pk and row.request_id == request_id:
                return TokenRecord(pk, row.token, row.secret_hash)
        return None

    def tokens(self, team: str, after_pk: int, limit: int) -> list[TokenRecord]:
        rows = _page(
            self._t.tokens, lambda row: self._t.teams[row.team_pk].team == team, after_pk, limit
        )
        return [TokenRecord(pk, row.token, row.secret_hash) for pk, row in rows]

    def revoke_token(self, token_id: str, now: float) -> None:
        for row in self._t.tokens.values():
            if row.token.token_id == token_id and row.token.revoke_time is None:
                row.token = dataclasses.replace(row.token, revoke_time=_instant(now))
                row.request_id = None

    def count_call(self, team: str, window: int) -> int:
        key = (team, window)
        self._t.rate_windows[key] = self._t.rate_windows.get(key, 0) + 1
        for old in [k for k in self._t.rate_windows if k[0] == team and k[1] < window - 60]:
            del self._t.rate_windows[old]
        return self._t.rate_windows[key]


def _expired(trial: Trial, now: float) -> bool:
    return trial.lease_expire_time is not None and trial.lease_expire_time < now
