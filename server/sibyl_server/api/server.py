"""Assembling and running the server: build_server() for tests, serve() for the CLI."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from sibyl.v1 import study_service_pb2, study_service_pb2_grpc
from sibyl_server.api.servicer import StudyServicer
from sibyl_server.config import ServerConfig
from sibyl_server.engine.engine import Engine, EngineOptions
from sibyl_server.service.studies import StudyUseCases
from sibyl_server.service.suggestions import SuggestionSettings, SuggestionUseCase
from sibyl_server.service.trials import TrialUseCases
from sibyl_server.store.database import Database, migrate, open_database
from sibyl_server.store.repository import Store

log = logging.getLogger(__name__)
SERVICE_NAME = study_service_pb2.DESCRIPTOR.services_by_name["StudyService"].full_name


@dataclass
class RunningServer:
    """A started server and what it owns; `stop()` releases all of it."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    database: Database
    executors: tuple[ThreadPoolExecutor, ...]

    async def stop(self, grace: float | None) -> None:
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        for executor in self.executors:
            executor.shutdown(wait=False, cancel_futures=True)
        self.database.dispose()


async def build_server(config: ServerConfig) -> RunningServer:
    """Opens the store (migrating it), wires the services and starts listening.

    Returns once the server accepts calls; `port` is the bound port (useful with
    an address ending in ':0').
    """
    database = open_database(config.store, pool_size=config.pool_size())
    migrate(database)
    store = Store(database)
    store_executor = ThreadPoolExecutor(config.workers, thread_name_prefix="sibyl-store")
    engine_executor = ThreadPoolExecutor(config.engine_workers, thread_name_prefix="sibyl-engine")
    engine = Engine(EngineOptions(device=config.device))
    servicer = StudyServicer(
        StudyUseCases(store, time.time),
        TrialUseCases(store, time.time),
        SuggestionUseCase(
            store,
            engine,
            time.time,
            store_executor,
            engine_executor,
            SuggestionSettings(lock_timeout_seconds=config.lock_timeout_seconds),
        ),
        store_executor,
    )
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", config.max_message_bytes),
            ("grpc.max_send_message_length", config.max_message_bytes),
        ]
    )
    study_service_pb2_grpc.add_StudyServiceServicer_to_server(servicer, server)
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
    )
    port = server.add_insecure_port(config.address)
    await server.start()
    for service in ("", SERVICE_NAME):
        await health_servicer.set(service, health_pb2.HealthCheckResponse.SERVING)
    return RunningServer(server, port, health_servicer, database, (store_executor, engine_executor))


async def serve(config: ServerConfig) -> None:
    """Runs until SIGTERM or SIGINT, then drains calls in flight for the grace period."""
    running = await build_server(config)
    host = config.address.rsplit(":", 1)[0]
    log.info("sibyl serving on %s:%d, store %s", host, running.port, _redacted(config.store))
    if config.port_file:
        # Written whole then renamed, so a reader never sees a partial file.
        partial = Path(config.port_file + ".partial")
        partial.write_text(f"{running.port}\n")
        partial.replace(config.port_file)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    log.info("shutting down: draining calls for up to %.0f s", config.grace_seconds)
    await running.stop(config.grace_seconds)
    log.info("stopped")


def _redacted(url: str) -> str:
    """The store URL without its password, for logs."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
