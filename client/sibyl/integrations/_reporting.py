"""What every framework callback does with a trial, whatever calls it.

Each epoch (or boosting round) the callback hands the monitored value to a
`TrialReporter`, which reports it as the study's metric, asks the study's early-stopping
policy whether to go on, and at the end completes the trial with the best or the last
value. The callbacks only translate their framework's hooks into these three calls.
"""

from __future__ import annotations

import math
from typing import Literal

from sibyl.errors import LeaseLostError
from sibyl.study import Trial
from sibyl.v1 import study_pb2

CompleteWith = Literal["best", "last"]


class TrialReporter:
    """Reports one monitored value per step to a trial and completes it once.

    Args:
        trial: The Sibyl trial being trained.
        monitor: The framework's name of the value to report (for error messages).
        metric: The study metric it is reported as; None: the study's objective.
        complete_with: "best" completes the trial with the best value reported (by the
            metric's goal), "last" with the last one.
        prune: Whether to ask the study's early-stopping policy after each report.
        complete: Whether `finish` completes the trial; False leaves that to the caller
            (e.g. to complete a study with several metrics with all of them).
    """

    def __init__(
        self,
        trial: Trial,
        monitor: str,
        *,
        metric: str | None = None,
        complete_with: CompleteWith = "best",
        prune: bool = True,
        complete: bool = True,
    ) -> None:
        if complete_with not in ("best", "last"):
            raise ValueError(f"complete_with must be 'best' or 'last', not {complete_with!r}")
        self.trial = trial
        self.monitor = monitor
        self.metric = metric or trial.study.objective[0]
        self.sign = _sign(trial, self.metric)
        self.complete_with = complete_with
        self.prune = prune
        self.complete = complete
        self.values: list[float] = []
        self.pruned = False
        """Whether the study's early-stopping policy stopped the training."""
        self.diverged = False
        """Whether the monitored value became NaN or infinite (the trial is infeasible)."""
        self._step = -1

    def report(self, value: float, step: int, *, prune: bool = True) -> bool:
        """Reports `value` at `step`; returns whether training should stop now (`prune`:
        whether to ask the study's early-stopping policy, when the reporter may).

        A step not above the last reported one is reported one above it, since Sibyl
        needs increasing steps and some frameworks count from where a resumed run began.
        Once the trial is finished (e.g. an evaluation after training), nothing is sent.
        """
        if self.trial.state in ("COMPLETED", "INFEASIBLE"):
            return True
        value = float(value)
        if not math.isfinite(value):
            self.diverged = True
            return True
        self._step = max(int(step), self._step + 1)
        self.values.append(value)
        self.trial.report({self.metric: value}, step=self._step)
        if prune and self.prune and self.trial.should_stop():
            self.pruned = not self.trial.lease_lost
            return True
        return False

    @property
    def best(self) -> float | None:
        """The best value reported so far, by the metric's goal."""
        return max(self.values, key=lambda v: self.sign * v) if self.values else None

    def finish(self) -> None:
        """Completes the trial, once: with the best or last value, or as infeasible when
        the value diverged or none was reported. Nothing when `complete` is False, when
        the trial is already finished, or when this worker lost it."""
        if not self.complete or self.trial.lease_lost:
            return
        if self.trial.state in ("COMPLETED", "INFEASIBLE"):
            return
        try:
            if self.diverged:
                self.trial.complete_infeasible(f"{self.monitor} became NaN or infinite")
            elif not self.values:
                self.trial.complete_infeasible(f"no {self.monitor} was reported")
            else:
                value = self.best if self.complete_with == "best" else self.values[-1]
                self.trial.complete({self.metric: float(value)})
        except LeaseLostError:
            pass  # the trial went to another worker, which will finish it


class EpochCallback:
    """What the training frameworks' callbacks (Keras, Lightning, transformers) share: a
    reporter of one monitored value per epoch or evaluation.

    Args:
        trial: The trial this training trains.
        monitor: The logged value to report; None: the framework's validation loss
            (`default_monitor`).
        metric: The study metric it is reported as; None: the study's objective.
        complete_with: "best" (by the metric's goal) or "last" value to complete with.
        prune: Whether the study's early-stopping policy may stop the training.
        complete: Whether to complete the trial when training ends.
    """

    default_monitor = "val_loss"

    def __init__(
        self,
        trial: Trial,
        monitor: str | None = None,
        *,
        metric: str | None = None,
        complete_with: CompleteWith = "best",
        prune: bool = True,
        complete: bool = True,
    ) -> None:
        super().__init__()
        monitor = self.default_monitor if monitor is None else monitor
        self.reporter = TrialReporter(
            trial, monitor, metric=metric, complete_with=complete_with, prune=prune,
            complete=complete,
        )  # fmt: skip

    @property
    def pruned(self) -> bool:
        """Whether the study's early-stopping policy stopped the training."""
        return self.reporter.pruned


class BoostingCallback:
    """What the boosting libraries' callbacks share: a reporter of one evaluation set's
    metric, every `every` rounds.

    Args:
        trial: The trial this training trains.
        monitor: The metric to report, as the library names it.
        data_name: The evaluation set it is measured on; None: the last one given.
        metric: The study metric it is reported as; None: the study's objective.
        complete_with: "best" (by the metric's goal) or "last" value to complete with.
        prune: Whether the study's early-stopping policy may stop the training.
        complete: Whether to complete the trial when training ends.
        every: Reports every `every` rounds (each report is a call to the server).
    """

    def __init__(
        self,
        trial: Trial,
        monitor: str,
        *,
        data_name: str | None = None,
        metric: str | None = None,
        complete_with: CompleteWith = "best",
        prune: bool = True,
        complete: bool = True,
        every: int = 1,
    ) -> None:
        super().__init__()
        if every < 1:
            raise ValueError(f"every must be at least 1, not {every}")
        self.reporter = TrialReporter(
            trial, monitor, metric=metric, complete_with=complete_with, prune=prune,
            complete=complete,
        )  # fmt: skip
        self.data_name = data_name
        self.every = every

    @property
    def pruned(self) -> bool:
        """Whether the study's early-stopping policy stopped the training."""
        return self.reporter.pruned


def missing_monitor(monitor: str, available: object) -> KeyError:
    """The error for a monitored value the framework does not log."""
    names = sorted(map(str, available)) if available else []  # type: ignore[call-overload]
    return KeyError(f"{monitor!r} is not among the logged values {names}: set monitor=")


def _sign(trial: Trial, metric: str) -> float:
    """+1 when larger values of `metric` are better, -1 when smaller ones are."""
    for spec in trial.study.proto.spec.metrics:
        if spec.name == metric:
            return 1.0 if spec.goal == study_pb2.GOAL_MAXIMIZE else -1.0
    known = [m.name for m in trial.study.proto.spec.metrics]
    raise ValueError(f"the study has no metric {metric!r} (it has {known})")


def rank_zero_decision(stop: bool) -> bool:
    """Rank 0's `stop`, on every rank of a `torch.distributed` run (each rank must call
    this at the same point); `stop` itself otherwise."""
    try:
        import torch.distributed as dist
    except ImportError:
        return stop
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return stop
    decision = [stop]
    dist.broadcast_object_list(decision, src=0)
    return bool(decision[0])
