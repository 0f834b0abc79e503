"""SuggestTrials: hand out existing trials first, then compute new ones under a study lock.

The steps, and why they are split as they are:
1. Claim what already exists (the caller's own ACTIVE trials, REQUESTED trials,
   trials whose lease expired) with compare-and-set updates: no lock needed (but the
   study's row, to complete a study whose budget is spent once nothing is pending).
2. If more are needed, take the study's cross-process lock (waiting asynchronously,
   so a waiting call holds no thread), read a snapshot, run the engine on the engine
   pool, and write the new trials and engine state. Holding the lock across these
   steps means every pending trial is in the snapshot of the next computation, and
   two replicas never compute for one study at once.
3. Calls of this process that need new trials of one study while a computation for it
   runs (or waits for the lock) join one batch: the next computation makes the trials
   of all of them at once (at most `batch_limit`), each written for its own caller.
   Many workers asking one study at once then cost one snapshot, engine step and write
   between them, instead of queueing for one each.
Cheap calls (reads, measurements, completions) never take the lock, and the engine
runs on its own bounded pool, so they never wait for a model fit.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncIterator
from typing import TypeVar

from sibyl_server.domain.errors import (
    Aborted,
    FailedPrecondition,
    InvalidArgument,
    NotFound,
    ResourceExhausted,
)
from sibyl_server.domain.names import StudyName, parse_study_name
from sibyl_server.domain.study import ParameterValue, StudySpec, StudyState
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.domain.trial import Trial, TrialState
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import (
    FidelityPoint,
    Observation,
    Parameters,
    PriorObservations,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.stopping import Curve
from sibyl_server.service.lifecycle import (
    FINISHED_STATES,
    GRID_EXHAUSTED,
    PENDING_STATES,
    budget_left,
    complete_if_done,
    exhausted_reason_after,
)
from sibyl_server.service.quotas import check_suggest_rate, trials_allowed
from sibyl_server.service.runner import Runner
from sibyl_server.service.use_case import Clock
from sibyl_server.store.interface import (
    Store,
    StudyChanges,
    StudyRecord,
    Transaction,
    TrialClaim,
    TrialHistory,
    TrialOutcome,
    TrialRecord,
)
from sibyl_server.store.locks import StudyLock

log = logging.getLogger(__name__)
T = TypeVar("T")
MAX_PRIOR_TRIALS = 500
"""Completed trials read of each prior study per snapshot (its first and newest)."""


@dataclasses.dataclass(frozen=True)
class SuggestionSettings:
    """Attributes:
    lock_timeout_seconds: How long a call waits for another computation on the same
        study before answering ABORTED (worth a retry).
    lock_slots: Computations holding a study's lock at once in this process. A
        computation takes its slot before the study's database lock, so at most this
        many database connections are held by locks. Their engine steps still queue
        for the engine pool; the slots let one study's snapshot and write overlap
        another's step instead of waiting for it.
    batch_limit: The most trials one computation makes for the calls that joined its
        batch; a call asking more than this gets a computation of its own.
    """

    lock_timeout_seconds: float = 120.0
    lock_slots: int = 1
    batch_limit: int = 32


@dataclasses.dataclass(frozen=True)
class Suggested:
    trials: list[Trial]
    study_state: StudyState
    timings: dict[str, float]


Computed = tuple[list[Trial], StudyState, dict[str, float]]
"""One call's share of a computation: its new trials, the study's state, the timings."""


@dataclasses.dataclass(frozen=True)
class _Ask:
    """A call waiting for new trials: how many, for which worker, and its answer."""

    count: int
    client_id: str
    answer: asyncio.Future[Computed]


@dataclasses.dataclass
class _Batch:
    """The calls one computation answers; open to more until it takes the lock."""

    asks: list[_Ask] = dataclasses.field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(ask.count for ask in self.asks)


@dataclasses.dataclass(frozen=True)
class _Held:
    """What step 1 hands out, and the study as it read it."""

    trials: list[Trial]
    record: StudyRecord
    quotas: TeamQuotas
    study_state: StudyState


@dataclasses.dataclass(frozen=True)
class _Snapshot:
    record: StudyRecord
    request: SuggestionRequest | None


class SuggestionUseCase:
    def __init__(
        self,
        store: Store,
        engine: Engine,
        clock: Clock,
        runner: Runner,
        settings: SuggestionSettings | None = None,
    ) -> None:
        self._store = store
        self._engine = engine
        self._clock = clock
        self._runner = runner
        self._settings = settings or SuggestionSettings()
        # Calls in this process for one study queue here first, so that only one of
        # them polls the cross-process lock. Coordination only: no study state.
        self._local_locks: dict[int, tuple[asyncio.Lock, int]] = {}
        self._lock_slots: asyncio.Semaphore | None = None
        # The batch of each study still open to more calls, and the computations
        # running (kept referenced until done). Coordination only: no study state.
        # Keyed by the study's key and name: SQLite gives a deleted study's key to the
        # next study made, maybe another team's, which must not join its batch.
        self._open_batches: dict[tuple[int, StudyName], _Batch] = {}
        self._computations: set[asyncio.Task[None]] = set()

    async def suggest(self, name: StudyName, count: int, client_id: str) -> Suggested:
        held = await self._runner.in_store(self._claim_existing, name, count, client_id)
        claimed, record = held.trials, held.record
        if len(claimed) >= count or record.exhausted_reason:
            return Suggested(claimed, held.study_state, {})
        try:
            # At the team's per-study quota this raises before an engine step is spent.
            trials_allowed(held.quotas, name.team, record.study.trial_count, count - len(claimed))
            more, state, timings = await self._join_batch(
                record.pk, name, count - len(claimed), client_id
            )
        except ResourceExhausted:
            if not claimed:
                raise
            # A worker restarted at the quota's edge still gets back the trials it holds.
            return Suggested(claimed, held.study_state, {})
        return Suggested(claimed + more, state, timings)

    # Step 1: existing trials ------------------------------------------------------------

    def _claim_existing(self, name: StudyName, count: int, client_id: str) -> _Held:
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            record, quotas = tx.study_and_quotas(name)
            _check_active(record)
            check_suggest_rate(tx, quotas, name.team, now)
            lease = now + record.study.spec.lease_seconds
            claimable = tx.claimable(record.pk, client_id, now, queued=count)
            queued = [r for r in claimable if r.trial.state is TrialState.REQUESTED]
            held = [r for r in claimable if r.trial.state is not TrialState.REQUESTED]
            own = [
                r
                for r in held
                if r.trial.state is TrialState.ACTIVE and r.trial.client_id == client_id
            ]
            if own:
                # Only those still held when the lease was renewed: another worker may
                # have taken over an expired one since `claimable` read it.
                renewed = tx.renew_leases(record.pk, client_id, lease, now)
                own = [r for r in own if r.pk in renewed]
            _finish_abandoned_stopping(
                tx,
                record,
                [r for r in held if r.trial.state is TrialState.STOPPING and _expired(r, now)],
                now,
            )
            claimed = [dataclasses.replace(r.trial, lease_expire_time=lease) for r in own[:count]]
            if len(claimed) < count:
                claimed += _take_queued(
                    tx, record.pk, queued, count - len(claimed), client_id, lease, now
                )
            expired = [
                r
                for r in held
                if r.trial.state is TrialState.ACTIVE
                and r.trial.client_id != client_id
                and _expired(r, now)
            ]
            claimed += _take_over(
                tx, expired[: count - len(claimed)], TrialState.ACTIVE, client_id, lease, now
            )
            # A spent budget whose last pending trial finished without completing the
            # study (a STOPPING trial finished just above, or a CompleteTrial that read
            # the study before its budget ran out) completes it here.
            state = complete_if_done(tx, record, record.exhausted_reason, now)
            return _Held(claimed, record, quotas, state)

    # Step 2: new trials, under the study lock --------------------------------------------

    async def _join_batch(
        self, study_pk: int, name: StudyName, count: int, client_id: str
    ) -> Computed:
        """This call's new trials, from the study's open batch (or a new one)."""
        ask = _Ask(count, client_id, asyncio.get_running_loop().create_future())
        # Read here, so that an error whose caller went away is not logged as unread.
        ask.answer.add_done_callback(lambda answer: answer.cancelled() or answer.exception())
        batch = self._open_batches.get((study_pk, name))
        if batch is None or batch.total + count > self._settings.batch_limit:
            batch = self._open_batches[study_pk, name] = _Batch()
            computation = asyncio.create_task(self._compute_batch(study_pk, name, batch))
            self._computations.add(computation)
            computation.add_done_callback(self._computations.discard)
        batch.asks.append(ask)
        # A caller cancelled while it waits leaves the computation to the others; the
        # trials made for it stay ACTIVE under its client id (its next call gets them).
        return await asyncio.shield(ask.answer)

    async def _compute_batch(self, study_pk: int, name: StudyName, batch: _Batch) -> None:
        """Answers every call of `batch`; each gets the error if the computation fails."""
        waiting = time.perf_counter()
        try:
            async with self._study_lock(study_pk):
                self._close(study_pk, name, batch)  # later calls start the next batch
                lock_wait = time.perf_counter() - waiting
                shares, state, timings = await self._compute(name, batch.asks)
        except BaseException as error:
            self._close(study_pk, name, batch)
            for ask in batch.asks:
                if isinstance(error, asyncio.CancelledError):
                    ask.answer.cancel()
                else:
                    ask.answer.set_exception(error)
            if not isinstance(error, Exception):
                raise
            return
        for ask, trials in zip(batch.asks, shares, strict=True):
            ask.answer.set_result((trials, state, {"lock_wait": lock_wait, **timings}))

    @property
    def computing(self) -> int:
        """How many batch computations are running or waiting for their study's lock."""
        return len(self._computations)

    async def cancel_computations(self, timeout: float) -> None:
        """Cancels the computations still going (their callers are gone: the server is
        stopping) and waits, at most `timeout` s, until each has released its study's
        lock. Left pending, they would be destroyed with the event loop, their locks
        released only when the process ends."""
        for computation in self._computations:
            computation.cancel()
        if self._computations:
            await asyncio.wait(set(self._computations), timeout=timeout)

    def _close(self, study_pk: int, name: StudyName, batch: _Batch) -> None:
        """No more calls join `batch` (if it is still the study's open one)."""
        if self._open_batches.get((study_pk, name)) is batch:
            del self._open_batches[study_pk, name]

    async def _compute(
        self, name: StudyName, asks: list[_Ask]
    ) -> tuple[list[list[Trial]], StudyState, dict[str, float]]:
        clock = _Stopwatch()
        wanted = sum(ask.count for ask in asks)
        snapshot = await self._runner.in_store(self._read_snapshot, name, wanted)
        timings = {"store_read": clock.lap()}
        if snapshot.request is None:
            state = await self._runner.in_store(self._mark_exhausted, snapshot.record, "")
            return [[] for _ in asks], state, timings
        result = await self._runner.in_engine(self._engine.suggest, snapshot.request)
        timings["engine"] = clock.lap()
        owners = [ask.client_id for ask in asks for _ in range(ask.count)]
        trials, state = await self._runner.in_store(self._write_suggestions, name, result, owners)
        timings["store_write"] = clock.lap()
        return _shares(trials, [ask.count for ask in asks]), state, {**result.timings, **timings}

    def _read_snapshot(self, name: StudyName, wanted: int) -> _Snapshot:
        # One snapshot: a trial finishing between the reads of the finished and the
        # pending trials would otherwise be in neither.
        with self._store.transaction(write=False, snapshot=True) as tx:
            record, engine_state = tx.study_and_engine_state(name)
            _check_active(record)
            left = budget_left(record.study.spec, record.study.trial_count)
            count = wanted if left is None else min(wanted, left)
            if count <= 0 or record.exhausted_reason:
                return _Snapshot(record, None)
            # No more than the team's quota lets be written: the engine's state moves
            # past every point it makes (a grid's position would skip the unwritten).
            quotas = tx.quotas(name.team)
            count = trials_allowed(quotas, name.team, record.study.trial_count, count)
            with_history = self._engine.uses_history(record.study.spec)
            request = SuggestionRequest(
                spec=record.study.spec,
                completed=finished_observations(tx, record.pk) if with_history else [],
                pending=(
                    [r.parameters for r in tx.trial_results(record.pk, PENDING_STATES)]
                    if with_history
                    else []
                ),
                count=count,
                seed=record.study.spec.seed or 0,
                state=engine_state,
                priors=prior_observations(tx, record) if with_history else [],
                fidelity_points=(
                    fidelity_points(tx, record.pk, record.study.spec) if with_history else []
                ),
            )
            return _Snapshot(record, request)

    def _write_suggestions(
        self, name: StudyName, result: SuggestionResult, owners: list[str]
    ) -> tuple[list[Trial], StudyState]:
        """Writes the suggestions, the i-th for the worker `owners[i]`; fewer when the
        budget or the team's quota ran out."""
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            # Re-read under the row lock: a concurrent CreateTrial may have used budget.
            record, quotas = tx.study_and_quotas(name, lock=True)
            _check_active(record)
            left = budget_left(record.study.spec, record.study.trial_count)
            suggestions = result.suggestions[: len(owners)]
            suggestions = suggestions if left is None else suggestions[:left]
            if suggestions:
                allowed = trials_allowed(
                    quotas, name.team, record.study.trial_count, len(suggestions)
                )
                suggestions = suggestions[:allowed]
            saved = StudyChanges(engine_state=result.state)
            trials = _insert_trials(tx, record, suggestions, owners, now, saved)
            if not trials:
                tx.update_study(record.pk, now, saved)
            reason = GRID_EXHAUSTED if result.exhausted else ""
            trial_count = record.study.trial_count + len(trials)
            return trials, self._mark_exhausted_in(tx, record, trial_count, reason, now)

    def _mark_exhausted(self, record: StudyRecord, reason: str) -> StudyState:
        now = self._clock()
        with self._store.transaction(write=True) as tx:
            # Locked: an UpdateStudy raising max_trials meanwhile is read, not overwritten.
            current = tx.study(record.name, lock=True)
            return self._mark_exhausted_in(tx, current, current.study.trial_count, reason, now)

    @staticmethod
    def _mark_exhausted_in(
        tx: Transaction, record: StudyRecord, trial_count: int, reason: str, now: float
    ) -> StudyState:
        exhausted = exhausted_reason_after(
            record.study.spec, trial_count, record.exhausted_reason or reason
        )
        if exhausted and exhausted != record.exhausted_reason:
            tx.update_study(record.pk, now, StudyChanges(exhausted_reason=exhausted))
        return complete_if_done(tx, record, exhausted, now)

    # Plumbing ---------------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def _study_lock(self, study_pk: int) -> AsyncIterator[None]:
        if self._lock_slots is None:  # created here: it belongs to the running loop
            self._lock_slots = asyncio.Semaphore(self._settings.lock_slots)
        async with self._local_lock(study_pk), self._lock_slots:
            lock = await self._acquire(self._store.study_lock(study_pk))
            try:
                yield
            finally:
                # Shielded: a cancelled call must still release the lock.
                await asyncio.shield(self._runner.in_store(lock.release))

    @contextlib.asynccontextmanager
    async def _local_lock(self, study_pk: int) -> AsyncIterator[None]:
        lock, users = self._local_locks.get(study_pk, (asyncio.Lock(), 0))
        self._local_locks[study_pk] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local_locks[study_pk]
            if users == 1:
                del self._local_locks[study_pk]
            else:
                self._local_locks[study_pk] = (lock, users - 1)

    async def _acquire(self, lock: StudyLock) -> StudyLock:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._settings.lock_timeout_seconds
        delay = 0.002
        while not await self._try_acquire(lock):
            if loop.time() > deadline:
                raise Aborted(
                    "another suggestion for this study is taking too long; retry",
                    reason="STUDY_BUSY",
                )
            await asyncio.sleep(delay)
            delay = min(delay * 2, 0.05)
        return lock

    async def _try_acquire(self, lock: StudyLock) -> bool:
        future = self._runner.in_store(lock.try_acquire)
        try:
            return await asyncio.shield(future)
        except asyncio.CancelledError:
            # The attempt goes on in its thread; if it wins, nobody will release it.
            future.add_done_callback(lambda done: _release_if_acquired(done, lock))
            raise


