"""Prometheus metrics: calls, suggestion phases, studies, the database pool.

Study-level numbers (observations, active trials) are read from the database when
Prometheus scrapes, so every replica reports the same, correct values (use max(),
not sum(), across replicas). Everything else is per replica.
"""

from __future__ import annotations

import dataclasses
import logging
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from sibyl_server.config import split_address
from sibyl_server.domain.errors import Unavailable
from sibyl_server.domain.trial import TrialState
from sibyl_server.store.interface import Store, TrialStateCount

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
SUGGESTION_PHASES = ("lock_wait", "store_read", "fit", "acquisition", "engine", "store_write")


class ServerMetrics:
    """The server's metrics, in a registry of their own (so tests can build several)."""

    def __init__(self, store: Store | None = None) -> None:
        self.registry = CollectorRegistry()
        self.rpc_requests = Counter(
            "sibyl_rpc_requests",
            "RPCs handled, by method and status code.",
            ["method", "code"],
            registry=self.registry,
        )
        self.rpc_seconds = Histogram(
            "sibyl_rpc_duration_seconds",
            "RPC latency, by method and status code.",
            ["method", "code"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.suggestion_seconds = Histogram(
            "sibyl_suggestion_phase_seconds",
            "Time of each phase of computing new suggestions: waiting for the study's "
            "lock, reading the snapshot, fitting the model, optimizing the acquisition "
            "(engine = fit + acquisition + the rest of the engine), writing the trials.",
            ["phase"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        if store is not None:
            self.registry.register(StoreCollector(store))

    def observe_call(self, method: str, code: str, seconds: float) -> None:
        self.rpc_requests.labels(method, code).inc()
        self.rpc_seconds.labels(method, code).observe(seconds)

    def observe_suggestion(self, timings: dict[str, float]) -> None:
        for phase, seconds in timings.items():
            if phase in SUGGESTION_PHASES:
                self.suggestion_seconds.labels(phase).observe(seconds)

    def serve(self, address: str) -> int:
        """Serves /metrics over HTTP on `address` (host:port; port 0 picks one) from a
        daemon thread until close(); returns the port."""
        host, port = split_address(address)
        self._http, _ = start_http_server(port, addr=host, registry=self.registry)
        return int(self._http.server_port)

    def close(self) -> None:
        http = getattr(self, "_http", None)
        if http is not None:
            http.shutdown()
            http.server_close()


class StoreCollector(Collector):
    """Per-study trial counts and connection-pool usage, read at scrape time."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def collect(self) -> Iterator[Any]:
        yield from self._pool()
        try:
            counts = self._store.trial_state_counts()
        except Unavailable as error:  # a scrape must not fail because the database is down
            log.warning("could not read study metrics: %s", error.message)
            return
        yield from _study_gauges(counts)

    def _pool(self) -> Iterator[Any]:
        status = self._store.pool_status()
        if status is None:
            return
        usage = GaugeMetricFamily(
            "sibyl_db_pool_connections", "Database connections of this replica.", labels=["state"]
        )
        for state, count in dataclasses.asdict(status).items():
            usage.add_metric([state], float(count))
        yield usage


def _study_gauges(counts: list[TrialStateCount]) -> Iterator[Any]:
    observations = GaugeMetricFamily(
        "sibyl_study_observations",
        "Finished (COMPLETED or INFEASIBLE) trials per ACTIVE study.",
        labels=["team", "study"],
    )
    active = GaugeMetricFamily(
        "sibyl_study_active_trials", "ACTIVE trials per ACTIVE study.", labels=["team", "study"]
    )
    finished: dict[tuple[str, str], float] = defaultdict(float)
    for count in counts:
        key = (count.team, count.study_id)
        if count.state is TrialState.ACTIVE:
            active.add_metric(list(key), float(count.count))
        elif count.state in (TrialState.COMPLETED, TrialState.INFEASIBLE):
            finished[key] += count.count
    for key, value in finished.items():
        observations.add_metric(list(key), value)
    yield observations
    yield active
