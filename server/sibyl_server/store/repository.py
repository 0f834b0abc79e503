"""The store: short transactions over the tables, one contract for SQLite and PostgreSQL.

The service layer holds the rules (what may change when); this module holds the SQL.
Every method of `Transaction` runs inside the transaction it was opened with, so a
use case that fails half-way leaves nothing written.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
import time
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, exc, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sibyl_server.domain.errors import (
    Aborted,
    AlreadyExists,
    Unavailable,
    study_not_found,
    trial_not_found,
)
from sibyl_server.domain.names import StudyName, TrialName
from sibyl_server.domain.study import Study, StudyState
from sibyl_server.domain.team import Role, Team, TeamQuotas, Token
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.store import codec
from sibyl_server.store.database import WRITE_OPTION, Database
from sibyl_server.store.locks import StudyLock
from sibyl_server.store.tables import (
    measurements,
    rate_windows,
    studies,
    teams,
    tokens,
    trials,
)

# PostgreSQL errors that mean "try again": serialization failure, deadlock.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


@dataclass(frozen=True)
class StudyRecord:
    """A stored study with the bookkeeping the service needs."""

    pk: int
    study: Study
    exhausted_reason: str
    quotas: TeamQuotas = field(default_factory=TeamQuotas)
    """The owning team's quotas (none for teams without a record)."""

    @property
    def name(self) -> StudyName:
        return StudyName(self.study.team, self.study.study_id)


@dataclass(frozen=True)
class TrialRecord:
    pk: int
    trial: Trial
    request_id: str | None


