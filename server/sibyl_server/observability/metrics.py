"""Prometheus metrics: calls, suggestion phases, studies, the database pool.

Study-level numbers (observations, active trials) are read from the database when
Prometheus scrapes, so every replica reports the same, correct values (use max(),
not sum(), across replicas). Everything else is per replica.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine, and_, func, select

from sibyl_server.domain.study import StudyState
from sibyl_server.domain.trial import TrialState
from sibyl_server.store.tables import studies, trials

log = logging.getLogger(__name__)

_LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
SUGGESTION_PHASES = ("lock_wait", "store_read", "fit", "acquisition", "engine", "store_write")


class ServerMetrics:
    """The server's metrics, in a registry of their own (so tests can build several)."""

    def __init__(self, engine: Engine | None = None) -> None:
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
        if engine is not None:
            self.registry.register(DatabaseCollector(engine))

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
        host, port = address.rsplit(":", 1)
        self._http, _ = start_http_server(int(port), addr=host, registry=self.registry)
        return int(self._http.server_port)

    def close(self) -> None:
        http = getattr(self, "_http", None)
        if http is not None:
            http.shutdown()
            http.server_close()


class DatabaseCollector(Collector):
    """Per-study trial counts and connection-pool usage, read at scrape time."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def collect(self) -> Iterator[Any]:
        yield from self._pool()
        try:
            yield from self._studies()
        except Exception:  # a scrape must not fail because the database is down
            log.warning("could not read study metrics from the database", exc_info=True)

    def _pool(self) -> Iterator[Any]:
        pool = self._engine.pool
        usage = GaugeMetricFamily(
            "sibyl_db_pool_connections", "Database connections of this replica.", labels=["state"]
        )
        for state, method in (
            ("checked_out", "checkedout"),
            ("idle", "checkedin"),
            ("overflow", "overflow"),
        ):
            reading = getattr(pool, method, None)
            if reading is not None:
                usage.add_metric([state], float(reading()))
        yield usage

    def _studies(self) -> Iterator[Any]:
        observations = GaugeMetricFamily(
            "sibyl_study_observations",
            "Finished (COMPLETED or INFEASIBLE) trials per ACTIVE study.",
            labels=["team", "study"],
        )
        active = GaugeMetricFamily(
            "sibyl_study_active_trials", "ACTIVE trials per ACTIVE study.", labels=["team", "study"]
        )
        query = (
            select(studies.c.team, studies.c.study_id, trials.c.state, func.count())
            .join(trials, trials.c.study_pk == studies.c.pk)
            .where(
                and_(
                    studies.c.state == StudyState.ACTIVE.value,
                    trials.c.state.in_(
                        [
                            TrialState.ACTIVE.value,
                            TrialState.COMPLETED.value,
                            TrialState.INFEASIBLE.value,
                        ]
                    ),
                )
            )
            .group_by(studies.c.team, studies.c.study_id, trials.c.state)
        )
        finished: dict[tuple[str, str], float] = {}
        with self._engine.connect() as connection:
            for team, study, state, count in connection.execute(query):
                if state == TrialState.ACTIVE.value:
                    active.add_metric([team, study], float(count))
                else:
                    finished[(team, study)] = finished.get((team, study), 0.0) + count
        for (team, study), count in finished.items():
            observations.add_metric([team, study], count)
        yield observations
        yield active
