"""Analyses of a study for the people watching it: which parameters matter."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
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


MEMO_SIZE = 64
"""Analyses a process keeps, by the digest of their inputs (each a few KiB)."""


class AnalysisUseCases:
    """Reads on the store's threads, computes on the engine's: a fit never holds up the
    cheap calls, as for suggestions.

    An analysis fits a GP (seconds of an engine thread) and every open dashboard of a
    study asks for it, so a process computes each one once: calls whose inputs (spec,
    finished trials, metric) have the same digest share one computation, running or
    done. This is a memo of a pure function, not study state: a replica without it
    answers the same, and a finished trial changes the digest. Analyses run one at a
    time, so that those of many studies hold up a suggestion by one analysis at most.
    """

    def __init__(self, store: Store, engine: Engine, runner: Runner) -> None:
        self._store = store
        self._engine = engine
        self._runner = runner
        self._memo: OrderedDict[tuple[str, str], asyncio.Task[ImportanceResult]] = OrderedDict()
        self._gate: tuple[asyncio.AbstractEventLoop, asyncio.Semaphore] | None = None

    async def parameter_importance(self, name: StudyName, metric: str = "") -> Importance:
        """Each parameter's importance for `metric` (the first objective when empty)."""
        if metric:
            check_name(metric, "metric")
        snapshot = await self._runner.in_store(self._read, name)
        metric = metric or snapshot.spec.objective.name
        _check_metric(snapshot, metric, name)
        # Shielded: a caller that hangs up leaves the computation to the others waiting.
        return Importance(metric, await asyncio.shield(self._importance(snapshot, metric)))

    def _importance(self, snapshot: _Snapshot, metric: str) -> asyncio.Task[ImportanceResult]:
        """The memo's computation for these inputs, started if there is none."""
        key = (metric, snapshot.digest)
        computation = self._memo.get(key)
        if computation is not None and not _failed(computation):
            self._memo.move_to_end(key)
            return computation
        computation = asyncio.ensure_future(self._compute(snapshot, metric))
        self._memo[key] = computation
        while len(self._memo) > MEMO_SIZE:
            self._memo.popitem(last=False)
        return computation

    async def _compute(self, snapshot: _Snapshot, metric: str) -> ImportanceResult:
        """Runs one analysis at a time per process: analyses of many studies queue here,
        not on the engine's pool, where each would hold up the suggestions behind it."""
        async with self._one_at_a_time():
            return await self._runner.in_engine(
                self._engine.parameter_importance,
                snapshot.spec,
                snapshot.completed,
                metric,
                snapshot.spec.seed or 0,
            )

    def _one_at_a_time(self) -> asyncio.Semaphore:
        """The running event loop's semaphore (made on first use: it belongs to it)."""
        loop = asyncio.get_running_loop()
        if self._gate is None or self._gate[0] is not loop:
            self._gate = (loop, asyncio.Semaphore(1))
        return self._gate[1]

    def _read(self, name: StudyName) -> _Snapshot:
        with self._store.transaction(write=False) as tx:
            record = tx.study(name)
            spec, completed = record.study.spec, finished_observations(tx, record.pk)
        # Here, on the store's thread: the text of 10,000 trials takes tens of ms.
        digest = hashlib.blake2b(repr((spec, completed)).encode()).hexdigest()
        return _Snapshot(spec, completed, digest)


@dataclass(frozen=True)
class _Snapshot:
    spec: StudySpec
    completed: list[Observation]
    digest: str
    """Of what an analysis depends on, but the metric: equal digests, equal results."""


def _failed(computation: asyncio.Task[ImportanceResult]) -> bool:
    """A failed computation is tried again by the next call rather than kept."""
    return computation.done() and (computation.cancelled() or computation.exception() is not None)


def _check_metric(snapshot: _Snapshot, metric: str, name: StudyName) -> None:
    reported = {key for o in snapshot.completed for key in o.metrics}
    if metric not in reported | {m.name for m in snapshot.spec.metrics}:
        raise InvalidArgument(
            "metric",
            f"{metric!r} is not a metric of the spec, nor in a finished trial's final measurement",
        )
    valued = sum(not o.infeasible and metric in o.metrics for o in snapshot.completed)
    if valued < 2:
        raise FailedPrecondition(
            f"{valued} finished trial(s) of study {name} have a value of {metric!r}; 2 are needed",
            reason="NOT_ENOUGH_TRIALS",
            metadata={"metric": metric},
        )
