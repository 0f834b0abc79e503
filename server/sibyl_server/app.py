"""The composition root: assembling and running the server (build_server() for tests,
serve() for the CLI). The one module that knows every layer: it opens the store,
resolves the engine's options, and builds the use cases and servicers once.

Start-up: the port opens at once, health is NOT_SERVING (for "" and each service) and
calls are answered UNAVAILABLE while the store is reached, retried with backoff, and
migrated; then health turns SERVING. Shutdown: health NOT_SERVING at once, calls still
answered for the shutdown delay (so that balancers move away), then the drain: no new
calls, and those in flight get the grace period before they are cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import signal
import ssl
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import grpc
from google.protobuf.descriptor import ServiceDescriptor
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy.exc import ArgumentError

from sibyl.v1 import study_service_pb2, team_service_pb2
from sibyl_server.api.access import Access
from sibyl_server.api.errors import rich_status
from sibyl_server.api.http import HttpServer, allowed_hosts, http_app
from sibyl_server.api.rpc import Servicer, add_service, refusing_undecodable
from sibyl_server.api.servicer import StudyServicer
from sibyl_server.api.team_servicer import TeamServicer
from sibyl_server.config import UNWIND_SECONDS, ServerConfig
from sibyl_server.domain.errors import Unavailable
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import EngineOptions
from sibyl_server.observability.metrics import ServerMetrics
from sibyl_server.runtime import freeze_startup_heap, resolve_engine_options, running_event_loop
from sibyl_server.service.analysis import AnalysisUseCases
from sibyl_server.service.runner import Runner
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionSettings, SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.service.trials import TrialUseCases
from sibyl_server.store import Store, open_store
from sibyl_server.store.interface import StoreProblem

log = logging.getLogger(__name__)
T = TypeVar("T")
STUDY_SERVICE = study_service_pb2.DESCRIPTOR.services_by_name["StudyService"]
TEAM_SERVICE = team_service_pb2.DESCRIPTOR.services_by_name["TeamService"]
HEALTH_SERVICE = health_pb2.DESCRIPTOR.services_by_name["Health"]
SERVICE_NAMES = (STUDY_SERVICE.full_name, TEAM_SERVICE.full_name)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
RETRY_FIRST_SECONDS = 0.25
RETRY_MAX_SECONDS = 10.0
"""Backoff between attempts to reach the store at start (doubling, with jitter)."""


class StartupError(Exception):
    """A problem that waiting would not cure (a TLS file, the address): one line, exit 1."""


class CallGate:
    """In front of every service method: UNAVAILABLE until the store is ready; counts calls."""

    def __init__(self) -> None:
        self.ready = False
        # What the start-up waits for, as the calls refused meanwhile are told.
        self.waiting_for = "connecting to the store and migrating its schema"
        self.in_flight = 0

    def guard(self, servicer: Any) -> Any:
        """`servicer`'s methods, each behind this gate (add_service looks them up by name)."""
        return _Wrapped(servicer, self.around)

    def around(self, method: Callable[[Any, Any], Awaitable[Any]]) -> Any:
        """`method` (request, context), refused while starting and counted while running."""

        async def gated(request: Any, context: grpc.aio.ServicerContext) -> Any:
            if not self.ready:
                await _refuse(context, f"the server is starting: {self.waiting_for}")
            self.in_flight += 1
            try:
                return await method(request, context)
            finally:
                self.in_flight -= 1

        return gated

    async def unwind(self, timeout: float) -> None:
        """Waits (at most `timeout` s) until no call is running any more."""
        deadline = time.monotonic() + timeout
        while self.in_flight and time.monotonic() < deadline:
            await asyncio.sleep(0.01)


class _Wrapped:
    """Looks like the servicer it wraps; each method it hands out is `wrap(method)`
    (behind the call gate, or refusing undecodable requests)."""

    def __init__(self, servicer: Any, wrap: Callable[[Any], Any]) -> None:
        self._servicer = servicer
        self._wrap = wrap

    def __getattr__(self, name: str) -> Any:
        return self._wrap(getattr(self._servicer, name))


async def _refuse(context: grpc.aio.ServicerContext, message: str) -> None:
    # Like every error: ErrorInfo in the details, and no headers first, so clients retry it.
    status = rich_status(Unavailable(message, reason="SERVER_STARTING"))
    await context.abort(status.code, status.details, status.trailing_metadata)