class _Stopwatch:
    def __init__(self) -> None:
        self._last = time.perf_counter()

    def lap(self) -> float:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        return elapsed


def _release_if_acquired(attempt: asyncio.Future[bool], lock: StudyLock) -> None:
    if not attempt.cancelled() and attempt.exception() is None and attempt.result():
        lock.release()


def _shares(trials: list[Trial], counts: list[int]) -> list[list[Trial]]:
    """`trials` cut in order into shares of at most `counts[i]` (the last ones may be
    short or empty when fewer were made)."""
    shares, start = [], 0
    for count in counts:
        shares.append(trials[start : start + count])
        start += count
    return shares


def _insert_trials(
    tx: Transaction,
    record: StudyRecord,
    suggestions: list[Suggestion],
    owners: list[str],
    now: float,
    changes: StudyChanges,
) -> list[Trial]:
    """Inserts the suggestions as trials, the i-th for the worker `owners[i]`; the
    statement that numbers them also makes `changes` to the study."""
    if not suggestions:
        return []
    spec = record.study.spec
    first = tx.allocate_trial_numbers(record.pk, len(suggestions), (now, changes))
    trials = []
    for offset, (suggestion, client_id) in enumerate(zip(suggestions, owners, strict=False)):
        trial = Trial(
            number=first + offset,
            parameters=_checked_engine_output(spec, suggestion.parameters),
            state=TrialState.ACTIVE,
            client_id=client_id,
            lease_expire_time=now + spec.lease_seconds,
            metadata=suggestion.metadata,
            create_time=now,
            start_time=now,
            update_time=now,
        )
        trials.append(trial)
    tx.insert_trials(record.pk, trials)
    return trials


