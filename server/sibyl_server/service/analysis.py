"""Analyses of a study for the people watching it: which parameters matter."""

from __future__ import annotations

from dataclasses import dataclass

from sibyl_server.domain.errors import FailedPrecondition, InvalidArgument
from sibyl_server.domain.names import StudyName
from sibyl_server.domain.study import StudySpec
from sibyl_server.domain.validation import check_name
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.importance import ImportanceResult
from sibyl_server.engine.interface import Observation
from sibyl_server.service.runner import Runner
from sibyl_server.service.suggestions import finished_observations
from sibyl_server.store.interface import Store


@dataclass(frozen=True)
class Importance:
    metric: str
    result: ImportanceResult


class AnalysisUseCases:
    """Reads on the store's threads, computes on the engine's: a fit never holds up the
    cheap calls, as for suggestions."""

    def __init__(self, store: Store, engine: Engine, runner: Runner) -> None:
        self._store = store
        self._engine = engine
        self._runner = runner

    async def parameter_importance(self, name: StudyName, metric: str = "") -> Importance:
        """Each parameter's importance for `metric` (the first objective when empty)."""
        if metric:
            check_name(metric, "metric")
        snapshot = await self._runner.in_store(self._read, name)
        metric = metric or snapshot.spec.objective.name
        _check_metric(snapshot, metric, name)
        result = await self._runner.in_engine(
            self._engine.parameter_importance,
            snapshot.spec,
            snapshot.completed,
            metric,
            snapshot.spec.seed or 0,
        )
        return Importance(metric, result)

    def _read(self, name: StudyName) -> _Snapshot:
        with self._store.transaction(write=False) as tx:
            record = tx.study(name)
            return _Snapshot(record.study.spec, finished_observations(tx, record.pk))


@dataclass(frozen=True)
class _Snapshot:
    spec: StudySpec
    completed: list[Observation]


def _check_metric(snapshot: _Snapshot, metric: str, name: StudyName) -> None:
    reported = {key for o in snapshot.completed for key in o.metrics}
    if metric not in reported | {m.name for m in snapshot.spec.metrics}:
        raise InvalidArgument(
            "metric", f"{metric!r} is not a metric of the spec, nor reported by a finished trial"
        )
    valued = sum(not o.infeasible and metric in o.metrics for o in snapshot.completed)
    if valued < 2:
        raise FailedPrecondition(
            f"{valued} finished trial(s) of study {name} have a value of {metric!r}; 2 are needed",
            reason="NOT_ENOUGH_TRIALS",
            metadata={"metric": metric},
        )