@dataclass
class RunningServer:
    """A started server and what it owns; `stop()` releases all of it."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    store: Store
    metrics: ServerMetrics
    executors: tuple[ThreadPoolExecutor, ...]
    gate: CallGate
    startup: asyncio.Task[None] | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    metrics_port: int | None = None
    http: HttpServer | None = None
    suggestions: SuggestionUseCase | None = None

    @property
    def http_port(self) -> int | None:
        return None if self.http is None else self.http.port

    @property
    def ready(self) -> bool:
        return self.gate.ready

    async def wait_ready(self) -> None:
        """Returns once health is SERVING; raises what stopped the start-up."""
        if self.startup is not None:
            await asyncio.shield(self.startup)

    async def announce_shutdown(self) -> None:
        """Health NOT_SERVING for every name, at once (for good); calls are still answered."""
        await self.health.enter_graceful_shutdown()
        for task in (self.startup, *self.tasks):
            if task is not None:
                task.cancel()

    async def stop(self, grace: float | None) -> None:
        """NOT_SERVING, no new calls, `grace` s for those in flight, then cancels the rest."""
        await self.announce_shutdown()
        stopping = asyncio.gather(
            self.server.stop(grace), *([self.http.stop(grace)] if self.http else [])
        )
        await asyncio.wait({stopping}, timeout=grace)
        if not stopping.done() and self.gate.in_flight:
            # gRPC cancels them now; one line here instead of a traceback per call.
            log.warning(
                "drain: cancelling %d call(s) still running after %g s", self.gate.in_flight, grace
            )
        await stopping
        # Until the cancelled calls have unwound: the loop must not close under them.
        await self.gate.unwind(UNWIND_SECONDS)
        if self.suggestions is not None:  # before the store's threads stop: they release
            await self.suggestions.cancel_computations(UNWIND_SECONDS)
        for executor in self.executors:
            executor.shutdown(wait=False, cancel_futures=True)
        self.metrics.close()
        self.store.close()


async def build_server(config: ServerConfig) -> RunningServer:
    """Starts a server and returns once it serves (store reached and migrated).

    `port` is the bound port (useful with an address ending in ':0').
    """
    running = await start_server(config)
    try:
        await running.wait_ready()
    except BaseException:
        await running.stop(0)
        raise
    return running


async def start_server(config: ServerConfig) -> RunningServer:
    """Opens the port at once; the store is made ready in the background (`wait_ready`).

    Until then health is NOT_SERVING and calls are answered UNAVAILABLE.

    Raises:
        StartupError: unusable TLS files, an address that cannot be bound, a bad URL.
    """
    if config.tls_cert_file:
        check_tls_files(config.tls_cert_file, config.tls_key_file)
    store = _open_store(config)
    gate = CallGate()
    executors = (
        ThreadPoolExecutor(config.store_workers(), thread_name_prefix="sibyl-store"),
        ThreadPoolExecutor(config.engine_workers, thread_name_prefix="sibyl-engine"),
    )
    metrics = ServerMetrics(store)
    server = grpc.aio.server(options=_server_options(config))
    services, suggestions = _add_services(server, config, store, metrics, executors, gate)
    health_servicer = health.aio.HealthServicer()
    services.append((HEALTH_SERVICE, _Wrapped(health_servicer, refusing_undecodable)))
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (*SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    # Before the port opens: the health service's own default for "" is SERVING.
    await _set_health(health_servicer, NOT_SERVING)
    try:
        port = _bind(server, config)
        http = _bind_http(config, services)
    except StartupError:
        store.close()
        raise
    await server.start()
    running = RunningServer(server, port, health_servicer, store, metrics, executors, gate)
    running.suggestions = suggestions
    if http is not None:
        running.http = http
        http.start()  # answered like gRPC: UNAVAILABLE (503) until the store is ready
    running.startup = asyncio.create_task(_get_ready(running, config))
    return running


def _open_store(config: ServerConfig) -> Store:
    try:
        return open_store(config.store, pool_size=config.pool_size())
    except ArgumentError:  # its message quotes the URL, password included
        raise StartupError(
            "--store is not a database URL: sqlite:///path/to/file.db or "
            "postgresql://user:password@host:5432/database"
        ) from None
    except (ValueError, OSError) as error:
        raise StartupError(f"cannot open the store {config.store_for_logs()}: {error}") from None


def _add_services(
    server: grpc.aio.Server,
    config: ServerConfig,
    store: Store,
    metrics: ServerMetrics,
    executors: tuple[ThreadPoolExecutor, ThreadPoolExecutor],
    gate: CallGate,
) -> tuple[list[tuple[ServiceDescriptor, Any]], SuggestionUseCase]:
    """Registers the services; returns them, each with its gated servicer, and the
    suggestions' use case (whose computations the shutdown cancels)."""
    store_executor, engine_executor = executors
    teams = TeamUseCases(store, time.time)
    runner = Runner(store_executor, engine_executor)
    base = Servicer(Access(teams, config.auth == "token"), metrics, runner, config.access_log)
    engine = Engine(engine_options(config))
    suggestions = SuggestionUseCase(
        store,
        engine,
        time.time,
        runner,
        SuggestionSettings(config.lock_timeout_seconds, lock_slots=config.engine_workers),
    )
    studies = StudyServicer(
        base,
        StudyUseCases(store, time.time, stall_restarts=config.stall_restarts),
        TrialUseCases(store, time.time),
        suggestions,
        StoppingUseCases(store, time.time, engine, runner),
        AnalysisUseCases(store, engine, runner),
    )
    services = [
        (STUDY_SERVICE, gate.guard(studies)),
        (TEAM_SERVICE, gate.guard(TeamServicer(base, teams))),
    ]
    for descriptor, servicer in services:
        add_service(server, descriptor, servicer)
    return services, suggestions