def _checked_engine_output(spec: StudySpec, parameters: Parameters) -> dict[str, ParameterValue]:
    """Engine output, checked like user input: an engine bug must not store a bad trial."""
    try:
        return check_parameters(spec, parameters, "suggestion")
    except InvalidArgument as error:
        raise RuntimeError(f"the engine produced an invalid suggestion: {error}") from error


def _expired(record: TrialRecord, now: float) -> bool:
    lease = record.trial.lease_expire_time
    return lease is not None and lease < now


def _take_over(
    tx: Transaction,
    candidates: list[TrialRecord],
    expected_state: TrialState,
    client_id: str,
    lease: float,
    now: float,
) -> list[Trial]:
    """Assigns queued or abandoned trials to `client_id`; those another caller took
    first (the compare-and-set failed) are skipped.

    An abandoned trial starts over: the new worker trains from scratch, so the old
    worker's intermediate measurements are dropped and a trial's learning curve
    always comes from one worker.
    """
    taken = []
    for candidate in candidates:
        if tx.claim_trial(candidate.pk, TrialClaim(expected_state, client_id, lease), now):
            if candidate.trial.measurements:
                tx.delete_measurements(candidate.pk)
            trial = candidate.trial
            taken.append(
                dataclasses.replace(
                    trial,
                    state=TrialState.ACTIVE,
                    client_id=client_id,
                    lease_expire_time=lease,
                    measurements=(),
                    start_time=trial.start_time if trial.start_time is not None else now,
                    update_time=now,
                )
            )
    return taken


