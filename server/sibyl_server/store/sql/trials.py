"""Trials and their measurements in SQL: the `TrialRepository` of a transaction."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import (
    Connection,
    Integer,
    Row,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
    update,
)

from sibyl_server.domain.errors import Aborted, study_not_found, trial_not_found
from sibyl_server.domain.names import TrialName
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.store import codec
from sibyl_server.store.interface import (
    StudyRecord,
    TrialClaim,
    TrialHistory,
    TrialOutcome,
    TrialRecord,
    TrialResult,
)
from sibyl_server.store.sql.errors import insert_row
from sibyl_server.store.sql.studies import NAMED, name_parameters, study_record
from sibyl_server.store.tables import measurements, studies, trials

HELD_STATES = (TrialState.ACTIVE.value, TrialState.STOPPING.value)
_STUDY_PREFIX = "s_"
_STUDY_COLUMNS = tuple(
    column.label(_STUDY_PREFIX + column.name)
    for column in studies.c
    if column.name not in ("engine_state", "request_id")  # study_record reads neither
)
"""A study's columns beside its trial's, under names of their own."""

# The statements of the calls every worker makes, built once (see studies.NAMED); their
# parameters are named b_* so as not to collide with the columns an UPDATE sets.
_STUDY_AND_TRIAL = (
    select(*_STUDY_COLUMNS, trials)
    .join(trials, trials.c.study_pk == studies.c.pk)
    .where(and_(NAMED, trials.c.number == bindparam("b_number")))
)
_STUDY_AND_TRIAL_LOCKED = _STUDY_AND_TRIAL.with_for_update(of=trials)
MAX_KEYS_PER_STATEMENT = 10_000
"""Trial keys bound in one statement: each is a parameter, and the drivers refuse a
statement with more than 65,535 (PostgreSQL) or, as SQLite is usually built, 32,766."""
_MEASUREMENTS_OF = (
    select(measurements)
    .where(measurements.c.trial_pk.in_(bindparam("b_trial_pks", expanding=True)))
    .order_by(measurements.c.trial_pk, measurements.c.step)
)
_CLAIMABLE = select(trials).where(
    and_(
        trials.c.study_pk == bindparam("b_study_pk"),
        trials.c.state.in_(HELD_STATES),
        (trials.c.client_id == bindparam("b_client_id"))
        | (trials.c.lease_expire_time < bindparam("b_cutoff")),
    )
)
_FIRST_QUEUED = (  # a subquery: SQLite takes no LIMIT on a part of a compound SELECT
    select(trials)
    .where(
        and_(
            trials.c.study_pk == bindparam("b_study_pk"),
            trials.c.state == TrialState.REQUESTED.value,
        )
    )
    .order_by(trials.c.number)
    .limit(bindparam("b_queued", type_=Integer))
    .subquery()
)
_CLAIMABLE_OR_QUEUED = union_all(_CLAIMABLE, select(_FIRST_QUEUED))
_UPDATE_TRIAL = update(trials).where(trials.c.pk == bindparam("b_pk"))
_IN_STATES = and_(
    trials.c.study_pk == bindparam("b_study_pk"),
    trials.c.state.in_(bindparam("b_states", expanding=True)),
)
_HISTORIES = (
    select(trials.c.pk, trials.c.number, trials.c.state, trials.c.final_measurement)
    .where(_IN_STATES)
    .order_by(trials.c.number)
)
_CURVES = (
    select(measurements)
    .join(trials, trials.c.pk == measurements.c.trial_pk)
    .where(_IN_STATES)
    .order_by(measurements.c.trial_pk, measurements.c.step)
)
_TRIAL_RESULTS = (
    select(trials.c.parameters, trials.c.state, trials.c.final_measurement)
    .where(_IN_STATES)
    .order_by(trials.c.number)
)
_INSERT_MEASUREMENT = insert(measurements)
_COUNT = select(func.count()).where(_IN_STATES)
_STUDY_PK = select(studies.c.pk).where(NAMED)


class SqlTrials:
    _connection: Connection

    def insert_trial(self, study_pk: int, trial: Trial, request_id: str | None) -> int:
        values = _trial_row(study_pk, trial, request_id)
        # Only a concurrent CreateTrial with the same request id can conflict (numbers
        # are allocated under the study row's lock): a retry finds it.
        concurrent = Aborted(
            "concurrent request with the same request_id; retry", reason="CONCURRENT_REQUEST"
        )
        return insert_row(self._connection, trials, values, concurrent)

    def insert_trials(self, study_pk: int, new_trials: Sequence[Trial]) -> None:
        if new_trials:  # one round trip: SQLAlchemy sends the rows as one multi-row INSERT
            rows = [_trial_row(study_pk, trial, None) for trial in new_trials]
            self._connection.execute(insert(trials), rows)

    def trial(self, study_pk: int, name: TrialName, *, lock: bool = False) -> TrialRecord:
        query = select(trials).where(
            and_(trials.c.study_pk == study_pk, trials.c.number == name.number)
        )
        if lock:
            query = query.with_for_update()
        row = self._connection.execute(query).first()
        if row is None:
            raise trial_not_found(name)
        return self._with_measurements([row])[0]

    def study_and_trial(
        self, name: TrialName, *, lock: bool = False
    ) -> tuple[StudyRecord, TrialRecord]:
        # What every report and completion reads first: the study's columns (under names
        # of their own) beside the trial's, one row. Its measurements come in a second
        # statement, not in the same join: under READ COMMITTED a locking read that
        # waited returns the trial's newest row but the joined rows of its snapshot,
        # which would miss the measurements the lock's previous holder committed.
        study = name.parent
        query = _STUDY_AND_TRIAL_LOCKED if lock else _STUDY_AND_TRIAL
        parameters = {**name_parameters(study), "b_number": name.number}
        row = self._connection.execute(query, parameters).first()
        if row is None:
            if self._connection.scalar(_STUDY_PK, name_parameters(study)) is None:
                raise study_not_found(study)
            raise trial_not_found(name)
        return study_record(_StudyColumns(row)), self._with_measurements([row])[0]

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
        after_number: int = 0,
        limit: int | None = None,
        with_measurements: bool = True,
        last: bool = False,
    ) -> list[TrialRecord]:
        query = select(trials).where(
            and_(trials.c.study_pk == study_pk, trials.c.number > after_number)
        )
        if states:
            query = query.where(trials.c.state.in_([s.value for s in states]))
        query = query.order_by(trials.c.number.desc() if last else trials.c.number)
        if limit is not None:
            query = query.limit(limit)
        rows = list(self._connection.execute(query))
        if last:
            rows.reverse()
        if with_measurements:
            return self._with_measurements(rows)
        return trial_records(rows, {})

    def trial_results(self, study_pk: int, states: Collection[TrialState]) -> list[TrialResult]:
        # The suggestion path reads every trial of a study: only the columns it needs,
        # their JSON parsed in one call (a parse per value was most of the read).
        rows = list(self._connection.execute(_TRIAL_RESULTS, _in_states(study_pk, states)))
        parsed = parse_all(text for row in rows for text in (row.parameters, row.final_measurement))
        return [
            TrialResult(
                parsed[2 * i],
                TrialState(row.state),
                codec.from_plain(Measurement, parsed[2 * i + 1]),
            )
            for i, row in enumerate(rows)
        ]

    def histories(self, study_pk: int, states: Collection[TrialState]) -> list[TrialHistory]:
        # Every early-stopping check reads the curves of a study's trials: statements
        # built once, and each query's JSON parsed in one call.
        parameters = _in_states(study_pk, states)
        rows = list(self._connection.execute(_HISTORIES, parameters))
        series = _by_trial(list(self._connection.execute(_CURVES, parameters))) if rows else {}
        finals = parse_all(row.final_measurement for row in rows)
        return [
            TrialHistory(
                row.number,
                TrialState(row.state),
                codec.from_plain(Measurement, final),
                series.get(row.pk, []),
            )
            for row, final in zip(rows, finals, strict=True)
        ]

    def claimable(
        self, study_pk: int, client_id: str, now: float, queued: int = 0
    ) -> list[TrialRecord]:
        # One query for what SuggestTrials hands back or takes over first.
        parameters = {
            "b_study_pk": study_pk,
            "b_client_id": client_id,
            "b_cutoff": codec.to_micros(now),
            "b_queued": queued,
        }
        query = _CLAIMABLE_OR_QUEUED if queued else _CLAIMABLE
        rows = sorted(self._connection.execute(query, parameters), key=_queued_last)
        return self._with_measurements(rows)

    def count_trials(self, study_pk: int, states: Collection[TrialState]) -> int:
        return int(self._connection.scalar(_COUNT, _in_states(study_pk, states)) or 0)

    def claim_trial(self, trial_pk: int, claim: TrialClaim, now: float) -> bool:
        # A compare-and-set: the update applies only if the trial is still in the
        # expected state (and, for ACTIVE trials, still past its lease), which the
        # database checks atomically.
        condition = and_(trials.c.pk == trial_pk, trials.c.state == claim.expected_state.value)
        if claim.expected_state is TrialState.ACTIVE:
            condition = and_(condition, trials.c.lease_expire_time < codec.to_micros(now))
        query = (
            update(trials)
            .where(condition)
            .values(
                state=TrialState.ACTIVE.value,
                client_id=claim.client_id,
                lease_expire_time=codec.to_micros(claim.lease_expire_time),
                start_time=func.coalesce(trials.c.start_time, codec.to_micros(now)),
                update_time=codec.to_micros(now),
            )
        )
        return self._connection.execute(query).rowcount == 1

    def renew_leases(
        self, study_pk: int, client_id: str, lease_expire_time: float, now: float
    ) -> set[int]:
        query = (
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
            .returning(trials.c.pk)
        )
        return set(self._connection.scalars(query))

    def renew_lease(self, trial_pk: int, lease_expire_time: float, now: float) -> None:
        self._update_trial(trial_pk, now, lease_expire_time=codec.to_micros(lease_expire_time))

    def mark_stopping(self, trial_pk: int, metadata: Mapping[str, str], now: float) -> None:
        self._update_trial(
            trial_pk,
            now,
            state=TrialState.STOPPING.value,
            metadata=codec.dump_json(dict(metadata)),
        )

    def finish_trial(
        self,
        trial_pk: int,
        outcome: TrialOutcome,
        now: float,
        *,
        expected_state: TrialState | None = None,
    ) -> bool:
        final = outcome.final_measurement
        columns = {
            "state": outcome.state.value,
            "final_measurement": None if final is None else codec.measurement_to_json(final),
            "infeasibility_reason": outcome.infeasibility_reason,
            "complete_time": codec.to_micros(now),
            "lease_expire_time": None,
        }
        if expected_state is None:
            self._update_trial(trial_pk, now, **columns)
            return True
        # A compare-and-set, as in `claim_trial`: on PostgreSQL, when a CompleteTrial
        # holds the row, this update waits for it to commit, re-checks the state, and
        # then matches nothing.
        condition = and_(trials.c.pk == trial_pk, trials.c.state == expected_state.value)
        query = update(trials).where(condition).values(update_time=codec.to_micros(now), **columns)
        return self._connection.execute(query).rowcount == 1

    def _update_trial(self, trial_pk: int, now: float, **columns: Any) -> None:
        # The SET clause is the columns given: their names are the parameters' keys.
        # SQLAlchemy skips a key that names no column, so a misspelt one would be a
        # change silently lost.
        unknown = columns.keys() - trials.c.keys()
        if unknown:
            raise ValueError(f"no such trial columns: {sorted(unknown)}")
        columns["update_time"] = codec.to_micros(now)
        self._connection.execute(_UPDATE_TRIAL, {"b_pk": trial_pk, **columns})

    def insert_measurement(self, trial_pk: int, measurement: Measurement) -> None:
        row = {
            "trial_pk": trial_pk,
            "step": measurement.step,
            "elapsed_seconds": measurement.elapsed_seconds,
            "metrics": codec.dump_json(dict(measurement.metrics)),
        }
        self._connection.execute(_INSERT_MEASUREMENT, row)

    def delete_measurements(self, trial_pk: int) -> None:
        self._connection.execute(delete(measurements).where(measurements.c.trial_pk == trial_pk))

    def _with_measurements(self, rows: list[Row[Any]]) -> list[TrialRecord]:
        found: list[Row[Any]] = []
        pks = [row.pk for row in rows]
        for start in range(0, len(pks), MAX_KEYS_PER_STATEMENT):
            chunk = {"b_trial_pks": pks[start : start + MAX_KEYS_PER_STATEMENT]}
            found += self._connection.execute(_MEASUREMENTS_OF, chunk)
        return trial_records(rows, _by_trial(found))


class _StudyColumns:
    """A joined row's study columns under their own names, as `study_record` reads them."""

    def __init__(self, row: Row[Any]) -> None:
        self._mapping = row._mapping

    def __getattr__(self, column: str) -> Any:
        return self._mapping[_STUDY_PREFIX + column]


