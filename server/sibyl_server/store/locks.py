"""Locks that span server processes: one per study around suggestion, one for migrations.

An in-process lock would be wrong: replicas are separate processes. Both kinds here
are released by the operating system or the database when their holder dies, so a
killed replica never leaves a study locked:
- PostgreSQL: session-level advisory locks on a connection held for the lock's life.
- SQLite (one machine): flock(2) on a file per lock beside the database file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from sqlalchemy import Connection, Engine, func, select

from sibyl_server.domain.errors import Unavailable

# Advisory lock keys are (namespace, object) pairs of 32-bit ints; the namespace keeps
# Sibyl's locks apart from other users of the database.
_STUDY_NAMESPACE = 0x51B7
_MIGRATION_NAMESPACE = 0x51B8
_INT32 = 0x7FFFFFFF


class StudyLock(Protocol):
    def try_acquire(self) -> bool:
        """Takes the lock if it is free; never waits."""
        ...

    def release(self) -> None: ...


class LockFactory(Protocol):
    def study_lock(self, study_pk: int) -> StudyLock: ...

    def migration_lock(self) -> contextlib.AbstractContextManager[None]: ...


class PostgresAdvisoryLock:
    def __init__(self, engine: Engine, namespace: int, key: int) -> None:
        self._engine = engine
        self._keys = (namespace, key & _INT32)
        self._connection: Connection | None = None

    def try_acquire(self) -> bool:
        connection = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            acquired = connection.scalar(select(func.pg_try_advisory_lock(*self._keys)))
        except Exception:
            connection.close()
            raise
        if not acquired:
            connection.close()
            return False
        self._connection = connection
        return True

    def release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.scalar(select(func.pg_advisory_unlock(*self._keys)))
        except Exception:
            # The connection is broken, so the session and its lock are gone already.
            connection.invalidate()
        finally:
            connection.close()


class PostgresLocks:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def study_lock(self, study_pk: int) -> StudyLock:
        return PostgresAdvisoryLock(self._engine, _STUDY_NAMESPACE, study_pk)

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        keys = (_MIGRATION_NAMESPACE, 0)
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.scalar(select(func.pg_advisory_lock(*keys)))
            try:
                yield
            finally:
                conn.scalar(select(func.pg_advisory_unlock(*keys)))


class FileLock:
    """flock(2) on its own open file: exclusive between processes and between threads."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        fd = _open_lock_file(self._path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def acquire(self) -> None:
        fd = _open_lock_file(self._path)
        fcntl.flock(fd, fcntl.LOCK_EX)
        self._fd = fd

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


def _open_lock_file(path: Path) -> int:
    """The lock file's descriptor; its folder made again if it was removed while serving
    (a clean-up of empty files). A file that cannot be opened leaves the store unusable
    for suggestions: UNAVAILABLE, naming the cause, as a database that cannot be opened."""
    try:
        try:
            return os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
        except FileNotFoundError:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise Unavailable(
            f"the store is unavailable: cannot open its lock file {path.name}: {error.strerror}",
            reason="STORE_UNAVAILABLE",
            metadata={"cause": str(error.strerror)},
        ) from error


class FileLocks:
    """Lock files in `<database file>.locks/`, one per study (kept; they are empty)."""

    def __init__(self, database_path: Path) -> None:
        self._directory = database_path.with_name(database_path.name + ".locks")
        self._directory.mkdir(mode=0o700, parents=True, exist_ok=True)

    def study_lock(self, study_pk: int) -> StudyLock:
        return FileLock(self._directory / f"study-{study_pk}.lock")

    @contextlib.contextmanager
    def migration_lock(self) -> Iterator[None]:
        lock = FileLock(self._directory / "migration.lock")
        lock.acquire()
        try:
            yield
        finally:
            lock.release()
