"""Opening a store URL: the engine, its connection settings, its locks, its schema."""

from __future__ import annotations

import collections
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import QueuePool

from sibyl_server.store.interface import ConnectionBudget
from sibyl_server.store.locks import FileLocks, LockFactory, PostgresLocks

MIGRATIONS = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_CONNECT_TIMEOUT_S = 10
"""Unless the URL sets connect_timeout: without one, a host that drops packets holds a
connection attempt (and the call waiting for it) for minutes."""
WRITE_OPTION = "sibyl_write"
"""Execution option marking a connection whose transaction will write (see begin())."""


class FifoLock:
    """A lock granted in the order it was asked for.

    `threading.Lock` lets whichever thread runs next take a released lock, so under a
    queue of SQLite writers an unlucky one can lose the race many times over: a tail
    of waits several times the median. Here each waiter gets its own gate, and the
    holder hands the lock to the oldest waiter when it leaves.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiting: collections.deque[threading.Lock] = collections.deque()
        self._held = False

    def __enter__(self) -> FifoLock:
        with self._mutex:
            if not self._held:
                self._held = True
                return self
            gate = threading.Lock()
            gate.acquire()
            self._waiting.append(gate)
        try:
            gate.acquire()  # opened by the holder that hands the lock over
        except BaseException:  # interrupted while waiting: leave the queue
            self._leave(gate)
            raise
        return self

    def _leave(self, gate: threading.Lock) -> None:
        """Takes a waiter's `gate` out of the queue; if the lock was already handed to
        it, hands it on instead, so that no later waiter waits for a thread that left."""
        with self._mutex:
            if gate in self._waiting:
                self._waiting.remove(gate)
                return
        self.__exit__()

    def __exit__(self, *_: object) -> None:
        with self._mutex:
            if self._waiting:
                self._waiting.popleft().release()  # still held: by the next in line
            else:
                self._held = False

    def locked(self) -> bool:
        """Whether a thread holds the lock (or is being handed it)."""
        return self._held

    @property
    def waiting(self) -> int:
        """How many threads wait for the lock."""
        return len(self._waiting)


@dataclass(frozen=True)
class Database:
    """An opened store: the SQLAlchemy engine and the matching cross-process locks.

    `writers`: what a write transaction of this process holds from before it begins
    until it ends. SQLite has one writer at a time, and a writer that finds the file
    locked polls with sleeps of up to 100 ms (its busy handler): with 32 workers that
    made a measurement's p99 1 s while its median was 21 ms. Queued on a lock in the
    process instead (a `FifoLock`: first come, first served), a writer starts as soon
    as the one before it commits; the busy handler is left to writers of other
    processes. PostgreSQL needs none.
    """

    engine: Engine
    locks: LockFactory
    writers: contextlib.AbstractContextManager[Any] = field(default_factory=contextlib.nullcontext)
    statement_reads: bool = False
    """Read transactions run each statement on its own (autocommit). On PostgreSQL, at
    READ COMMITTED (pinned for transactions and statements alike in `_open_postgres`),
    every statement of a transaction takes a fresh snapshot anyway, so a read sees the
    same rows without one; what goes is the BEGIN and COMMIT, a round trip each: a
    token's check went from three round trips to one. SQLite keeps the transaction:
    there it is what gives a read's statements one snapshot."""

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, pool_size: int = 10) -> Database:
    """Opens `sqlite:///path` or `postgresql://...` (no schema changes; see migrate()).

    The pool has at least 2 connections: a lock (held on its own connection) and the
    transaction it protects need one each.
    """
    pool_size = max(pool_size, 2)
    try:
        parsed = make_url(url)
    except exc.ArgumentError:
        # Not repeated: a URL holds the database's password.
        raise ValueError("not a database URL (e.g. sqlite:///sibyl.db)") from None
    if parsed.get_backend_name() == "sqlite":
        return _open_sqlite(url, pool_size)
    if parsed.get_backend_name() in ("postgresql", "postgres"):
        return _open_postgres(url, pool_size)
    raise ValueError(f"unsupported store {parsed.get_backend_name()!r}: use sqlite or postgresql")


