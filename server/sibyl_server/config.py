"""Server configuration: one frozen dataclass, loaded from flags and SIBYL_* variables."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sibyl_server.runtime import EVENT_LOOPS

ENV_PREFIX = "SIBYL_"
LOCAL_STORE_THREADS = 4
"""Database threads by default for a store in the process's own machine (SQLite, memory)."""
NETWORK_STORE_THREADS = 16
"""Database threads by default for a store across a network (PostgreSQL)."""
OTHER_VARIABLES = frozenset(
    {
        # Read by the client and its command line.
        "SIBYL_TEAM",
        "SIBYL_TOKEN",
        "SIBYL_TLS",
        "SIBYL_TLS_CA_FILE",
        # Read by the test suite, the Node.js client's tests and the image's health check.
        "SIBYL_TEST_POSTGRES_URL",
        "SIBYL_REQUIRE_POSTGRES",
        "SIBYL_REQUIRE_NODE",
        "SIBYL_REQUIRE_BROWSER",
        "SIBYL_FUZZ_PROFILE",
        "SIBYL_PYTHON",
        "SIBYL_HEALTHCHECK_CA_FILE",
        "SIBYL_HEALTHCHECK_TLS_NAME",
    }
)


def _option(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


UNWIND_SECONDS = 5.0
"""After the drain, how long cancelled calls get to unwind before the loop closes, and
then the computations still running to release their study locks (each at most)."""
MIN_MESSAGE_BYTES = 64 * 1024
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEVICE = re.compile(r"auto|cpu|cuda(:[0-9]+)?")
ADDRESS = re.compile(r"(?P<host>\[[0-9A-Fa-f:.]+\]|[^:\[\]]*):(?P<port>[0-9]{1,5})")


def split_address(address: str) -> tuple[str, int]:
    """`host:port` (`[v6]:port`, port 0 to 65535) as its host, brackets off, and port.

    Every listening address is read here: gRPC bound port 70000 as 4464, and an
    address without a port on 443.
    """
    match = ADDRESS.fullmatch(address)
    if match is None or int(match["port"]) > 65535:
        raise ValueError(f"{address!r} is not host:port with a port from 0 to 65535")
    return match["host"].removeprefix("[").removesuffix("]"), int(match["port"])


def check_address(name: str, address: str) -> None:
    try:
        split_address(address)
    except ValueError as error:
        raise ValueError(f"{name}: {error}") from None


@dataclass(frozen=True)
class ServerConfig:
    """Everything an operator can set. Each field is flag --a-b and variable SIBYL_A_B."""

    address: str = _option("127.0.0.1:50051", "host:port to listen on (port 0 picks a free one)")
    store: str = _option(
        "sqlite:///sibyl.db",
        "database URL: sqlite:///path/to/file.db (one machine) or "
        "postgresql://user:password@host:5432/database (shared by replicas), or "
        "memory:// (this process only, nothing kept: for trying things out)",
    )
    auth: str = _option(
        "none", "none (single-user: no tokens) or token (bearer tokens per team and role)"
    )
    tls_cert_file: str = _option("", "PEM certificate chain; with --tls-key-file, serve TLS")
    tls_key_file: str = _option("", "PEM private key of --tls-cert-file")
    metrics_address: str = _option(
        "", "host:port for Prometheus metrics at /metrics; empty: no metrics endpoint"
    )
    http_address: str = _option(
        "",
        "host:port for the JSON/HTTP API (POST /sibyl.v1.StudyService/GetStudy etc., same "
        "tokens and TLS as gRPC; see docs/http.md); empty: no HTTP, gRPC only",
    )
    http_allowed_hosts: str = _option(
        "",
        "Host names the HTTP port answers to, comma-separated (e.g. sibyl.example.com), "
        "against DNS rebinding; empty: the host of --http-address (and localhost when it "
        "is a loopback address), any when it is 0.0.0.0; * for any",
    )
    workers: int = _option(
        0,
        "threads for database work (every call uses one briefly); 0 = 4 on SQLite (and the "
        "in-memory store), 16 on PostgreSQL",
    )
    engine_workers: int = _option(
        1, "suggestions computed at once; each uses --torch-threads CPU threads"
    )
    torch_threads: int = _option(
        0, "CPU threads per computation fitting over 1000 trials (smaller: one); 0 = CPU quota"
    )
    device: str = _option(
        "auto",
        "where models run: auto (CUDA if present, for steps fitting 500 trials or more; "
        "smaller ones on the CPU, which is quicker there), cpu, cuda, cuda:N (every step)",
    )
    max_exact_trials: int = _option(
        400,
        "the most trials a GP_BANDIT step fits exactly; a larger study is fitted on a subset "
        "of this size. One step on 5,000 trials fitted exactly: about 0.3 s on an H200, "
        "6 s on 16 CPU threads (docs/engine.md#gpu)",
    )
    stall_restarts: bool = _option(
        False,
        "the default of studies whose spec leaves stall_restarts unset (fixed in the spec "
        "at creation): restart GP_BANDIT in place of a single-objective study whose best "
        "value stopped improving, four initial designs of trials on, while its GP ignores an "
        "input: escapes local optima, costs refinement where the GP ignores an input from "
        "the start (docs/engine.md#stalls-in-a-local-optimum)",
    )
    max_message_bytes: int = _option(4 * 1024 * 1024, "largest request or response accepted")
    max_connection_age_seconds: float = _option(
        0.0,
        "close client connections after this long (gracefully), so that clients "
        "balancing over replicas find new ones; 0 = never",
    )
    grace_seconds: float = _option(
        10.0, "how long the drain after SIGTERM waits for calls in flight before cancelling them"
    )
    shutdown_delay_seconds: float = _option(
        5.0,
        "after SIGTERM, health is NOT_SERVING at once but calls are still answered for this "
        "long, so that load balancers and probes move away before the drain; SIGINT skips it",
    )
    lock_timeout_seconds: float = _option(
        120.0, "how long SuggestTrials waits for another computation on the same study"
    )
    db_pool_size: int = _option(
        0,
        "database connections per replica; 0 = the database threads (--workers, or its "
        "default for the store) + engine-workers + 4 "
        "(keep replicas x this under PostgreSQL's max_connections)",
    )
    port_file: str = _option(
        "",
        "write the bound port to this file once serving, i.e. after the store was reached "
        "and migrated (for supervisors and tests)",
    )
    health_check_seconds: float = _option(
        2.0, "how often the database is checked; health is NOT_SERVING while it is down"
    )
    event_loop: str = _option(
        "auto",
        "the event loop that runs gRPC, HTTP and the calls' hand-offs to threads: uvloop, "
        "asyncio (the standard library's), or auto (uvloop where it is installed: the "
        "server extra installs it everywhere but on Windows; docs/operations.md#event-loop)",
    )
    access_log: bool = _option(False, "log every call at INFO (failed calls are always logged)")
    log_level: str = _option("INFO", "DEBUG, INFO, WARNING or ERROR")
    log_format: str = _option("text", "text, or json for one JSON object per line")

    def __post_init__(self) -> None:
        if self.auth not in ("none", "token"):
            raise ValueError(f"auth must be none or token, not {self.auth!r}")
        if bool(self.tls_cert_file) != bool(self.tls_key_file):
            raise ValueError("tls_cert_file and tls_key_file go together")
        if self.log_format not in ("text", "json"):
            raise ValueError(f"log_format must be text or json, not {self.log_format!r}")
        if self.event_loop not in EVENT_LOOPS:
            raise ValueError(
                f"event_loop must be {', '.join(EVENT_LOOPS)}, not {self.event_loop!r}"
            )
        if self.engine_workers < 1:
            raise ValueError("engine_workers must be at least 1")
        if self.max_exact_trials < 2:
            raise ValueError("max_exact_trials must be at least 2")
        for name in ("workers", "grace_seconds", "shutdown_delay_seconds", "db_pool_size"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        if not self.health_check_seconds > 0:  # 0 pinged the database in a busy loop
            raise ValueError("health_check_seconds must be above 0")
        if self.max_message_bytes < MIN_MESSAGE_BYTES:  # gRPC reads -1 as no limit, HTTP not
            raise ValueError(f"max_message_bytes must be at least {MIN_MESSAGE_BYTES}")
        if self.torch_threads < 0:
            raise ValueError("torch_threads must not be negative")
        if self.log_level.upper() not in LOG_LEVELS:
            raise ValueError(f"log_level must be {', '.join(LOG_LEVELS)}, not {self.log_level!r}")
        if not DEVICE.fullmatch(self.device):
            raise ValueError(f"device must be auto, cpu, cuda or cuda:N, not {self.device!r}")
        check_address("address", self.address)
        for name in ("metrics_address", "http_address"):
            if getattr(self, name):
                check_address(name, getattr(self, name))

    def stop_seconds(self) -> float:
        """The longest time from SIGTERM to the process's exit: the shutdown delay, the
        drain, the calls' unwinding and the computations' release of their locks (a
        supervisor's stop timeout must exceed it, preStop hook included)."""
        return self.shutdown_delay_seconds + self.grace_seconds + 2 * UNWIND_SECONDS

    def store_workers(self) -> int:
        """Threads for database work: `workers`, or where that is 0, the store's default.

        The threads share one interpreter lock, so beyond those waiting on the database
        they add only switching: SQLite's calls never wait on a network, and on two cores
        4 threads did about 8% more trials/s than 16 (docs/operations.md#store-threads).
        A PostgreSQL round trip waits on the network, longer for a remote database, and
        each waiting call holds a thread, so PostgreSQL keeps 16.
        """
        if self.workers:
            return self.workers
        from sibyl_server.store import is_local  # here, so that `sibyl serve --help` stays quick

        return LOCAL_STORE_THREADS if is_local(self.store) else NETWORK_STORE_THREADS

    def pool_size(self) -> int:
        """Database connections this replica may open (see docs/operations.md, Database)."""
        return self.db_pool_size or self.store_workers() + self.engine_workers + 4

    def store_for_logs(self) -> str:
        """The store URL with its password hidden."""
        # Imported here, so that `sibyl serve --help` stays quick.
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(self.store)
        except (ArgumentError, ValueError):  # not repeated: a malformed URL may hold a secret
            return "(not a valid database URL)"
        # libpq also reads a password from the query (?password=..., ?sslpassword=...).
        query = {k: "hidden" if "password" in k.lower() else v for k, v in url.query.items()}
        return url.set(query=query).render_as_string(hide_password=True)


def load_config(
    argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None
) -> ServerConfig:
    """Flags win over environment variables, which win over the defaults."""
    environ = os.environ if environ is None else environ
    parser = argparse.ArgumentParser(prog="sibyl serve", description="Run the Sibyl server.")
    for item in dataclasses.fields(ServerConfig):
        variable = ENV_PREFIX + item.name.upper()
        kind = _parse_bool if isinstance(item.default, bool) else type(item.default)
        default = _parse(kind, variable, environ[variable]) if variable in environ else item.default
        parser.add_argument(
            "--" + item.name.replace("_", "-"),
            dest=item.name,
            type=kind,
            metavar=_metavar(item.default),
            default=default,
            help=f"{item.metadata['help']} [{variable}; default {item.default!r}]",
        )
    return ServerConfig(**vars(parser.parse_args(argv)))


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """SIBYL_* variables that no setting reads: most likely misspelt."""
    known = {ENV_PREFIX + f.name.upper() for f in dataclasses.fields(ServerConfig)}
    return sorted(
        name
        for name in environ
        if name.startswith(ENV_PREFIX) and name not in known and name not in OTHER_VARIABLES
    )


def _parse(kind: Any, variable: str, text: str) -> Any:
    try:
        return kind(text)
    except ValueError:
        # A ValueError as the settings' own checks raise: `sibyl serve` exits 2 for both.
        raise ValueError(f"{variable}={text!r} is not a valid {kind.__name__}") from None


def _parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"{text!r} is not a boolean")


_parse_bool.__name__ = "boolean"


def _metavar(default: Any) -> str:
    return {bool: "BOOL", int: "N", float: "SECONDS"}.get(type(default), "TEXT")