def engine_options(config: ServerConfig) -> EngineOptions:
    """The engine's settings from the server's, resolved once, here: the engine reads no
    system state (device, CPU quota)."""
    return resolve_engine_options(
        EngineOptions(
            device=config.device,
            cpu_threads=config.torch_threads,
            max_exact_observations=config.max_exact_trials,
            stall_restarts=config.stall_restarts,
        )
    )


def _server_options(config: ServerConfig) -> list[tuple[str, int]]:
    options = [
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", config.max_message_bytes),
        # gRPC binds with SO_REUSEPORT by default: a second server on a port in use would
        # start and take half of the connections instead of refusing to start.
        ("grpc.so_reuseport", 0),
    ]
    if config.max_connection_age_seconds:
        # Clients reconnect now and then, so that round-robin finds replicas added since.
        options += [
            ("grpc.max_connection_age_ms", int(config.max_connection_age_seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", int(config.grace_seconds * 1000)),
        ]
    return options


def _bind(server: grpc.aio.Server, config: ServerConfig) -> int:
    try:
        if not config.tls_cert_file:
            return server.add_insecure_port(config.address)
        credentials = grpc.ssl_server_credentials(
            [(Path(config.tls_key_file).read_bytes(), Path(config.tls_cert_file).read_bytes())]
        )
        return server.add_secure_port(config.address, credentials)
    except RuntimeError:  # gRPC says no more than "Failed to bind to address"
        raise StartupError(
            f"cannot listen on {config.address}: the port is in use, or the host is not "
            "an address of this machine"
        ) from None


def _bind_http(
    config: ServerConfig, services: list[tuple[ServiceDescriptor, Any]]
) -> HttpServer | None:
    if not config.http_address:
        return None
    tls = (config.tls_cert_file, config.tls_key_file) if config.tls_cert_file else None
    hosts = allowed_hosts(config.http_address, config.http_allowed_hosts)
    app = http_app(services, config.max_message_bytes, hosts)
    try:
        return HttpServer(app, config.http_address, tls)
    except (OSError, ValueError) as error:
        problem = getattr(error, "strerror", None) or error
        raise StartupError(f"cannot serve HTTP on {config.http_address}: {problem}") from None


def check_tls_files(cert_file: str, key_file: str) -> None:
    """Raises StartupError naming the file and the problem unless the pair can serve TLS."""
    for kind, path in (("certificate", cert_file), ("key", key_file)):
        try:
            Path(path).read_bytes()
        except OSError as error:
            problem = error.strerror or type(error).__name__
            raise StartupError(f"cannot read the TLS {kind} file {path}: {problem}") from None
    try:
        ssl.create_default_context(cafile=cert_file)
    except ssl.SSLError:
        problem = f"the TLS certificate file {cert_file} holds no PEM certificate"
        raise StartupError(problem) from None
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        # A password callback: an encrypted key fails here instead of prompting on a tty.
        context.load_cert_chain(cert_file, key_file, password=lambda: b"")
    except ssl.SSLError as error:
        raise StartupError(_tls_key_problem(cert_file, key_file, error)) from None


def _tls_key_problem(cert_file: str, key_file: str, error: ssl.SSLError) -> str:
    if error.reason == "KEY_VALUES_MISMATCH":
        return f"the TLS key file {key_file} is not the key of the certificate in {cert_file}"
    if b"ENCRYPTED" in Path(key_file).read_bytes():
        return f"the TLS key file {key_file} is encrypted; the server needs an unencrypted key"
    return f"the TLS key file {key_file} holds no usable PEM private key ({error.reason or error})"


async def _get_ready(running: RunningServer, config: ServerConfig) -> None:
    """Migrates once the store answers, then opens the gate and turns health SERVING."""
    await _migrate_when_reachable(running.store, running.gate)
    await _in_daemon_thread(_check_connection_budget, running.store, config.pool_size())
    if config.metrics_address:
        running.metrics_port = _serve_metrics(running.metrics, config.metrics_address)
    running.gate.ready = True
    await _set_health(running.health, SERVING)
    watch = _watch_database(running.store, running.health, config)
    running.tasks.append(asyncio.create_task(watch))


async def _migrate_when_reachable(store: Store, gate: CallGate) -> None:
    """Migrates the schema; while the store cannot be reached, retries with backoff.

    Logs one line when the store turns out unreachable (and again when the cause
    changes), one when it is reached.
    """
    delay, cause = RETRY_FIRST_SECONDS, ""
    while True:
        try:
            await _in_daemon_thread(store.migrate)
        except StoreProblem as problem:
            if problem.reachable:
                raise StartupError(f"cannot migrate the store: {problem.line}") from None
            if problem.line != cause:
                cause = problem.line
                log.warning("store unreachable, retrying (health NOT_SERVING): %s", cause)
            gate.waiting_for = f"waiting for the store ({problem.cause})"
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))  # jitter: replicas spread
            delay = min(2 * delay, RETRY_MAX_SECONDS)
        else:
            if cause:
                log.info("store reachable; schema migrated")
            return


