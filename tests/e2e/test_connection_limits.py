"""PostgreSQL's max_connections against the pool: warned at start, and named when calls fail.

A PostgreSQL cluster of its own (initdb, a few seconds) with a small max_connections;
the shared test database is never touched.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

import sibyl
from benchmarks.postgres_cluster import ThrowawayPostgres, postgres_bin_dir
from tests.support.servers import ServerProcess

MAX_CONNECTIONS = 8
RESERVED = 2
"""superuser_reserved_connections: the server's role (not a superuser) gets 8 - 2 = 6."""
SPEC = {"parameters": {"c": ["a", "b"]}, "metrics": {"y": "minimize"}, "algorithm": "grid_search"}
NO_RETRY = sibyl.RetryConfig(window_seconds=0, connect_window_seconds=0)


@pytest.fixture(scope="module")
def small_postgres() -> Iterator[tuple[str, str]]:
    """(superuser URL, URL of the non-superuser `sibyl`) of a cluster of its own."""
    if postgres_bin_dir() is None:
        pytest.skip("PostgreSQL's initdb and pg_ctl are not installed")
    with ThrowawayPostgres(MAX_CONNECTIONS, superuser_reserved_connections=RESERVED) as cluster:
        with psycopg.connect(cluster.url, autocommit=True) as connection:
            connection.execute("CREATE ROLE sibyl LOGIN")
            connection.execute("CREATE DATABASE sibyl OWNER sibyl")
        yield cluster.url, f"postgresql://sibyl@127.0.0.1:{cluster.port}/sibyl"


def _records(server: ServerProcess) -> list[dict[str, Any]]:
    return [json.loads(line) for line in server.log_path.read_text().splitlines()]


@contextlib.contextmanager
def every_slot_taken(admin_url: str) -> Iterator[None]:
    """Connections (as the superuser) until PostgreSQL has no slot left for anyone."""
    held: list[psycopg.Connection[Any]] = []
    try:
        while True:
            try:
                held.append(psycopg.connect(admin_url, autocommit=True))
            except psycopg.OperationalError as error:
                assert "too many clients" in str(error)
                break
        yield
    finally:
        for connection in held:
            connection.close()


def test_a_pool_larger_than_the_limit_is_warned_about(
    small_postgres: tuple[str, str], tmp_path: Path
) -> None:
    _, url = small_postgres
    with ServerProcess(
        url, tmp_path, db_pool_size=10, log_format="json", shutdown_delay_seconds=0
    ) as server:
        with sibyl.connect(server.address) as client:
            assert list(client.list_studies()) == []
        records = _records(server)
    warnings = [r["message"] for r in records if r["level"] == "WARNING"]
    limit = MAX_CONNECTIONS - RESERVED
    assert any(
        "pool may open 10 connections" in m
        and f"PostgreSQL allows {limit} for this user (max_connections {MAX_CONNECTIONS}" in m
        and "too many clients" in m
        for m in warnings
    ), warnings


def test_no_slot_left_names_the_cause_to_the_client_and_in_the_log(
    small_postgres: tuple[str, str], tmp_path: Path, unique_id: str
) -> None:
    admin, url = small_postgres
    with ServerProcess(
        url, tmp_path, log_format="json", db_pool_size=4, shutdown_delay_seconds=0
    ) as server:
        client = sibyl.connect(server.address, retry=NO_RETRY)
        client.create_study(unique_id, SPEC)
        with psycopg.connect(admin, autocommit=True) as connection:
            # The server's idle connections gone: its next calls must open new ones.
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = 'sibyl'"
            )
        with every_slot_taken(admin):
            messages = [_unavailable_message(client, unique_id) for _ in range(5)]
        assert any(
            "the store is unavailable: FATAL: sorry, too many clients already" in m
            for m in messages
        ), messages
        assert all("127.0.0.1" not in m and "sibyl@" not in m for m in messages)
        client.close()
        # Once slots free up (PostgreSQL takes a moment), a client that retries gets in.
        with sibyl.connect(server.address) as patient:
            assert patient.get_study(unique_id).name.endswith(unique_id)
        records = _records(server)
    causes = [
        r["message"]
        for r in records
        if r["level"] == "WARNING" and r["message"].startswith("store unavailable: ")
    ]
    assert any("FATAL: sorry, too many clients already (OperationalError" in m for m in causes), (
        causes
    )
    assert not any("exception" in r for r in records), "a cause, not a traceback"


def _unavailable_message(client: sibyl.Client, study_id: str) -> str:
    try:
        client.get_study(study_id)
    except sibyl.UnavailableError as error:
        return str(error)
    return "answered"