def _in_states(study_pk: int, states: Collection[TrialState]) -> dict[str, Any]:
    """The values of `_IN_STATES`'s parameters: the study's trials in `states`."""
    return {"b_study_pk": study_pk, "b_states": [s.value for s in states]}


def _by_trial(found: list[Row[Any]]) -> dict[int, list[Measurement]]:
    """Measurement rows (ordered by trial and step) as each trial's measurements, their
    metrics parsed in one call: a study's listing reads tens of thousands."""
    by_trial: dict[int, list[Measurement]] = {}
    for m, values in zip(found, parse_all(m.metrics for m in found), strict=True):
        by_trial.setdefault(m.trial_pk, []).append(Measurement(values, m.step, m.elapsed_seconds))
    return by_trial


def trial_records(
    rows: Sequence[Row[Any]], measurements: Mapping[int, Sequence[Measurement]]
) -> list[TrialRecord]:
    """The trials of `rows`, each with its `measurements` (by trial pk).

    Every row's JSON columns are parsed in one call: a listing reads thousands of rows,
    and three parses per row took a third of the store's time there.
    """
    parsed = parse_all(
        text for row in rows for text in (row.parameters, row.metadata, row.final_measurement)
    )
    return [
        _trial_record(row, tuple(measurements.get(row.pk, ())), *parsed[3 * i : 3 * i + 3])
        for i, row in enumerate(rows)
    ]


