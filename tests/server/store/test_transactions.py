"""What a store transaction is on each backend: PostgreSQL reads run statement by
statement (no BEGIN and COMMIT round trips) at a pinned READ COMMITTED, unless they ask
for one snapshot; SQLite reads keep one snapshot for all their statements."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from sibyl_server.store.sql import SqlStore, SqlTransaction
from sibyl_server.store.tables import teams
from tests.support.stores import migrated_store


@contextmanager
def sql_store(url: str) -> Iterator[SqlStore]:
    with migrated_store(url, pool_size=2) as store:
        assert isinstance(store, SqlStore)
        yield store


@pytest.fixture
def postgres_store(postgres_url: str) -> Iterator[SqlStore]:
    with sql_store(postgres_url) as store:
        yield store


def _transaction_clock(tx: SqlTransaction) -> list[datetime]:
    """now() twice, 20 ms apart: PostgreSQL's now() is the start of the transaction."""
    first = tx._connection.scalar(select(func.now()))
    time.sleep(0.02)
    return [first, tx._connection.scalar(select(func.now()))]


def test_a_postgresql_read_runs_each_statement_on_its_own(postgres_store: SqlStore) -> None:
    with postgres_store.transaction(write=False) as tx:
        first, second = _transaction_clock(tx)
    assert second != first  # two transactions: no BEGIN before them, no COMMIT after
    with postgres_store.transaction(write=True) as tx:
        first, second = _transaction_clock(tx)
    assert second == first  # a write is one transaction


def test_postgresql_reads_and_writes_are_read_committed_whatever_the_server_default(
    postgres_url: str,
) -> None:
    # The server's default for these connections is SERIALIZABLE; the store pins its own,
    # for the statements of a read (no transaction) as for a write's transaction.
    url = make_url(postgres_url)
    options = " ".join(["-cdefault_transaction_isolation=serializable", url.query["options"]])
    with sql_store(url.update_query_dict({"options": options}).render_as_string(False)) as store:
        for write in (False, True):
            with store.transaction(write=write) as tx:
                isolation = tx._connection.scalar(text("SHOW transaction_isolation"))
            assert isolation == "read committed", f"write={write}"


def test_a_sqlite_read_sees_one_snapshot_for_all_its_statements(tmp_sqlite_url: str) -> None:
    count = select(func.count()).select_from(teams)
    with sql_store(tmp_sqlite_url) as store:
        with store.transaction(write=False) as reader:
            before = reader._connection.scalar(count)
            with store.transaction(write=True) as writer:  # another connection commits
                writer._connection.execute(
                    teams.insert().values(team="t", quotas="{}", create_time=0)
                )
            assert reader._connection.scalar(count) == before
        with store.transaction(write=False) as reader:
            assert reader._connection.scalar(count) == before + 1


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_snapshot_read_sees_one_snapshot_for_all_its_statements(
    backend: str, request: pytest.FixtureRequest
) -> None:
    # The suggestion's snapshot reads the finished trials, then the pending ones: a trial
    # finishing between the two statements was in neither on PostgreSQL.
    url = request.getfixturevalue("postgres_url" if backend == "postgresql" else "tmp_sqlite_url")
    count = select(func.count()).select_from(teams)
    with sql_store(url) as store:
        with store.transaction(write=False, snapshot=True) as reader:
            before = reader._connection.scalar(count)
            with store.transaction(write=True) as writer:  # another connection commits
                writer._connection.execute(
                    teams.insert().values(team="t", quotas="{}", create_time=0)
                )
            assert reader._connection.scalar(count) == before
        with store.transaction(write=False, snapshot=True) as reader:
            assert reader._connection.scalar(count) == before + 1
