"""Store outages name their cause: the client's UNAVAILABLE message and a WARNING line."""

from __future__ import annotations

import logging
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from sibyl_server.domain.errors import Unavailable
from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec, Study, StudySpec, StudyState
from sibyl_server.store import Store, open_store
from sibyl_server.store.sql.errors import store_error_cause, store_error_line

SPEC = StudySpec((ParameterSpec.double("x", 0, 1),), (MetricSpec("loss", Goal.MINIMIZE),))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unreachable_postgres_names_the_cause_without_address_or_password(
    caplog: pytest.LogCaptureFixture,
) -> None:
    port = _closed_port()
    store = open_store(f"postgresql://sibyl:s3cret@127.0.0.1:{port}/sibyl", pool_size=2)
    try:
        with caplog.at_level(logging.WARNING), pytest.raises(Unavailable) as caught:
            store.ping()
    finally:
        store.close()
    assert caught.value.message == "the store is unavailable: Connection refused"
    assert caught.value.reason == "STORE_UNAVAILABLE"
    assert caught.value.metadata == {"cause": "Connection refused"}
    (logged,) = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert f"port {port} failed: Connection refused (OperationalError)" in logged
    assert "s3cret" not in logged


def test_the_same_cause_is_logged_once_not_per_call(caplog: pytest.LogCaptureFixture) -> None:
    store = open_store(f"postgresql://sibyl@127.0.0.1:{_closed_port()}/x", pool_size=2)
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(3):
                with pytest.raises(Unavailable):
                    store.ping()
    finally:
        store.close()
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1


def test_a_read_only_postgres_is_unavailable_not_an_internal_error(postgres_url: str) -> None:
    # As a standby, or a primary demoted by a failover, answers every write.
    migrated = open_store(postgres_url, pool_size=2)
    migrated.migrate()
    migrated.close()
    url = postgres_url.replace("options=", "options=-cdefault_transaction_read_only%3Don%20", 1)
    store = open_store(url, pool_size=2)
    try:
        study = Study("t", "s", SPEC, StudyState.ACTIVE, create_time=1.0, update_time=1.0)
        with pytest.raises(Unavailable) as caught, store.transaction(write=True) as tx:
            tx.insert_study(study, None)
    finally:
        store.close()
    assert caught.value.reason == "STORE_UNAVAILABLE"
    assert "read-only transaction" in caught.value.message


def test_an_unopenable_sqlite_file_names_the_cause(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}", pool_size=2)
    try:
        store.migrate()
        store.close()
        path.rename(tmp_path / "moved.db")
        path.mkdir()  # a folder where the file was: SQLite cannot open it
        with pytest.raises(Unavailable) as caught:
            store.ping()
    finally:
        store.close()
    assert caught.value.message == "the store is unavailable: unable to open database file"


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[tuple[Store, Path]]:
    """A migrated SQLite store, and its file."""
    path = tmp_path / "store.db"
    store = open_store(f"sqlite:///{path}", pool_size=2)
    try:
        store.migrate()
        yield store, path
    finally:
        store.close()


def test_a_sqlite_file_deleted_while_serving_is_unavailable_not_a_new_database(
    sqlite_store: tuple[Store, Path],
) -> None:
    store, path = sqlite_store
    store.ping()  # a pooled connection holds the file open
    path.unlink()
    for _ in range(3):  # the pooled connection, then new ones
        with pytest.raises(Unavailable) as caught, store.transaction(write=True) as tx:
            tx.insert_study(_study(), None)
    assert "deleted or replaced" in caught.value.message
    assert not path.exists(), "no new, empty database took its place"


def test_a_sqlite_url_is_decoded_once(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/a%2520b%3F.db", pool_size=2)
    try:
        store.migrate()
        with store.transaction(write=True) as tx:
            tx.insert_study(_study(), None)
    finally:
        store.close()
    # %2520 is "%20" once decoded (not a space), and %3F a "?" (not a query), for the
    # database and its locks alike.
    names = {p.name for p in tmp_path.iterdir()}
    assert {"a%20b?.db", "a%20b?.db.locks"} <= names
    assert names <= {"a%20b?.db", "a%20b?.db.locks", "a%20b?.db-wal", "a%20b?.db-shm"}


def test_a_removed_lock_folder_is_made_again_and_an_unusable_one_is_unavailable(
    sqlite_store: tuple[Store, Path],
) -> None:
    store, path = sqlite_store
    locks = path.with_name("store.db.locks")
    shutil.rmtree(locks)  # a clean-up of empty files while serving
    lock = store.study_lock(1)
    assert lock.try_acquire()
    lock.release()
    shutil.rmtree(locks)
    locks.write_text("")  # a file where the folder was
    with pytest.raises(Unavailable) as caught:
        store.study_lock(1).try_acquire()
    assert caught.value.message.startswith(
        "the store is unavailable: cannot open its lock file study-1.lock"
    )


def _study() -> Study:
    return Study("t", "s", SPEC, StudyState.ACTIVE, create_time=1.0, update_time=1.0)


def test_error_lines_keep_the_first_line_and_mask_credentials() -> None:
    error = RuntimeError(
        "could not use postgresql://sibyl:hunter2@db:5432/sibyl or password=hunter2\n\tDETAIL: more"
    )
    line = store_error_line(error)
    assert line == "could not use postgresql://***@db:5432/sibyl or password=***"
    assert store_error_cause(RuntimeError("x " * 400)).endswith("...")
    assert len(store_error_line(RuntimeError("x " * 400))) == 300


def test_a_new_sqlite_database_is_its_owner_s_alone(sqlite_store: tuple[Store, Path]) -> None:
    store, path = sqlite_store
    with store.transaction(write=True) as tx:
        tx.insert_study(_study(), None)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in path.parent.iterdir()}
    assert modes["store.db"] == 0o600 and modes["store.db.locks"] == 0o700
    assert all(mode & 0o077 == 0 for mode in modes.values()), modes


def test_a_pool_with_no_free_connection_is_unavailable_not_an_internal_error(
    postgres_url: str,
) -> None:
    store = open_store(postgres_url, pool_size=2)
    store.migrate()
    engine = store.database.engine  # type: ignore[attr-defined]
    held = [engine.connect() for _ in range(2)]
    engine.pool._timeout = 0.2  # SQLAlchemy's 30 s, shortened: the test waits it out
    try:
        with pytest.raises(Unavailable) as caught, store.transaction(write=False) as tx:
            tx.ping()
    finally:
        for connection in held:
            connection.close()
        store.close()
    assert caught.value.reason == "STORE_UNAVAILABLE"
    assert "pool is exhausted" in caught.value.message
