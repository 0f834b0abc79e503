"""Shared fixtures: real databases (SQLite file, PostgreSQL schema) and real servers.

PostgreSQL: SIBYL_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
Each test run gets a fresh schema, dropped at the end. Without a reachable PostgreSQL
the PostgreSQL tests are skipped with a notice, unless SIBYL_REQUIRE_POSTGRES=1 (set
in CI), which turns that into a failure.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event

from sibyl_server.local import scratch_postgres_schema
from sibyl_server.store.database import WRITE_OPTION
from tests.support import postgres
from tests.support.servers import ServerThread

POSTGRES_URL = os.environ.get(
    "SIBYL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
REQUIRE_POSTGRES = os.environ.get("SIBYL_REQUIRE_POSTGRES", "") == "1"
BACKENDS = ("sqlite", "postgresql")


def pytest_report_header(config: pytest.Config) -> str:
    problem = postgres.unreachable_reason(POSTGRES_URL)
    if problem is None:
        return f"PostgreSQL: {POSTGRES_URL} (a fresh schema per run)"
    if REQUIRE_POSTGRES:
        return f"PostgreSQL: REQUIRED but unreachable ({problem}): its tests will fail"
    return (
        f"PostgreSQL: NOT REACHABLE at {POSTGRES_URL} ({problem}): PostgreSQL tests are "
        "SKIPPED. Set SIBYL_TEST_POSTGRES_URL to run them."
    )


_READ_STATEMENT = re.compile(r"\s*(SELECT|SHOW|BEGIN)\b", re.IGNORECASE)
_ROW_LOCK = re.compile(r"\bFOR\s+(UPDATE|NO\s+KEY\s+UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


@pytest.fixture(autouse=True, scope="session")
def reads_only_read() -> Iterator[None]:
    """Every store read made in this process (stores and in-process servers alike) runs
    only statements that read and lock nothing: on PostgreSQL a read's statements are
    committed one by one, so a write or a row lock there would not be a transaction's."""
    event.listen(Engine, "before_cursor_execute", _check_read)
    yield
    event.remove(Engine, "before_cursor_execute", _check_read)


def _check_read(connection: Connection, _cursor: Any, statement: str, *_: Any) -> None:
    if connection.get_execution_options().get(WRITE_OPTION) is False:
        assert _READ_STATEMENT.match(statement), f"a store read ran {statement!r}"
        assert not _ROW_LOCK.search(statement), f"a store read locked rows: {statement!r}"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    problem = postgres.unreachable_reason(POSTGRES_URL)
    if problem is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"PostgreSQL is required (SIBYL_REQUIRE_POSTGRES=1): {problem}")
        pytest.skip(f"PostgreSQL not reachable: {problem}")
    with scratch_postgres_schema(POSTGRES_URL) as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'sibyl.db'}"


@pytest.fixture(scope="module", params=BACKENDS)
def store_url(request: pytest.FixtureRequest) -> str:
    """The URL of each backend in turn: every test using it runs on both."""
    name = "postgres_url" if request.param == "postgresql" else "sqlite_url"
    return str(request.getfixturevalue(name))


@pytest.fixture(scope="module")
def server(store_url: str) -> Iterator[ServerThread]:
    # CPU even where a GPU is present: GP suggestions are deterministic only on CPU.
    running = ServerThread(store_url, device="cpu")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def http_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerThread]:
    """A server on SQLite with the JSON/HTTP API and the dashboard on a port of their own."""
    url = f"sqlite:///{tmp_path_factory.mktemp('http') / 'sibyl.db'}"
    running = ServerThread(url, http_address="127.0.0.1:0", device="cpu")
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def unique_id() -> str:
    """A fresh study id, so tests sharing a server never see each other's studies."""
    return "s-" + uuid.uuid4().hex[:16]


@pytest.fixture
def tmp_sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'sibyl.db'}"
