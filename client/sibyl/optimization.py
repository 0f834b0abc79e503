"""The tuning loop as one call: `sibyl.optimize(objective, study, n_trials, n_workers)`.

    def objective(trial: sibyl.Trial) -> float:
        model = build(**trial.parameters)
        for epoch in range(20):
            loss = train_one_epoch(model)
            trial.report({"loss": loss}, step=epoch)
            if trial.should_stop():      # the study's early-stopping policy says so
                break
        return loss

    sibyl.optimize(objective, study, n_trials=50, n_workers=4)

Progress: on a terminal, a bar with the trials done, the time left and the best value
so far (tqdm, `pip install 'sibyl[progress]'`); elsewhere, or without tqdm, one line per
finished trial; or a callback of yours (`progress=`).

Faults: calls that fail because the server or its database is away are retried by
the client (see `sibyl.RetryConfig`); an error of the service is never recorded as a
trial's result. Only an exception of the objective makes its trial infeasible. A trial
whose lease went to another worker (the objective outran `trial_lease_seconds` without
reporting) is dropped, and the worker goes on.

Ctrl-C (KeyboardInterrupt) loses nothing: the trials being evaluated stay ACTIVE,
assigned to their worker's client id, and are never marked infeasible. Calling
`optimize` again with the same client id (`sibyl.connect(..., client_id="job-1")`)
and as many workers resumes them first; otherwise their lease expires
(`trial_lease_seconds`) and the next worker to ask gets them. `optimize` then raises
the KeyboardInterrupt. With one worker the objective runs in the calling thread and
is interrupted at once; with several, workers run in threads that cannot be
interrupted, so each finishes (and completes) its trial if the process lives that long.
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import IO, Any, Literal

from sibyl.errors import DivergedError, LeaseLostError, SibylError
from sibyl.study import Study, Trial

ObjectiveResult = float | Mapping[str, float] | None
Objective = Callable[[Trial], ObjectiveResult]


@dataclass(frozen=True)
class Progress:
    """One finished trial, as `optimize` tells its `progress` callback.

    Attributes:
        trial: The trial, COMPLETED or INFEASIBLE.
        value: Its objective value; None if it is infeasible or did not report the objective.
        seconds: How long its evaluation took.
        finished: Trials this call has finished so far, this one included.
        total: The `n_trials` asked for (None: until the study completes or time runs out).
        best_value: The best objective value so far (earlier runs of the study included).
        best_trial_id: The trial that has it.
        worker: The client id of the worker that ran it.
        error: For an infeasible trial, why.
    """

    trial: Trial
    value: float | None
    seconds: float
    finished: int
    total: int | None
    best_value: float | None
    best_trial_id: int | None
    worker: str
    error: str = ""


@dataclass(frozen=True)
class OptimizationResult:
    """What `optimize` did: the trials it finished, and the study's best trial after it."""

    trials: list[Trial]
    best_trial: Trial | None
    seconds: float


def print_progress(progress: Progress) -> None:
    """The default `progress`: one line per finished trial on stderr."""
    trial, metric = progress.trial, progress.trial.study.objective[0]
    if progress.value is not None:
        outcome = f"{metric}={progress.value:.6g}"
    else:
        outcome = trial.state.lower() + (f" ({progress.error})" if progress.error else "")
    total = f"/{progress.total}" if progress.total is not None else ""
    best = (
        f"best {metric}={progress.best_value:.6g} (trial {progress.best_trial_id})"
        if progress.best_value is not None
        else "no feasible trial yet"
    )
    print(
        f"sibyl: trial {trial.id} {outcome} in {progress.seconds:.1f} s | {best} | "
        f"{progress.finished}{total} done [{progress.worker}]",
        file=sys.stderr,
        flush=True,
    )