def _take_queued(
    tx: Transaction,
    study_pk: int,
    queued: list[TrialRecord],
    wanted: int,
    client_id: str,
    lease: float,
    now: float,
) -> list[Trial]:
    """Takes up to `wanted` REQUESTED trials, lowest numbers first, from `queued` on.

    Where concurrent callers took some first (on PostgreSQL, all read the same first
    ones before any committed), the next ones are read: a queued trial is not passed
    over for a new one the engine would compute.
    """
    taken: list[Trial] = []
    candidates = queued[:wanted]
    while candidates:
        claimed = _take_over(tx, candidates, TrialState.REQUESTED, client_id, lease, now)
        taken += claimed
        if len(taken) == wanted or len(claimed) == len(candidates):
            return taken
        candidates = tx.trials(
            study_pk,
            states=(TrialState.REQUESTED,),
            after_number=candidates[-1].trial.number,
            limit=wanted - len(taken),
        )
    return taken


def _finish_abandoned_stopping(
    tx: Transaction, record: StudyRecord, abandoned_trials: list[TrialRecord], now: float
) -> None:
    """Completes STOPPING trials whose worker left before completing them.

    They were told to stop, so nobody will evaluate them further: their last
    measurement becomes the result (or, lacking a full one, they are infeasible).
    """
    spec = record.study.spec
    for abandoned in abandoned_trials:
        last = abandoned.trial.measurements[-1] if abandoned.trial.measurements else None
        complete = last is not None and all(m.name in last.metrics for m in spec.metrics)
        outcome = (
            TrialOutcome(TrialState.COMPLETED, last)
            if complete
            else TrialOutcome(
                TrialState.INFEASIBLE,
                infeasibility_reason="stopped early; its worker left without a measurement "
                "of every metric",
            )
        )
        # Only if still STOPPING: its worker's CompleteTrial may have come first.
        tx.finish_trial(abandoned.pk, outcome, now, expected_state=TrialState.STOPPING)