def parse_all(texts: Iterable[str | None]) -> list[Any]:
    """Each JSON text parsed (None for None), in one call of the parser: on thousands of
    rows a call per text costs several times more.

    Raises ValueError if a text held more than one value, which would otherwise shift
    every later value onto the wrong row."""
    listed = ["null" if text is None else text for text in texts]
    parsed = json.loads("[" + ",".join(listed) + "]")
    if len(parsed) != len(listed):
        raise ValueError("a stored JSON text holds more than one value")
    return parsed


def _trial_record(
    row: Row[Any],
    trial_measurements: tuple[Measurement, ...],
    parameters: dict[str, Any],
    metadata: dict[str, str],
    final_measurement: Any,
) -> TrialRecord:
    trial = Trial(
        number=row.number,
        parameters=parameters,
        state=TrialState(row.state),
        client_id=row.client_id,
        lease_expire_time=codec.from_micros(row.lease_expire_time),
        measurements=trial_measurements,
        final_measurement=codec.from_plain(Measurement, final_measurement),
        infeasibility_reason=row.infeasibility_reason,
        metadata=metadata,
        create_time=codec.from_micros(row.create_time) or 0.0,
        start_time=codec.from_micros(row.start_time),
        complete_time=codec.from_micros(row.complete_time),
        update_time=codec.from_micros(row.update_time) or 0.0,
    )
    return TrialRecord(row.pk, trial, row.request_id)


def _queued_last(row: Row[Any]) -> tuple[bool, int]:
    return row.state == TrialState.REQUESTED.value, row.number


def _trial_row(study_pk: int, trial: Trial, request_id: str | None) -> dict[str, Any]:
    return {
        "study_pk": study_pk,
        "number": trial.number,
        "parameters": codec.dump_json(dict(trial.parameters)),
        "state": trial.state.value,
        "client_id": trial.client_id,
        "lease_expire_time": codec.micros_or_none(trial.lease_expire_time),
        "final_measurement": (
            codec.measurement_to_json(trial.final_measurement) if trial.final_measurement else None
        ),
        "infeasibility_reason": trial.infeasibility_reason,
        "metadata": codec.dump_json(dict(trial.metadata)),
        "request_id": request_id,
        "create_time": codec.to_micros(trial.create_time),
        "start_time": codec.micros_or_none(trial.start_time),
        "complete_time": codec.micros_or_none(trial.complete_time),
        "update_time": codec.to_micros(trial.update_time),
    }