def _open_sqlite(url: str, pool_size: int) -> Database:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise ValueError("SQLite store needs a file, e.g. sqlite:///sibyl.db")
    path = Path(database).resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Created here, once; connections then open it read-write without creating it, so a
    # file deleted while serving is UNAVAILABLE rather than a new, empty database that
    # takes writes. The path goes into the URL quoted, as it is: not decoded again.
    if not path.exists():
        # Readable by its owner only: it holds every team's studies and token hashes
        # (SQLite gives its -wal and -shm files the same permissions).
        path.touch(mode=0o600, exist_ok=True)
    engine = create_engine(
        URL.create("sqlite", database=f"file:{quote(str(path))}", query=_READ_WRITE),
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", _configure_sqlite_connection)
    event.listen(engine, "begin", _SqliteTransactions(path).begin)
    return Database(engine, FileLocks(path), writers=FifoLock())


_READ_WRITE = {"mode": "rw", "uri": "true"}


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # Turn off the driver's implicit BEGIN so that _SqliteTransactions.begin decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL: readers never block the writer; NORMAL sync is durable across crashes of
    # the process (not of the OS) and much faster, the usual choice with WAL.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


class _SqliteTransactions:
    """Begins each transaction, once the database file is checked to be the one opened."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._file = _identity(path)

    def begin(self, connection: Connection) -> None:
        # A pooled connection keeps a file deleted or replaced while serving open, and
        # its writes would be acknowledged, then lost: such a store is UNAVAILABLE.
        if _identity(self._path) != self._file:
            problem = sqlite3.OperationalError("the database file was deleted or replaced")
            raise exc.OperationalError("BEGIN", None, problem)
        # A write transaction takes the write lock up front (IMMEDIATE): upgrading a
        # read lock later could fail with SQLITE_BUSY when another writer got there first.
        write = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`; None where there is none (about 3 µs a
    call, measured; a SQLite write transaction takes over 1 ms)."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_dev, found.st_ino


def _open_postgres(url: str, pool_size: int) -> Database:
    parsed = make_url(url).set(drivername="postgresql+psycopg")
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in parsed.query:
        connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
    engine = create_engine(
        parsed,
        connect_args=connect_args,
        # No overflow: replicas x pool_size must stay under the server's max_connections,
        # so a replica never opens more than it was sized for.
        pool_size=pool_size,
        max_overflow=0,
        # No ping before each checkout (a round trip per transaction): after a database
        # restart the first call on a stale connection fails with UNAVAILABLE, which
        # clients retry, and SQLAlchemy then replaces every connection of the pool.
        pool_pre_ping=False,
        pool_recycle=1800,
        # Pinned, whatever the server's default_transaction_isolation: the writes'
        # compare-and-set updates and row locks are written for it. This sets the
        # isolation of each BEGIN; `_read_committed_session` that of the reads' statements,
        # which run without one (statement_reads).
        isolation_level="READ COMMITTED",
    )
    event.listen(engine, "connect", _read_committed_session)
    return Database(engine, PostgresLocks(engine), statement_reads=True)


def _read_committed_session(dbapi_connection: Any, _record: Any) -> None:
    # A statement outside a transaction runs at the session's default isolation: under a
    # server default of SERIALIZABLE each read would pay for predicate locks. One round
    # trip per new connection.
    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    dbapi_connection.execute("SET default_transaction_isolation = 'read committed'")
    dbapi_connection.autocommit = autocommit


def migrate(database: Database, revision: str = "head") -> None:
    """Creates or upgrades the schema to `revision`. Safe to run from many replicas."""
    with database.locks.migration_lock(), migration_transaction(database) as connection:
        config = AlembicConfig()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


@contextlib.contextmanager
def migration_transaction(database: Database) -> Iterator[Connection]:
    """A transaction for schema changes; on SQLite, with foreign keys off.

    A migration of SQLite that changes a table rebuilds it (Alembic's batch mode: copy,
    drop the old table, rename): with foreign keys on, dropping `studies` would delete
    every trial and measurement by cascade. SQLite ignores the setting inside a
    transaction, so it is set on the driver's connection before the transaction
    begins, and the foreign keys are checked before it commits.
    """
    with database.engine.connect() as connection:
        driver = connection.connection.driver_connection if database.dialect == "sqlite" else None
        if driver is not None:
            driver.execute("PRAGMA foreign_keys=OFF")
        try:
            with connection.begin():
                yield connection
                if driver is not None:
                    _check_foreign_keys(connection)
        finally:
            if driver is not None:
                driver.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"the migration left rows whose references are broken: {broken[:5]}")


def connection_budget(database: Database) -> ConnectionBudget | None:
    """The server's connection limits, or None for SQLite (no such limit)."""
    if database.dialect != "postgresql":
        return None
    with database.engine.connect() as connection:
        settings = {name: value for name, value in connection.execute(text(_SETTINGS_QUERY))}
        superuser, role_limit, database_limit, open_now = connection.execute(
            text(_LIMITS_QUERY)
        ).one()
    maximum = int(settings["max_connections"])
    reserved = sum(
        int(settings.get(name, 0))
        for name in ("superuser_reserved_connections", "reserved_connections")
        if not superuser
    )
    limits = [maximum - reserved, *(n for n in (role_limit, database_limit) if n >= 0)]
    pool = database.engine.pool
    own = pool.checkedin() + pool.checkedout() if isinstance(pool, QueuePool) else 1
    return ConnectionBudget(maximum, min(limits), max(int(open_now) - own, 0))


_SETTINGS_QUERY = """
SELECT name, setting FROM pg_settings WHERE name IN
  ('max_connections', 'superuser_reserved_connections', 'reserved_connections')
"""
_LIMITS_QUERY = """
SELECT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user),
       (SELECT rolconnlimit FROM pg_roles WHERE rolname = current_user),
       (SELECT datconnlimit FROM pg_database WHERE datname = current_database()),
       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend')
"""