def _check_connection_budget(store: Store, pool_size: int) -> None:
    """Warns when this replica's pool cannot fit under PostgreSQL's connection limit."""
    try:
        budget = store.connection_budget()
    except StoreProblem as problem:
        log.warning("could not read the store's connection limits: %s", problem.line)
        return
    if budget is None:
        return
    facts = (
        f"this replica's pool may open {pool_size} connections (--db-pool-size); "
        f"PostgreSQL allows {budget.limit} for this user (max_connections "
        f"{budget.max_connections}, less reserved slots and role/database limits), "
        f"{budget.others} open by others now"
    )
    advice = "lower --db-pool-size or --workers, or raise max_connections"
    if pool_size > budget.limit:
        log.warning("%s: under load calls will fail with 'too many clients'; %s", facts, advice)
    elif pool_size > budget.limit - budget.others:
        log.warning("%s: the pool fits only if some of those close; %s", facts, advice)
    else:
        log.info("%s", facts)


def _serve_metrics(metrics: ServerMetrics, address: str) -> int:
    try:
        return metrics.serve(address)
    except OSError as error:
        raise StartupError(f"cannot serve metrics on {address}: {error.strerror}") from None


async def _in_daemon_thread(function: Callable[..., T], *args: Any) -> T:
    """`function(*args)` in a thread of its own that never holds up the process's exit.

    A connection attempt can hang (a host dropping packets); a SIGTERM meanwhile must
    still end the process, which the default executor's threads would prevent.
    """
    loop = asyncio.get_running_loop()
    future: asyncio.Future[T] = loop.create_future()

    def settle(result: Any, error: BaseException | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def run() -> None:
        try:
            outcome: tuple[Any, BaseException | None] = (function(*args), None)
        except BaseException as error:
            outcome = (None, error)
        with contextlib.suppress(RuntimeError):  # the loop closed: nobody waits any more
            loop.call_soon_threadsafe(settle, *outcome)

    threading.Thread(target=run, name="sibyl-startup", daemon=True).start()
    return await future


async def _set_health(
    servicer: health.aio.HealthServicer,
    status: int,
    services: tuple[str, ...] = ("", *SERVICE_NAMES),
) -> None:
    for service in services:
        await servicer.set(service, status)


async def _watch_database(
    store: Store, servicer: health.aio.HealthServicer, config: ServerConfig
) -> None:
    """The services' health follows the database: NOT_SERVING while it cannot be reached.

    The overall status ("") stays SERVING: the process itself is fine, and a liveness
    probe that restarted it would not bring the database back.
    """
    healthy = True
    ping: asyncio.Task[None] | None = None
    while True:
        await asyncio.sleep(config.health_check_seconds)
        if ping is None or ping.done():  # one at a time: a hung ping is not stacked
            ping = asyncio.create_task(_in_daemon_thread(store.ping))
        problem = await _ping_problem(ping)
        if healthy == bool(problem):
            healthy = not problem
            if healthy:
                log.info("database reachable again: services SERVING")
            else:
                log.warning("database unreachable, services NOT_SERVING: %s", problem)
            await _set_health(servicer, SERVING if healthy else NOT_SERVING, SERVICE_NAMES)


PING_TIMEOUT_SECONDS = 5.0
"""How long the health check waits for the database: across a network partition a
connection's query hangs, and health must still turn NOT_SERVING."""


async def _ping_problem(ping: asyncio.Task[None]) -> str:
    """Why the database did not answer `ping` in time ("" when it did). Any error is a
    problem, never the watcher's end: health would stay as it was for good."""
    try:
        await asyncio.wait_for(asyncio.shield(ping), PING_TIMEOUT_SECONDS)
    except TimeoutError:
        return f"no answer within {PING_TIMEOUT_SECONDS:g} s"
    except Unavailable as error:
        return error.metadata.get("cause", error.message)
    except Exception as error:  # e.g. the pool's own TimeoutError, all connections busy
        return f"{type(error).__name__}: {error}"
    return ""


class _StopSignals:
    """SIGTERM or SIGINT starts the shutdown; another signal cuts its delay short."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.first = asyncio.Event()
        self.again = asyncio.Event()
        self.received: int | None = None
        # As PID 1 in a container, a process without a handler ignores SIGTERM.
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self._receive, sig)

    def _receive(self, sig: int) -> None:
        if self.first.is_set():
            self.again.set()
        else:
            self.received = sig
            self.first.set()


def _bound(address: str, port: int) -> str:
    """`address` (host:port) with the port it was bound on (port 0 picks one)."""
    return f"{address.rsplit(':', 1)[0]}:{port}"


async def serve(config: ServerConfig) -> None:
    """Runs until SIGTERM or SIGINT, then shuts down as the module docstring says.

    Raises:
        StartupError: a problem waiting would not cure (TLS files, the address, ...).
    """
    signals = _StopSignals(asyncio.get_running_loop())
    running = await start_server(config)
    where = _bound(config.address, running.port)
    if running.http_port is not None:
        where += f", HTTP {_bound(config.http_address, running.http_port)}"
    log.info("listening on %s; health NOT_SERVING until the store is ready", where)
    try:
        ready = await _ready_unless_stopped(running, signals)
    except BaseException:
        await running.stop(0)
        raise
    if ready:
        if running.metrics_port is not None:  # bound once the store is ready (port 0 too)
            where += f", metrics {_bound(config.metrics_address, running.metrics_port)}"
        log.info(
            "sibyl serving on %s (auth %s, tls %s), store %s, event loop %s",
            where,
            config.auth,
            "on" if config.tls_cert_file else "off",
            config.store_for_logs(),
            running_event_loop(),
        )
        freeze_startup_heap()
        _write_port_file(config.port_file, running.port)
        await signals.first.wait()
    await _shut_down(running, config, signals)
    log.info("stopped")


async def _ready_unless_stopped(running: RunningServer, signals: _StopSignals) -> bool:
    """True once the server serves; False if a signal came first."""
    assert running.startup is not None
    stop = asyncio.create_task(signals.first.wait())
    await asyncio.wait({running.startup, stop}, return_when=asyncio.FIRST_COMPLETED)
    stop.cancel()
    if not running.startup.done():
        return False
    running.startup.result()  # raises what stopped the start-up
    return True


def _write_port_file(path: str, port: int) -> None:
    if path:
        # Written whole then renamed, so a reader never sees a partial file.
        partial = Path(path + ".partial")
        partial.write_text(f"{port}\n")
        partial.replace(path)


async def _shut_down(running: RunningServer, config: ServerConfig, signals: _StopSignals) -> None:
    """Health NOT_SERVING, calls answered for the delay (not after SIGINT), then the drain."""
    delay = config.shutdown_delay_seconds if signals.received == signal.SIGTERM else 0.0
    if not running.ready:
        delay = 0.0  # nothing served yet: no balancer to wait for
    log.info(
        "shutting down: health NOT_SERVING, calls answered for %g s more, then drained "
        "for up to %g s",
        delay,
        config.grace_seconds,
    )
    await running.announce_shutdown()
    if delay:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(signals.again.wait(), delay)
            log.info("another signal: draining now")
    await running.stop(config.grace_seconds)