class ProgressBar:
    """A progress bar of finished trials, with elapsed time, time left and the best value.

    A `progress` callback of `optimize` (its default on a terminal). Draws nothing when
    its file is not a terminal. Needs tqdm (`pip install 'sibyl[progress]'`).

    Args:
        description: The bar's label.
        file: Where it is drawn (stderr by default).
    """

    def __init__(self, description: str = "sibyl", file: IO[str] | None = None) -> None:
        from tqdm.auto import tqdm

        self._tqdm = tqdm
        self.description = description
        self.file = file
        self._bar: Any = None
        self.infeasible = 0

    def start(self, total: int | None) -> None:
        """Starts the clock and sets the number of trials (None: unknown, no time left)."""
        self.close()
        self._bar = self._tqdm(
            total=total, desc=self.description, unit="trial", file=self.file or sys.stderr,
            disable=None, dynamic_ncols=True,
        )  # fmt: skip

    def __call__(self, progress: Progress) -> None:
        metric = progress.trial.study.objective[0]
        self.infeasible += progress.value is None
        best = (
            f"best {metric}={progress.best_value:.6g} (trial {progress.best_trial_id})"
            if progress.best_value is not None
            else "no feasible trial yet"
        )
        self.advance(1, best)

    def advance(self, count: int, status: str) -> None:
        """Counts `count` more finished trials and shows `status` (e.g. the best value)."""
        if self._bar is None:
            self.start(None)
        if self.infeasible:
            status += f", {self.infeasible} infeasible"
        self._bar.set_postfix_str(status, refresh=False)
        self._bar.update(count)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def default_progress() -> Callable[[Progress], None]:
    """A `ProgressBar` on a terminal with tqdm installed; `print_progress` otherwise."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return print_progress
    try:
        return ProgressBar()
    except ImportError:
        return print_progress


def optimize(
    objective: Objective,
    study: Study,
    n_trials: int | None = None,
    n_workers: int = 1,
    *,
    timeout_seconds: float | None = None,
    catch: tuple[type[Exception], ...] = (),
    progress: Callable[[Progress], None] | Literal["auto"] | None = "auto",
) -> OptimizationResult:
    """Runs trials of `study` until `n_trials` are done, time is up or the study completes.

    Args:
        objective: Called with each `Trial` (its `parameters`, `report`, `should_stop`).
            Returns the objective metric's value, a dict of metrics, or None to complete
            the trial with its last reported measurement (or after completing it itself).
            NaN or infinite values make the trial infeasible.
        study: The study to run.
        n_trials: Trials this call evaluates, over all workers; None: no limit.
        n_workers: Trials evaluated at once, each by a worker thread with its own client
            id (the connection's client id, then `<id>-1`, `<id>-2`, ...).
        timeout_seconds: No new trial starts after this long; running ones finish.
        catch: Exceptions of the objective that mark its trial infeasible and go on.
            Any other exception also marks the trial infeasible, then stops every worker
            and is raised here.
        progress: Called after each finished trial (from worker threads, one at a time);
            "auto": a `ProgressBar` on a terminal, else `print_progress`; None prints
            nothing. A callback with `start(total)` and `close()` methods is started
            before the first trial and closed at the end.

    Returns:
        The trials this call finished and the study's best trial.

    Raises:
        KeyboardInterrupt: On Ctrl-C, after leaving the running trials ACTIVE (see the
            module's docstring).
    """
    if n_workers < 1:
        raise ValueError(f"n_workers must be at least 1, not {n_workers}")
    if progress == "auto":
        progress = default_progress()
    run = _Run(objective, study, n_trials, timeout_seconds, catch, progress)
    client_id = study.client.client_id
    workers = [client_id] + [f"{client_id}-{i}" for i in range(1, n_workers)]
    if hasattr(progress, "start"):
        progress.start(n_trials)
    interrupted = False
    try:
        if n_workers == 1:
            run.work(workers[0])
        else:
            run.in_threads(workers)
    except KeyboardInterrupt:
        run.stopping.set()
        interrupted = True
        raise
    finally:
        if hasattr(progress, "close"):
            progress.close()  # before any message, which would land inside the bar's line
        if interrupted:
            _tell_interrupted(run)
    if run.error is not None:
        raise run.error
    return OptimizationResult(run.finished, study.best_trial(), time.monotonic() - run.began)


def _tell_interrupted(run: _Run) -> None:
    if not run.running:
        return
    where = {trial.id: worker for worker, trial in run.running.items()}
    listed = ", ".join(f"{tid} ({worker})" for tid, worker in sorted(where.items()))
    print(
        f"sibyl: interrupted; trials left ACTIVE with their client ids: {listed}. "
        "optimize again with the same client id to resume them; otherwise their lease "
        "expires and any worker gets them.",
        file=sys.stderr,
        flush=True,
    )


@dataclass
class _Run:
    """The state shared by the workers of one `optimize` call."""

    objective: Objective
    study: Study
    n_trials: int | None
    timeout_seconds: float | None
    catch: tuple[type[Exception], ...]
    progress: Callable[[Progress], None] | None
    began: float = field(default_factory=time.monotonic)
    started: int = 0
    finished: list[Trial] = field(default_factory=list)
    running: dict[str, Trial] = field(default_factory=dict)
    error: BaseException | None = None
    stopping: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    best: tuple[float, int] | None = None
    unstarted: set[str] = field(default_factory=set)
    """Workers yet to make their first claim: each keeps a trial of the budget for it."""

    def __post_init__(self) -> None:
        self.metric, goal = self.study.objective
        self.sign = 1.0 if goal == "MAXIMIZE" else -1.0
        best = self.study.best_trial()
        if best is not None and self.metric in best.metrics:
            self.best = (best.metrics[self.metric], best.id)

    def in_threads(self, workers: list[str]) -> None:
        self.unstarted = set(workers)
        threads = [
            threading.Thread(target=self._guarded_work, args=(w,), name=w, daemon=True)
            for w in workers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.2)

    def _guarded_work(self, worker: str) -> None:
        try:
            self.work(worker)
        except BaseException as error:
            with self.lock:
                self.error = self.error or error
            self.stopping.set()

    def work(self, worker: str) -> None:
        while self._claim(worker):
            trials = self.study.suggest(client_id=worker)
            if not trials:
                return
            self.running[worker] = trials[0]
            self._evaluate(trials[0], worker)
            del self.running[worker]

    def _claim(self, worker: str) -> bool:
        """Whether `worker` may start another trial.

        The last trials of the budget are kept for the workers that have not asked
        yet (threads start in any order): each may hold a trial of an interrupted run
        that it resumes, which a worker that started first would leave waiting out its
        lease while it asked for a new one.
        """
        with self.lock:
            late = (
                self.timeout_seconds is not None
                and time.monotonic() - self.began > self.timeout_seconds
            )
            first = worker in self.unstarted
            self.unstarted.discard(worker)
            kept = 0 if first else len(self.unstarted)
            full = self.n_trials is not None and self.started + kept >= self.n_trials
            if self.stopping.is_set() or late or full:
                return False
            self.started += 1
            return True

    def _evaluate(self, trial: Trial, worker: str) -> None:
        began = time.monotonic()
        try:
            result = self.objective(trial)
            outcome = self._finish(trial, result)
        except LeaseLostError:
            self._drop(trial, worker)
            return
        except SibylError:
            # The service's error, not the configuration's: the trial stays ACTIVE.
            self.stopping.set()
            raise
        except (DivergedError, *self.catch) as error:  # a report's NaN, as a NaN result
            reason = f"{type(error).__name__}: {error}"
            if self._fail(trial, worker, reason):
                self._tell(trial, worker, began, reason)
            return
        except Exception as error:
            self._fail(trial, worker, f"{type(error).__name__}: {error}")
            self.stopping.set()
            raise  # the objective's error, whatever became of its trial
        self._tell(trial, worker, began, outcome)

    def _fail(self, trial: Trial, worker: str, reason: str) -> bool:
        """Completes `trial` as infeasible; False (and the trial dropped) where this
        worker lost it to another meanwhile, which then evaluates it afresh."""
        try:
            trial.complete_infeasible(reason)
        except LeaseLostError:
            self._drop(trial, worker)
            return False
        return True

    @staticmethod
    def _drop(trial: Trial, worker: str) -> None:
        print(
            f"sibyl: trial {trial.id} dropped: its lease went to another worker [{worker}]",
            file=sys.stderr,
            flush=True,
        )

    def _finish(self, trial: Trial, result: ObjectiveResult) -> str:
        """Completes `trial` with the objective's result; returns why it is infeasible, or ""."""
        if trial.state in ("COMPLETED", "INFEASIBLE"):
            return ""
        if trial.lease_lost:
            raise LeaseLostError(f"trial {trial.name} went to another worker")
        metrics = _as_metrics(result, self.metric)
        bad = [k for k, v in (metrics or {}).items() if not math.isfinite(v)]
        if bad:
            trial.complete_infeasible(f"non-finite {', '.join(bad)}")
            return f"non-finite {', '.join(bad)}"
        trial.complete(metrics)
        return ""

    def _tell(self, trial: Trial, worker: str, began: float, error: str) -> None:
        value = trial.metrics.get(self.metric) if trial.state == "COMPLETED" else None
        with self.lock:
            self.finished.append(trial)
            feasible = value is not None and self._within_constraints(trial.metrics)
            if feasible and (self.best is None or self._better(value, self.best[0])):
                self.best = (value, trial.id)
            if self.progress is not None:
                best_value, best_id = self.best if self.best else (None, None)
                seconds = time.monotonic() - began
                self.progress(
                    Progress(trial, value, seconds, len(self.finished), self.n_trials,
                             best_value, best_id, worker, error)
                )  # fmt: skip

    def _better(self, value: float, than: float) -> bool:
        return self.sign * value > self.sign * than

    def _within_constraints(self, metrics: Mapping[str, float]) -> bool:
        """Whether a completed trial's metrics satisfy the spec's outcome constraints, as
        the server judges feasibility (a constraint's metric missing: not satisfied)."""
        for metric in self.study.proto.spec.metrics:
            if not metric.HasField("constraint"):
                continue
            value, bounds = metrics.get(metric.name), metric.constraint
            if value is None:
                return False
            if bounds.HasField("upper_bound") and value > bounds.upper_bound:
                return False
            if bounds.HasField("lower_bound") and value < bounds.lower_bound:
                return False
        return True


def _as_metrics(result: object, metric: str) -> dict[str, float] | None:
    """The objective's result as metrics: a mapping of metric names to numbers, one
    number (any that `float` takes: NumPy and torch scalars too) for `metric`, or None
    (complete with the last reported measurement)."""
    if result is None:
        return None
    if isinstance(result, Mapping):
        return {str(name): _number(value, name) for name, value in result.items()}
    return {metric: _number(result, metric)}


def _number(value: object, name: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise TypeError(
            f"the objective returned {value!r} for {name!r}: return a number, a mapping "
            "of metric names to numbers, or None"
        ) from None
