"""Driver errors as domain errors: outages as Unavailable with their cause, conflicts as Aborted."""

from __future__ import annotations

import contextlib
import logging
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, Table, exc, insert

from sibyl_server.domain.errors import Aborted, SibylServerError, Unavailable
from sibyl_server.store.locks import StudyLock

# PostgreSQL errors that mean "try again": serialization failure, deadlock.
_RETRYABLE_SQLSTATES = {"40001", "40P01"}


def insert_row(
    connection: Connection, table: Table, values: dict[str, Any], conflict: SibylServerError
) -> int:
    """Inserts `values` into `table` and returns the new row's primary key; a unique
    constraint that refuses the row raises `conflict` (the domain's word for it)."""
    try:
        pk = connection.execute(insert(table).values(values)).inserted_primary_key
    except exc.IntegrityError as error:
        raise conflict from error
    assert pk is not None
    return int(pk[0])


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
        line, kind = store_error_line(error), type(error.orig).__name__
        raise _unavailable(store_error_cause(error), line, kind) from error
    except exc.TimeoutError as error:  # the pool's: every connection busy past its timeout
        cause = "no database connection free (the pool is exhausted)"
        raise _unavailable(cause, cause, "TimeoutError") from error


def _unavailable(cause: str, line: str, kind: str) -> Unavailable:
    """The error a client retries, naming `cause`; `line` goes to the operators' log."""
    _outages.report(line, kind)
    return Unavailable(
        f"the store is unavailable: {cause}", reason="STORE_UNAVAILABLE", metadata={"cause": cause}
    )


_UNAVAILABLE_SQLSTATES = {
    "25006",  # read_only_sql_transaction: a standby, or a primary demoted by a failover
    "57P01",  # admin_shutdown
    "57P02",  # crash_shutdown
    "57P03",  # cannot_connect_now: starting up or in recovery
}


def is_store_unavailable(error: exc.DBAPIError) -> bool:
    """Whether `error` means the database cannot be reached now (worth retrying later):
    it cannot be reached, or it cannot take writes now (the clients retry until a
    failover's new primary does)."""
    unreachable = isinstance(error, (exc.OperationalError, exc.InterfaceError))
    return unreachable or error.connection_invalidated or _sqlstate(error) in _UNAVAILABLE_SQLSTATES


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


_log = logging.getLogger("sibyl_server.store")
_outages = _OutageLog(interval=10.0)


def _sqlstate(error: exc.DBAPIError) -> str | None:
    return getattr(error.orig, "sqlstate", None)


class TranslatedLock:
    """A study lock whose database errors surface as domain errors."""

    def __init__(self, lock: StudyLock) -> None:
        self._lock = lock

    def try_acquire(self) -> bool:
        with database_errors():
            return self._lock.try_acquire()

    def release(self) -> None:
        with database_errors():
            self._lock.release()
