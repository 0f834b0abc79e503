"""Studies in SQL: the `StudyRepository` of a transaction."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, Row, and_, bindparam, delete, func, select, update

from sibyl_server.domain.errors import study_exists, study_not_found
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import Study, StudyState
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.store import codec
from sibyl_server.store.interface import StudyChanges, StudyRecord
from sibyl_server.store.sql.errors import insert_row
from sibyl_server.store.tables import studies, teams


class SqlStudies:
    _connection: Connection

    def insert_study(self, study: Study, request_id: str | None) -> StudyRecord:
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
        exists = study_exists(StudyName(study.team, study.study_id))
        return StudyRecord(insert_row(self._connection, studies, values, exists), study, "")

    def study(self, name: StudyName, *, lock: bool = False) -> StudyRecord:
        return study_record(self._study_row(name, lock))

    def study_and_quotas(
        self, name: StudyName, *, lock: bool = False
    ) -> tuple[StudyRecord, TeamQuotas]:
        row = self._study_row(name, lock, with_quotas=True)
        quotas = codec.quotas_from_json(row.team_quotas) if row.team_quotas else TeamQuotas()
        return study_record(row), quotas

    def study_and_engine_state(self, name: StudyName) -> tuple[StudyRecord, dict[str, Any]]:
        row = self._study_row(name, lock=False)
        return study_record(row), json.loads(row.engine_state or "{}")

    def _study_row(self, name: StudyName, lock: bool, with_quotas: bool = False) -> Row[Any]:
        """The study's row; `with_quotas` adds its team's (`team_quotas`, None without a
        team record)."""
        query = _STUDY_ROW[with_quotas, lock]
        row = self._connection.execute(query, name_parameters(name)).first()
        if row is None:
            raise study_not_found(name)
        return row

    def study_by_request_id(self, team: str, request_id: str) -> StudyRecord | None:
        query = select(studies).where(
            and_(studies.c.team == team, studies.c.request_id == request_id)
        )
        row = self._connection.execute(query).first()
        return None if row is None else study_record(row)

    def studies(self, team: str, after_pk: int, limit: int) -> list[StudyRecord]:
        query = (
            select(studies)
            .where(and_(studies.c.team == team, studies.c.pk > after_pk))
            .order_by(studies.c.pk)
            .limit(limit)
        )
        return [study_record(row) for row in self._connection.execute(query)]

    def delete_study(self, study_pk: int) -> None:
        # Measurements and trials go with it (ON DELETE CASCADE).
        self._connection.execute(delete(studies).where(studies.c.pk == study_pk))

    def update_study(self, study_pk: int, now: float, changes: StudyChanges) -> None:
        values = _changed_columns(changes, now)
        self._connection.execute(update(studies).where(studies.c.pk == study_pk).values(values))

    def allocate_trial_numbers(
        self, study_pk: int, count: int, changes_at: tuple[float, StudyChanges] | None = None
    ) -> int:
        # The row stays locked until the transaction ends: concurrent allocations on
        # one study queue up.
        values = {} if changes_at is None else _changed_columns(changes_at[1], now=changes_at[0])
        query = (
            update(studies)
            .where(studies.c.pk == study_pk)
            .values(trial_count=studies.c.trial_count + count, **values)
            .returning(studies.c.trial_count)
        )
        last = self._connection.execute(query).scalar_one()
        return int(last) - count + 1

    def count_studies(self, team: str, state: StudyState) -> int:
        query = select(func.count()).where(
            and_(studies.c.team == team, studies.c.state == state.value)
        )
        return int(self._connection.scalar(query) or 0)


def _changed_columns(changes: StudyChanges, now: float) -> dict[str, Any]:
    """The columns a change at `now` sets, in their stored form."""
    columns: dict[str, Any] = {"update_time": codec.to_micros(now)}
    if changes.state is not None:
        columns["state"] = changes.state.value
    if changes.state_reason is not None:
        columns["state_reason"] = changes.state_reason
    if changes.exhausted_reason is not None:
        columns["exhausted_reason"] = changes.exhausted_reason
    if changes.engine_state is not None:
        columns["engine_state"] = codec.dump_json(dict(changes.engine_state))
    if changes.spec is not None:
        columns["spec"] = codec.spec_to_json(changes.spec)
    if changes.display_name is not None:
        columns["display_name"] = changes.display_name
    return columns


NAMED = and_(studies.c.team == bindparam("b_team"), studies.c.study_id == bindparam("b_study"))
"""The condition that selects a study by its team and id: executed with `name_parameters`.

The calls every worker makes (a report, a completion, a suggestion's reads) run the same
few statements. Building one (and its cache key, by which SQLAlchemy finds the compiled
SQL) took 50-150 us of the interpreter's time per execution, a large share of a call;
a statement built once keeps its cache key (docs/operations.md#scaling)."""


def name_parameters(name: StudyName) -> dict[str, Any]:
    """The values of `NAMED`'s parameters for the study `name`."""
    return {"b_team": name.team, "b_study": name.study}


def _study_row_query(with_quotas: bool, lock: bool) -> Any:
    query = select(studies)
    if with_quotas:
        query = select(studies, teams.c.quotas.label("team_quotas")).select_from(
            studies.outerjoin(teams, teams.c.team == studies.c.team)
        )
    query = query.where(NAMED)
    if lock:
        # FOR NO KEY UPDATE: trial inserts (which take KEY SHARE on the study) still
        # pass. OF studies: a joined team's row stays free to other calls.
        query = query.with_for_update(key_share=True, of=studies)
    return query


_STUDY_ROW = {
    (with_quotas, lock): _study_row_query(with_quotas, lock)
    for with_quotas in (False, True)
    for lock in (False, True)
}
"""`SqlStudies._study_row`'s four statements, by (with quotas, locked)."""


def study_record(row: Row[Any]) -> StudyRecord:
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
    return StudyRecord(row.pk, study, row.exhausted_reason)