def _check_active(record: StudyRecord) -> None:
    if record.study.state is not StudyState.ACTIVE:
        raise FailedPrecondition(
            f"study {record.name} is {record.study.state.value}: no trials are suggested",
            reason="STUDY_NOT_ACTIVE",
            metadata={"state": record.study.state.value},
        )


def finished_observations(tx: Transaction, study_pk: int) -> list[Observation]:
    """The study's COMPLETED and INFEASIBLE trials as the engine sees them, oldest first."""
    return [
        Observation(
            parameters=result.parameters,
            metrics=result.final.metrics if result.final else {},
            infeasible=result.state is TrialState.INFEASIBLE,
        )
        for result in tx.trial_results(study_pk, FINISHED_STATES)
    ]


FIDELITY_STATES = (TrialState.ACTIVE, TrialState.STOPPING, TrialState.COMPLETED)
"""Trials whose measurements a fidelity study's model learns from."""


def measured_curve(trial: Trial | TrialHistory, metric: str, sign: float = 1.0) -> Curve:
    """The trial's intermediate values of `metric` by step, times `sign` (as measured by
    default)."""
    points = [(m.step, m.metrics[metric]) for m in trial.measurements if metric in m.metrics]
    return Curve(
        trial.number,
        tuple(step for step, _ in points),
        tuple(sign * value for _, value in points),
        sign=sign,
    )