class Store:
    """Opens transactions and locks on one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextlib.contextmanager
    def transaction(self, *, write: bool) -> Iterator[Transaction]:
        """A transaction that commits when the block ends and rolls back if it raises.

        Database outages surface as `Unavailable`, conflicts worth a retry as `Aborted`.
        """
        with database_errors():
            connection = self.database.engine.connect().execution_options(**{WRITE_OPTION: write})
            with connection, connection.begin():
                yield Transaction(connection)

    def study_lock(self, study_pk: int) -> StudyLock:
        return _TranslatedLock(self.database.locks.study_lock(study_pk))

    def ping(self) -> None:
        """Raises Unavailable unless the database answers a trivial query."""
        with self.transaction(write=False) as tx:
            tx.ping()


@contextlib.contextmanager
def database_errors() -> Iterator[None]:
    """Turns driver errors that mean "the database is away" or "retry" into domain errors.

    An outage names its cause (the driver's words, without credentials or addresses) in
    the error the client gets, and the driver's first line in a WARNING for operators.
    """
    try:
        yield
    except exc.DBAPIError as error:
        if _sqlstate(error) in _RETRYABLE_SQLSTATES:
            raise Aborted("concurrent update; retry", reason="CONCURRENT_UPDATE") from error
        if not is_store_unavailable(error):
            raise
        cause = store_error_cause(error)
        _outages.report(store_error_line(error), type(error.orig).__name__)
        raise Unavailable(
            f"the store is unavailable: {cause}",
            reason="STORE_UNAVAILABLE",
            metadata={"cause": cause},
        ) from error


def is_store_unavailable(error: exc.DBAPIError) -> bool:
    """Whether `error` means the database cannot be reached now (worth retrying later)."""
    unreachable = isinstance(error, (exc.OperationalError, exc.InterfaceError))
    return unreachable or error.connection_invalidated


_MAX_ERROR_LINE = 300
# Driver messages do not carry passwords, but a URL or a DSN quoted back must not leak one.
_CREDENTIALS = re.compile(
    r"(?P<url>\b[a-z][\w+.-]*://)[^\s/@]*@|(?P<dsn>\bpassword\s*=\s*)\S+", re.I
)


def store_error_line(error: BaseException) -> str:
    """The driver's first line about `error`, whitespace collapsed, credentials masked.

    E.g. `connection failed: connection to server at "10.0.0.5", port 5432 failed:
    FATAL: sorry, too many clients already`; at most 300 characters.
    """
    original = getattr(error, "orig", None) or error
    first = next((line for line in str(original).splitlines() if line.strip()), "")
    line = _CREDENTIALS.sub(_mask_credentials, " ".join(first.split()))
    line = line or type(original).__name__
    return line if len(line) <= _MAX_ERROR_LINE else line[: _MAX_ERROR_LINE - 3] + "..."


def store_error_cause(error: BaseException) -> str:
    """The reason alone, e.g. `Connection refused`: what clients are told.

    libpq says `connection to server at "HOST", port PORT failed: REASON`; the database's
    address is for the operator's log, not for clients.
    """
    return store_error_line(error).rsplit(" failed: ", 1)[-1]


def _mask_credentials(match: re.Match[str]) -> str:
    return f"{match['url']}***@" if match["url"] else f"{match['dsn']}***"


class _OutageLog:
    """Store outages at WARNING: a new cause at once, the same one at most every `interval` s.

    During an outage every call fails the same way; its own log line says so (sibyl.rpc),
    this one says why, without a line per call.
    """

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._lock = threading.Lock()
        self._last: tuple[str, float] = ("", float("-inf"))
        self._repeats = 0

    def report(self, line: str, kind: str) -> None:
        now = time.monotonic()
        with self._lock:
            if self._last[0] == line and now - self._last[1] < self._interval:
                self._repeats += 1
                return
            repeats, self._repeats, self._last = self._repeats, 0, (line, now)
        more = f"; {repeats} more since the last such line" if repeats else ""
        _log.warning("store unavailable: %s (%s%s)", line, kind, more)


_log = logging.getLogger(__name__)
_outages = _OutageLog(interval=10.0)


def _sqlstate(error: exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


class _TranslatedLock:
    """A study lock whose database errors surface as domain errors."""

    def __init__(self, lock: StudyLock) -> None:
        self._lock = lock

    def try_acquire(self) -> bool:
        with database_errors():
            return self._lock.try_acquire()

    def release(self) -> None:
        with database_errors():
            self._lock.release()


class Transaction:
    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def ping(self) -> None:
        self._connection.scalar(select(1))

    # Studies -------------------------------------------------------------------------

    def insert_study(self, study: Study, request_id: str | None = None) -> StudyRecord:
        values = {
            "request_id": request_id,
            "team": study.team,
            "study_id": study.study_id,
            "display_name": study.display_name,
            "spec": codec.spec_to_json(study.spec),
            "state": study.state.value,
            "state_reason": study.state_reason,
            "trial_count": 0,
            "exhausted_reason": "",
            "engine_state": "{}",
            "create_time": codec.to_micros(study.create_time),
            "update_time": codec.to_micros(study.update_time),
        }
        try:
            pk = self._connection.execute(insert(studies).values(values)).inserted_primary_key
        except exc.IntegrityError as error:
            raise AlreadyExists(
                f"study teams/{study.team}/studies/{study.study_id} already exists",
                reason="STUDY_ALREADY_EXISTS",
            ) from error
        assert pk is not None
        return StudyRecord(int(pk[0]), study, "")

    def study(self, name: StudyName, *, lock: bool = False) -> StudyRecord:
        """The study with its team's quotas, or NotFound. `lock` holds its row until
        the transaction ends."""
        query = (
            select(studies, teams.c.quotas.label("team_quotas"))
            .outerjoin(teams, teams.c.team == studies.c.team)
            .where(and_(studies.c.team == name.team, studies.c.study_id == name.study))
        )
        if lock:
            # FOR NO KEY UPDATE: trial inserts (which take KEY SHARE on the study) still pass.
            query = query.with_for_update(of=studies, key_share=True)
        row = self._connection.execute(query).first()
        if row is None:
            raise study_not_found(name)
        return _study_record(row)

    def study_by_request_id(self, team: str, request_id: str) -> StudyRecord | None:
        """The study a CreateStudy call with this request id created, if any."""
        query = select(studies).where(
            and_(studies.c.team == team, studies.c.request_id == request_id)
        )
        row = self._connection.execute(query).first()
        return None if row is None else _study_record(row)

    def studies(self, team: str, after_pk: int, limit: int) -> list[StudyRecord]:
        query = (
            select(studies)
            .where(and_(studies.c.team == team, studies.c.pk > after_pk))
            .order_by(studies.c.pk)
            .limit(limit)
        )
        return [_study_record(row) for row in self._connection.execute(query)]

    def delete_study(self, study_pk: int) -> None:
        # Measurements and trials go with it (ON DELETE CASCADE).
        self._connection.execute(delete(studies).where(studies.c.pk == study_pk))

    def update_study(self, study_pk: int, now: float, **values: Any) -> None:
        """Sets columns of the study: state, state_reason, exhausted_reason, engine_state,
        spec, display_name."""
        if "state" in values:
            values["state"] = StudyState(values["state"]).value
        if "spec" in values:
            values["spec"] = codec.spec_to_json(values["spec"])
        if "engine_state" in values:
            values["engine_state"] = codec.dump_json(values["engine_state"])
        values["update_time"] = codec.to_micros(now)
        self._connection.execute(update(studies).where(studies.c.pk == study_pk).values(values))

    def engine_state(self, study_pk: int) -> dict[str, Any]:
        text = self._connection.scalar(
            select(studies.c.engine_state).where(studies.c.pk == study_pk)
        )
        return json.loads(text or "{}")

    def allocate_trial_numbers(self, study_pk: int, count: int) -> int:
        """Reserves `count` trial numbers and returns the first.

        The row stays locked until the transaction ends, so concurrent allocations
        on one study queue up and numbers stay unique and dense (a rollback returns
        them).
        """
        query = (
            update(studies)
            .where(studies.c.pk == study_pk)
            .values(trial_count=studies.c.trial_count + count)
            .returning(studies.c.trial_count)
        )
        last = self._connection.execute(query).scalar_one()
        return int(last) - count + 1

    # Trials --------------------------------------------------------------------------

    def insert_trial(self, study_pk: int, trial: Trial, request_id: str | None) -> int:
        values = {
            "study_pk": study_pk,
            "number": trial.number,
            "parameters": codec.dump_json(dict(trial.parameters)),
            "state": trial.state.value,
            "client_id": trial.client_id,
            "lease_expire_time": _micros_or_none(trial.lease_expire_time),
            "final_measurement": (
                codec.measurement_to_json(trial.final_measurement)
                if trial.final_measurement
                else None
            ),
            "infeasibility_reason": trial.infeasibility_reason,
            "metadata": codec.dump_json(dict(trial.metadata)),
            "request_id": request_id,
            "create_time": codec.to_micros(trial.create_time),
            "start_time": _micros_or_none(trial.start_time),
            "complete_time": _micros_or_none(trial.complete_time),
            "update_time": codec.to_micros(trial.update_time),
        }
        try:
            pk = self._connection.execute(insert(trials).values(values)).inserted_primary_key
        except exc.IntegrityError as error:
            # Only a concurrent CreateTrial with the same request id can get here
            # (numbers are allocated under the study row's lock): a retry finds it.
            raise Aborted(
                "concurrent request with the same request_id; retry", reason="CONCURRENT_REQUEST"
            ) from error
        assert pk is not None
        return int(pk[0])

    def trial(self, study_pk: int, name: TrialName, *, lock: bool = False) -> TrialRecord:
        """The trial with its measurements, or NotFound; `lock` holds its row."""
        query = select(trials).where(
            and_(trials.c.study_pk == study_pk, trials.c.number == name.number)
        )
        if lock:
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            raise trial_not_found(name)
        return self._with_measurements([row])[0]

    def trial_by_request_id(self, study_pk: int, request_id: str) -> TrialRecord | None:
        query = select(trials).where(
            and_(trials.c.study_pk == study_pk, trials.c.request_id == request_id)
        )
        rows = list(self._connection.execute(query))
        return self._with_measurements(rows)[0] if rows else None

    def trials(
        self,
        study_pk: int,
        *,
        states: Collection[TrialState] = (),
        client_id: str | None = None,
        lease_expired_before: float | None = None,
        after_number: int = 0,
        limit: int | None = None,
        with_measurements: bool = True,
    ) -> list[TrialRecord]:
        """Trials by increasing number, filtered by state and assignee."""
        query = select(trials).where(
            and_(trials.c.study_pk == study_pk, trials.c.number > after_number)
        )
        if states:
            query = query.where(trials.c.state.in_([s.value for s in states]))
        if client_id is not None:
            query = query.where(trials.c.client_id == client_id)
        if lease_expired_before is not None:
            cutoff = codec.to_micros(lease_expired_before)
            query = query.where(trials.c.lease_expire_time < cutoff)
        query = query.order_by(trials.c.number)
        if limit is not None:
            query = query.limit(limit)
        rows = list(self._connection.execute(query))
        if with_measurements:
            return self._with_measurements(rows)
        return [_trial_record(row, ()) for row in rows]

    def trial_results(
        self, study_pk: int, states: Collection[TrialState]
    ) -> list[tuple[dict[str, Any], TrialState, Measurement | None]]:
        """(parameters, state, final measurement) of trials, by number; lean for big studies.

        The suggestion path reads every trial of a study: this reads only the columns
        it needs and builds no Trial objects.
        """
        query = (
            select(trials.c.parameters, trials.c.state, trials.c.final_measurement)
            .where(
                and_(
                    trials.c.study_pk == study_pk,
                    trials.c.state.in_([s.value for s in states]),
                )
            )
            .order_by(trials.c.number)
        )
        return [
            (
                json.loads(row.parameters),
                TrialState(row.state),
                codec.measurement_from_json(row.final_measurement),
            )
            for row in self._connection.execute(query)
        ]

    def histories(
        self, study_pk: int, states: Collection[TrialState]
    ) -> list[tuple[int, TrialState, Measurement | None, list[Measurement]]]:
        """(number, state, final measurement, intermediate measurements) of trials, by
        number: what early stopping compares, without building Trial objects."""
        query = (
            select(trials.c.pk, trials.c.number, trials.c.state, trials.c.final_measurement)
            .where(
                and_(
                    trials.c.study_pk == study_pk,
                    trials.c.state.in_([s.value for s in states]),
                )
            )
            .order_by(trials.c.number)
        )
        rows = list(self._connection.execute(query))
        series: dict[int, list[Measurement]] = {row.pk: [] for row in rows}
        if rows:
            measured = (
                select(measurements)
                .join(trials, trials.c.pk == measurements.c.trial_pk)
                .where(
                    and_(
                        trials.c.study_pk == study_pk,
                        trials.c.state.in_([s.value for s in states]),
                    )
                )
                .order_by(measurements.c.trial_pk, measurements.c.step)
            )
            for m in self._connection.execute(measured):
                if m.trial_pk in series:
                    series[m.trial_pk].append(
                        Measurement(json.loads(m.metrics), m.step, m.elapsed_seconds)
                    )
        return [
            (
                row.number,
                TrialState(row.state),
                codec.measurement_from_json(row.final_measurement),
                series[row.pk],
            )
            for row in rows
        ]

    def held_or_abandoned(self, study_pk: int, client_id: str, now: float) -> list[TrialRecord]:
        """ACTIVE and STOPPING trials that `client_id` holds or whose lease expired.

        One query for what SuggestTrials hands back or takes over first, by number.
        """
        cutoff = codec.to_micros(now)
        query = (
            select(trials)
            .where(
                and_(
                    trials.c.study_pk == study_pk,
                    trials.c.state.in_([TrialState.ACTIVE.value, TrialState.STOPPING.value]),
                    (trials.c.client_id == client_id) | (trials.c.lease_expire_time < cutoff),
                )
            )
            .order_by(trials.c.number)
        )
        rows = list(self._connection.execute(query))
        return self._with_measurements(rows)

    def count_trials(self, study_pk: int, states: Collection[TrialState]) -> int:
        query = select(func.count()).where(
            and_(trials.c.study_pk == study_pk, trials.c.state.in_([s.value for s in states]))
        )
        return int(self._connection.scalar(query) or 0)

    def update_trial(self, trial_pk: int, now: float, **values: Any) -> None:
        """Sets columns of a trial, converting domain values to their stored form."""
        converters = {
            "state": lambda state: TrialState(state).value,
            "final_measurement": lambda m: None if m is None else codec.measurement_to_json(m),
            "lease_expire_time": _micros_or_none,
            "start_time": _micros_or_none,
            "complete_time": _micros_or_none,
        }
        row = {key: converters.get(key, lambda v: v)(value) for key, value in values.items()}
        row["update_time"] = codec.to_micros(now)
        self._connection.execute(update(trials).where(trials.c.pk == trial_pk).values(row))

    def claim_trial(
        self,
        trial_pk: int,
        *,
        expected_state: TrialState,
        client_id: str,
        lease_expire_time: float,
        now: float,
    ) -> bool:
        """Assigns a trial to `client_id` unless someone else got it first.

        A compare-and-set: the update applies only if the trial is still in
        `expected_state` (and, for ACTIVE trials, still past its lease), which the
        database checks atomically. False means another caller won.
        """
        condition = and_(trials.c.pk == trial_pk, trials.c.state == expected_state.value)
        if expected_state is TrialState.ACTIVE:
            condition = and_(condition, trials.c.lease_expire_time < codec.to_micros(now))
        query = (
            update(trials)
            .where(condition)
            .values(
                state=TrialState.ACTIVE.value,
                client_id=client_id,
                lease_expire_time=codec.to_micros(lease_expire_time),
                start_time=func.coalesce(trials.c.start_time, codec.to_micros(now)),
                update_time=codec.to_micros(now),
            )
        )
        return self._connection.execute(query).rowcount == 1

    def renew_leases(
        self, study_pk: int, client_id: str, lease_expire_time: float, now: float
    ) -> None:
        """Extends the leases of every ACTIVE trial `client_id` holds in the study."""
        self._connection.execute(
            update(trials)
            .where(
                and_(
                    trials.c.study_pk == study_pk,
                    trials.c.client_id == client_id,
                    trials.c.state == TrialState.ACTIVE.value,
                )
            )
            .values(
                lease_expire_time=codec.to_micros(lease_expire_time),
                update_time=codec.to_micros(now),
            )
        )

    def delete_measurements(self, trial_pk: int) -> None:
        self._connection.execute(delete(measurements).where(measurements.c.trial_pk == trial_pk))

    def insert_measurement(self, trial_pk: int, measurement: Measurement) -> None:
        self._connection.execute(
            insert(measurements).values(
                trial_pk=trial_pk,
                step=measurement.step,
                elapsed_seconds=measurement.elapsed_seconds,
                metrics=codec.dump_json(dict(measurement.metrics)),
            )
        )

    # Teams and tokens ---------------------------------------------------------------

    def insert_team(self, team: Team) -> int:
        values = {
            "team": team.team,
            "quotas": codec.quotas_to_json(team.quotas),
            "create_time": codec.to_micros(team.create_time),
        }
        try:
            pk = self._connection.execute(insert(teams).values(values)).inserted_primary_key
        except exc.IntegrityError as error:
            raise AlreadyExists(
                f"team teams/{team.team} already exists", reason="TEAM_ALREADY_EXISTS"
            ) from error
        assert pk is not None
        return int(pk[0])

    def team(self, team: str) -> tuple[int, Team] | None:
        """The team's row, or None for a team that has none (authentication off)."""
        row = self._connection.execute(select(teams).where(teams.c.team == team)).first()
        return None if row is None else (row.pk, _team(row))

    def teams(self) -> list[Team]:
        return [_team(row) for row in self._connection.execute(select(teams).order_by(teams.c.pk))]

    def update_team_quotas(self, team_pk: int, quotas: TeamQuotas) -> None:
        self._connection.execute(
            update(teams).where(teams.c.pk == team_pk).values(quotas=codec.quotas_to_json(quotas))
        )

    def insert_token(self, team_pk: int, token: Token, secret_hash: str) -> None:
        self._connection.execute(
            insert(tokens).values(
                team_pk=team_pk,
                token_id=token.token_id,
                secret_hash=secret_hash,
                role=int(token.role),
                description=token.description,
                create_time=codec.to_micros(token.create_time),
                expire_time=_micros_or_none(token.expire_time),
                revoke_time=None,
            )
        )

    def token(self, token_id: str) -> tuple[Token, str] | None:
        """A token with the hash of its secret, looked up by its public id."""
        query = (
            select(tokens, teams.c.team)
            .join(teams, teams.c.pk == tokens.c.team_pk)
            .where(tokens.c.token_id == token_id)
        )
        row = self._connection.execute(query).first()
        return None if row is None else (_token(row), row.secret_hash)

    def tokens(self, team: str, after_pk: int, limit: int) -> list[tuple[int, Token]]:
        query = (
            select(tokens, teams.c.team)
            .join(teams, teams.c.pk == tokens.c.team_pk)
            .where(and_(teams.c.team == team, tokens.c.pk > after_pk))
            .order_by(tokens.c.pk)
            .limit(limit)
        )
        return [(row.pk, _token(row)) for row in self._connection.execute(query)]

    def revoke_token(self, token_id: str, now: float) -> None:
        self._connection.execute(
            update(tokens)
            .where(and_(tokens.c.token_id == token_id, tokens.c.revoke_time.is_(None)))
            .values(revoke_time=codec.to_micros(now))
        )

    def count_studies(self, team: str, state: StudyState) -> int:
        query = select(func.count()).where(
            and_(studies.c.team == team, studies.c.state == state.value)
        )
        return int(self._connection.scalar(query) or 0)

    def count_call(self, team: str, window: int) -> int:
        """Counts one call in the team's window (a whole second); returns the window's count.

        An upsert, so concurrent replicas add to the same row; windows older than a
        minute are dropped on the way.
        """
        dialect = postgresql if self._connection.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(rate_windows).values(team=team, window=window, calls=1)
        statement = statement.on_conflict_do_update(
            index_elements=[rate_windows.c.team, rate_windows.c.window],
            set_={"calls": rate_windows.c.calls + 1},
        ).returning(rate_windows.c.calls)
        calls = int(self._connection.execute(statement).scalar_one())
        self._connection.execute(
            delete(rate_windows).where(
                and_(rate_windows.c.team == team, rate_windows.c.window < window - 60)
            )
        )
        return calls

    def _with_measurements(self, rows: list[Row[Any]]) -> list[TrialRecord]:
        if not rows:
            return []
        query = (
            select(measurements)
            .where(measurements.c.trial_pk.in_([row.pk for row in rows]))
            .order_by(measurements.c.trial_pk, measurements.c.step)
        )
        by_trial: dict[int, list[Measurement]] = {}
        for m in self._connection.execute(query):
            by_trial.setdefault(m.trial_pk, []).append(
                Measurement(json.loads(m.metrics), m.step, m.elapsed_seconds)
            )
        return [_trial_record(row, tuple(by_trial.get(row.pk, ()))) for row in rows]


def _micros_or_none(seconds: float | None) -> int | None:
    return None if seconds is None else codec.to_micros(seconds)


def _study_record(row: Row[Any]) -> StudyRecord:
    study = Study(
        team=row.team,
        study_id=row.study_id,
        spec=codec.spec_from_json(row.spec),
        state=StudyState(row.state),
        display_name=row.display_name,
        state_reason=row.state_reason,
        trial_count=row.trial_count,
        create_time=codec.from_micros(row.create_time) or 0.0,
        update_time=codec.from_micros(row.update_time) or 0.0,
    )
    quotas = getattr(row, "team_quotas", None)
    return StudyRecord(
        row.pk,
        study,
        row.exhausted_reason,
        codec.quotas_from_json(quotas) if quotas else TeamQuotas(),
    )


def _trial_record(row: Row[Any], trial_measurements: tuple[Measurement, ...]) -> TrialRecord:
    metadata: Mapping[str, str] = json.loads(row.metadata)
    trial = Trial(
        number=row.number,
        parameters=json.loads(row.parameters),
        state=TrialState(row.state),
        client_id=row.client_id,
        lease_expire_time=codec.from_micros(row.lease_expire_time),
        measurements=trial_measurements,
        final_measurement=codec.measurement_from_json(row.final_measurement),
        infeasibility_reason=row.infeasibility_reason,
        metadata=metadata,
        create_time=codec.from_micros(row.create_time) or 0.0,
        start_time=codec.from_micros(row.start_time),
        complete_time=codec.from_micros(row.complete_time),
        update_time=codec.from_micros(row.update_time) or 0.0,
    )
    return TrialRecord(row.pk, trial, row.request_id)


def _team(row: Row[Any]) -> Team:
    return Team(
        row.team, codec.quotas_from_json(row.quotas), codec.from_micros(row.create_time) or 0.0
    )


def _token(row: Row[Any]) -> Token:
    return Token(
        team=row.team,
        token_id=row.token_id,
        role=Role(row.role),
        description=row.description,
        create_time=codec.from_micros(row.create_time) or 0.0,
        expire_time=codec.from_micros(row.expire_time),
        revoke_time=codec.from_micros(row.revoke_time),
    )
