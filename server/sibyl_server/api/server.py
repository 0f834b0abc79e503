"""Assembling and running the server: build_server() for tests, serve() for the CLI."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from sibyl.v1 import study_service_pb2, team_service_pb2
from sibyl_server.api.access import Access
from sibyl_server.api.rpc import Servicer, add_service
from sibyl_server.api.servicer import StudyServicer
from sibyl_server.api.team_servicer import TeamServicer
from sibyl_server.config import ServerConfig
from sibyl_server.domain.errors import Unavailable
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.options import EngineOptions
from sibyl_server.observability.metrics import ServerMetrics
from sibyl_server.service.stopping import StoppingUseCases
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionSettings, SuggestionUseCase
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.service.trials import TrialUseCases
from sibyl_server.store.database import Database, migrate, open_database
from sibyl_server.store.repository import Store

log = logging.getLogger(__name__)
STUDY_SERVICE = study_service_pb2.DESCRIPTOR.services_by_name["StudyService"]
TEAM_SERVICE = team_service_pb2.DESCRIPTOR.services_by_name["TeamService"]
SERVICE_NAMES = (STUDY_SERVICE.full_name, TEAM_SERVICE.full_name)
SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING


@dataclass
class RunningServer:
    """A started server and what it owns; `stop()` releases all of it."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    database: Database
    metrics: ServerMetrics
    executors: tuple[ThreadPoolExecutor, ...]
    tasks: list[asyncio.Task[None]] = field(default_factory=list)
    metrics_port: int | None = None

    async def stop(self, grace: float | None) -> None:
        """Health NOT_SERVING at once (so balancers move away), then drain for `grace`."""
        await self.health.enter_graceful_shutdown()
        for task in self.tasks:
            task.cancel()
        await self.server.stop(grace)
        for executor in self.executors:
            executor.shutdown(wait=False, cancel_futures=True)
        self.metrics.close()
        self.database.dispose()


async def build_server(config: ServerConfig) -> RunningServer:
    """Opens the store (migrating it), wires the services and starts listening.

    Returns once the server accepts calls; `port` is the bound port (useful with
    an address ending in ':0').
    """
    database = open_database(config.store, pool_size=config.pool_size())
    # In a thread: the loop stays free to take SIGTERM while another replica migrates.
    await asyncio.to_thread(migrate, database)
    store = Store(database)
    store_executor = ThreadPoolExecutor(config.workers, thread_name_prefix="sibyl-store")
    engine_executor = ThreadPoolExecutor(config.engine_workers, thread_name_prefix="sibyl-engine")
    metrics = ServerMetrics(database.engine)
    metrics_port = metrics.serve(config.metrics_address) if config.metrics_address else None
    teams = TeamUseCases(store, time.time)
    base = Servicer(
        Access(teams, config.auth == "token"), metrics, store_executor, config.access_log
    )
    suggestions = SuggestionUseCase(
        store,
        Engine(EngineOptions(device=config.device, torch_threads=config.torch_threads)),
        time.time,
        store_executor,
        engine_executor,
        SuggestionSettings(config.lock_timeout_seconds, engine_slots=config.engine_workers),
    )
    server = grpc.aio.server(options=_server_options(config))
    add_service(
        server,
        STUDY_SERVICE,
        StudyServicer(
            base,
            StudyUseCases(store, time.time),
            TrialUseCases(store, time.time),
            suggestions,
            StoppingUseCases(store, time.time),
        ),
    )
    add_service(server, TEAM_SERVICE, TeamServicer(base, teams))
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (*SERVICE_NAMES, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    port = _bind(server, config)
    await server.start()
    await _set_health(health_servicer, SERVING)
    running = RunningServer(
        server, port, health_servicer, database, metrics, (store_executor, engine_executor)
    )
    running.metrics_port = metrics_port
    running.tasks.append(
        asyncio.create_task(
            _watch_database(store, health_servicer, store_executor, config.health_check_seconds)
        )
    )
    return running


def _server_options(config: ServerConfig) -> list[tuple[str, int]]:
    options = [
        ("grpc.max_receive_message_length", config.max_message_bytes),
        ("grpc.max_send_message_length", config.max_message_bytes),
    ]
    if config.max_connection_age_seconds:
        # Clients reconnect now and then, so that round-robin finds replicas added since.
        options += [
            ("grpc.max_connection_age_ms", int(config.max_connection_age_seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", int(config.grace_seconds * 1000)),
        ]
    return options


def _bind(server: grpc.aio.Server, config: ServerConfig) -> int:
    if not config.tls_cert_file:
        return server.add_insecure_port(config.address)
    credentials = grpc.ssl_server_credentials(
        [(Path(config.tls_key_file).read_bytes(), Path(config.tls_cert_file).read_bytes())]
    )
    return server.add_secure_port(config.address, credentials)


async def _set_health(
    servicer: health.aio.HealthServicer,
    status: int,
    services: tuple[str, ...] = ("", *SERVICE_NAMES),
) -> None:
    for service in services:
        await servicer.set(service, status)


async def _watch_database(
    store: Store,
    servicer: health.aio.HealthServicer,
    executor: ThreadPoolExecutor,
    interval: float,
) -> None:
    """The services' health follows the database: NOT_SERVING while it cannot be reached.

    The overall status ("") stays SERVING: the process itself is fine, and a liveness
    probe that restarted it would not bring the database back.
    """
    loop = asyncio.get_running_loop()
    healthy = True
    while True:
        await asyncio.sleep(interval)
        try:
            await loop.run_in_executor(executor, store.ping)
            reachable = True
        except Unavailable:
            reachable = False
        except RuntimeError:  # the pool is shut down: the server is stopping
            return
        if reachable != healthy:
            healthy = reachable
            log.warning("database %s", "reachable again" if healthy else "unreachable")
            await _set_health(servicer, SERVING if healthy else NOT_SERVING, SERVICE_NAMES)


async def serve(config: ServerConfig) -> None:
    """Runs until SIGTERM or SIGINT, then drains calls in flight for the grace period."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    # Handlers first: as PID 1 in a container, a process without one ignores SIGTERM.
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    running = await build_server(config)
    host = config.address.rsplit(":", 1)[0]
    log.info(
        "sibyl serving on %s:%d (auth %s, tls %s), store %s",
        host,
        running.port,
        config.auth,
        "on" if config.tls_cert_file else "off",
        _redacted(config.store),
    )
    if config.port_file:
        # Written whole then renamed, so a reader never sees a partial file.
        partial = Path(config.port_file + ".partial")
        partial.write_text(f"{running.port}\n")
        partial.replace(config.port_file)
    await stop.wait()
    log.info("shutting down: draining calls for up to %.0f s", config.grace_seconds)
    with contextlib.suppress(asyncio.CancelledError):
        await running.stop(config.grace_seconds)
    log.info("stopped")


def _redacted(url: str) -> str:
    """The store URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