def fidelity_points(tx: Transaction, study_pk: int, spec: StudySpec) -> list[FidelityPoint]:
    """A fidelity study's trials at each model step they reached (none without a
    fidelity): for each such step, the trial's last measurement at or before it, at its
    own step; a trial added whole (CreateTrial, no measurements) counts at `max_step`."""
    if spec.fidelity is None or spec.stopping is None:
        return []
    steps = spec.fidelity.model_steps(spec.stopping)
    objective = spec.objective.name
    points = []
    for record in tx.trials(study_pk, states=FIDELITY_STATES):
        trial = record.trial
        measured = measured_curve(trial, objective)
        if not measured.steps and trial.final_measurement is not None:
            final = trial.final_measurement.metrics.get(objective)
            if final is not None:  # added whole (CreateTrial): a full-budget result
                measured = Curve(trial.number, (spec.fidelity.max_step,), (final,))
        if not measured.steps:
            continue
        reached = {measured.point_at(step) for step in steps if step <= measured.steps[-1]}
        points += [
            FidelityPoint(trial.parameters, at, value)
            for at, value in sorted(p for p in reached if p is not None)
        ]
    return points


def prior_observations(tx: Transaction, record: StudyRecord) -> list[PriorObservations]:
    """The study's prior studies that still exist, each with at most MAX_PRIOR_TRIALS
    COMPLETED trials: two queries per prior (its row, its trials), none when the spec
    does not transfer."""
    study = record.study
    if not study.spec.transfers:
        return []
    priors = []
    for prior in study.spec.prior_studies:
        found = _prior_record(tx, record, prior.study)
        if found is None:
            continue
        spec = found.study.spec
        metric = prior.metric_in(spec, study.spec)
        if metric is None:
            continue
        completed = [
            Observation(t.trial.parameters, t.trial.final_measurement.metrics)
            for t in _prior_trials(tx, found.pk)
            if t.trial.final_measurement is not None
        ]
        priors.append(PriorObservations(prior.study, spec.parameters, metric, completed))
    return priors


def _prior_trials(tx: Transaction, study_pk: int) -> list[TrialRecord]:
    """At most MAX_PRIOR_TRIALS of a prior's COMPLETED trials: its first half (the
    initial design, spread over the space) and its newest (where it converged)."""
    half = MAX_PRIOR_TRIALS // 2
    completed = (TrialState.COMPLETED,)
    first = tx.trials(study_pk, states=completed, limit=half, with_measurements=False)
    if len(first) < half:
        return first
    newest = tx.trials(
        study_pk,
        states=completed,
        after_number=first[-1].trial.number,
        limit=MAX_PRIOR_TRIALS - half,
        with_measurements=False,
        last=True,
    )
    return first + newest


def _prior_record(tx: Transaction, record: StudyRecord, prior: str) -> StudyRecord | None:
    """The prior's row; None once it was deleted (the study goes on without it), also
    when a study of the same name was created since: rows are numbered as they are
    inserted, and the prior named at creation existed before the study did."""
    name = parse_study_name(prior, "study.spec.prior_studies")
    if name.team != record.study.team:
        return None
    try:
        found = tx.study(name)
    except NotFound:
        return None
    return found if found.pk < record.pk else None
