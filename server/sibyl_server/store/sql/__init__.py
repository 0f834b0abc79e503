"""The SQL backend (SQLite and PostgreSQL): the `Store` Protocol over SQLAlchemy.

A transaction is one connection in one database transaction; its repositories, one
class per aggregate, share that connection.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from alembic.util import CommandError
from sqlalchemy import Connection, exc, func, select

from sibyl_server.domain.study import StudyState
from sibyl_server.domain.trial import TrialState
from sibyl_server.store import database as schema
from sibyl_server.store.database import WRITE_OPTION, Database
from sibyl_server.store.interface import (
    ConnectionBudget,
    PoolStatus,
    StoreProblem,
    TrialStateCount,
)
from sibyl_server.store.locks import StudyLock
from sibyl_server.store.sql.errors import (
    TranslatedLock,
    database_errors,
    is_store_unavailable,
    store_error_cause,
    store_error_line,
)
from sibyl_server.store.sql.studies import SqlStudies
from sibyl_server.store.sql.teams import SqlRates, SqlTeams
from sibyl_server.store.sql.trials import SqlTrials
from sibyl_server.store.tables import studies, trials


class SqlTransaction(SqlStudies, SqlTrials, SqlTeams, SqlRates):
    """Every repository, on one connection inside one database transaction."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def ping(self) -> None:
        self._connection.scalar(select(1))


class SqlStore:
    """Opens transactions and locks on one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    @contextlib.contextmanager
    def transaction(self, *, write: bool, snapshot: bool = False) -> Iterator[SqlTransaction]:
        writers = self.database.writers if write else contextlib.nullcontext()
        options: dict[str, object] = {WRITE_OPTION: write}
        if not write and self.database.statement_reads:
            # At READ COMMITTED each statement sees its own snapshot: one read in a
            # transaction would see no more consistent rows than the statements alone.
            options["isolation_level"] = "REPEATABLE READ" if snapshot else "AUTOCOMMIT"
        with database_errors(), writers:
            connection = self.database.engine.connect().execution_options(**options)
            with connection, connection.begin():
                yield SqlTransaction(connection)

    def study_lock(self, study_pk: int) -> StudyLock:
        return TranslatedLock(self.database.locks.study_lock(study_pk))

    def ping(self) -> None:
        with self.transaction(write=False) as tx:
            tx.ping()

    def trial_state_counts(self) -> list[TrialStateCount]:
        query = (
            select(studies.c.team, studies.c.study_id, trials.c.state, func.count())
            .join(trials, trials.c.study_pk == studies.c.pk)
            .where(studies.c.state == StudyState.ACTIVE.value)
            .group_by(studies.c.team, studies.c.study_id, trials.c.state)
        )
        with database_errors(), self.database.engine.connect() as connection:
            return [
                TrialStateCount(team, study, TrialState(state), int(count))
                for team, study, state, count in connection.execute(query)
            ]

    def pool_status(self) -> PoolStatus | None:
        pool = self.database.engine.pool
        readings = [getattr(pool, name, None) for name in ("checkedout", "checkedin", "overflow")]
        if any(reading is None for reading in readings):
            return None
        # SQLAlchemy's overflow() is the connections opened less the pool's size (negative
        # until the pool is full); the metric counts the connections beyond it.
        checked_out, idle, overflow = (int(reading()) for reading in readings)  # type: ignore[misc]
        return PoolStatus(checked_out, idle, max(overflow, 0))

    def migrate(self) -> None:
        with _set_up_problems():
            schema.migrate(self.database)

    def connection_budget(self) -> ConnectionBudget | None:
        with _set_up_problems():
            return schema.connection_budget(self.database)

    def close(self) -> None:
        self.database.dispose()


@contextlib.contextmanager
def _set_up_problems() -> Iterator[None]:
    try:
        yield
    except exc.DBAPIError as error:
        raise StoreProblem(
            store_error_line(error),
            cause=store_error_cause(error),
            reachable=not is_store_unavailable(error),
        ) from error
    except CommandError as error:  # Alembic's: a revision it cannot place
        line = (
            f"the database's schema is of a newer release ({error}): servers never migrate "
            "downwards; run that release, or restore the backup taken before the upgrade"
        )
        raise StoreProblem(line, cause="schema of a newer release", reachable=True) from error


__all__ = ["SqlStore", "SqlTransaction"]
