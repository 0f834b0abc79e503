"""Restarts out of a stalled study: when, four initial designs of trials on, its best value
has stopped improving while its GP ignores an input, GP_BANDIT runs afresh in its place
for a while (docs/engine.md#stalls-in-a-local-optimum).

Once a study's GP has refined its incumbent, the trials around it make the GP sure of
the inputs they vary and indifferent to the others, and every later step refines the
same optimum, whether or not it is the global one. On the benchmark's synthetic
problems, what told the runs held in a local optimum from those refining a global one
was that indifference: one lengthscale far longer than the rest (`IGNORED_INPUT_RATIO`).
A restart makes the next steps a new run of GP_BANDIT on the trials from the restart
on: a fresh Sobol design (the study's sequence, continued), then a GP fitted to those
trials alone, so it can settle in another basin. The study's best trial stays its best;
the restart ends when its own best stops improving, and the steps go back to the GP
over every trial, which refines whichever optimum is now the best.

Only plain single-objective studies restart: one metric, no prior studies, no fidelity
and no budget parameter (those models read every trial on purpose). Off unless the
study's spec says `stall_restarts` or the server runs with `--stall-restarts true`
(`EngineOptions.stall_restarts`, the default of studies that leave it unset): more
Hartmann6 runs reach the global optimum, and one Branin, Levy6, Rosenbrock4 or Ackley6
run in 160 restarts by 100 evaluations; but real tuning tasks, whose GPs ignore some
input from the start, restart once they may (`EARLIEST_IN_DESIGNS`), and some end
worse at 100 evaluations for it.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sibyl_server.engine.interface import SuggestionRequest

PATIENCE = 15
"""Finished trials (failed ones too) without improvement after which a study (or its
restart) has stalled: on Hartmann6, a run refining its optimum stalls around its 55th
trial."""
TOLERANCE = 1e-3
"""An improvement counts when it beats the best by more than this share of the values'
range: refinements below it no longer change which optimum the study is in."""
IGNORED_INPUT_RATIO = 12.0
"""A stalled study restarts only while its GP ignores an input: the input's lengthscale
is at least this many times the median of the others'. Refining a local optimum, the
trials around it barely vary some inputs and the GP comes to ignore them, so it cannot
see another basin along them. Measured at every step where the default runs had
stalled, up to 200 trials (docs/engine.md#stalls-in-a-local-optimum): the 15 Hartmann6
runs of seeds 0-39 held in its local basin reached 13 to 37 (12 to 29 when they first
stalled), the 25 in its global basin at most 2.8 but one (22, at its 149th trial), and
every run of Branin, Levy6, Rosenbrock4 and Ackley6 at most 9.1."""
EARLIEST_IN_DESIGNS = 4
"""A study restarts only once it has finished this many times its initial design's
trials (56 on Hartmann6, 64 on a seven-parameter task). A GP that found early that a
real task's parameter barely matters ignores it from about the 30th trial on; a restart
there spends the steps that refine the study's best configuration, where a local
optimum is what holds a run later on (docs/engine.md#stalls-in-a-local-optimum)."""


@dataclass(frozen=True)
class Restart:
    """Where a study stands with restarts (stored in its engine state).

    Attributes:
        start: Index in the study's finished trials (oldest first) of the running
            restart's first trial, or None while no restart runs.
        pending: The parameters of the trials pending when the restart began: when
            they finish they are listed before the restart's own trials (the list is
            by trial number), so each moves the restart's first trial one place on
            (`trials_of`).
        count: Restarts begun so far.
        suggested: Points the study's GP suggested after the step that ended the last
            restart (or since the study began): the study stalls only after
            `PATIENCE` of them, so trials added by hand, or made before an upgrade,
            never start a restart on their own.
        hyperparameters: The running restart's last fit, by outcome name (its own
            trials' fit; the study's is kept apart for when it resumes).
    """

    start: int | None = None
    count: int = 0
    suggested: int = 0
    hyperparameters: Mapping[str, Mapping[str, Any]] | None = None
    pending: tuple[Mapping[str, Any], ...] = ()

    @staticmethod
    def read(stored: Mapping[str, Any] | None) -> Restart:
        if not stored:
            return Restart()
        return Restart(
            stored.get("start"),
            int(stored.get("count", 0)),
            int(stored.get("suggested", 0)),
            stored.get("hyperparameters"),
            tuple(stored.get("pending", ())),
        )

    def stored(self) -> dict[str, Any]:
        written: dict[str, Any] = {
            "start": self.start,
            "count": self.count,
            "suggested": self.suggested,
        }
        if self.hyperparameters is not None:
            written["hyperparameters"] = self.hyperparameters
        if self.pending:
            written["pending"] = [dict(parameters) for parameters in self.pending]
        return written

    @property
    def running(self) -> bool:
        return self.start is not None

    def restarted(self, request: SuggestionRequest) -> Restart:
        """A restart beginning after the request's finished trials."""
        pending = tuple(dict(parameters) for parameters in request.pending)
        return Restart(len(request.completed), self.count + 1, pending=pending)

    def ended(self) -> Restart:
        return Restart(None, self.count)

    def counted(self, points: int) -> Restart:
        """After the study's GP suggested `points` more points."""
        return replace(self, suggested=self.suggested + points)

    def fitted(self, hyperparameters: Mapping[str, Mapping[str, Any]]) -> Restart:
        return replace(self, hyperparameters=hyperparameters)

    def trials_of(self, request: SuggestionRequest) -> SuggestionRequest:
        """`request` as the running restart sees it: its own trials only, finished and
        pending.

        The trials pending when it began are not its own. Each one that has finished
        since is listed before the restart's first trial (the list is by trial
        number) and moves it one place on; those still pending count neither toward
        its design nor in its model. Its GP's points still never repeat them: the step
        checks them against the whole study.
        """
        assert self.start is not None
        finished_since, own_pending = _left_pending(self.pending, request.pending)
        return replace(
            request,
            completed=request.completed[self.start + finished_since :],
            pending=own_pending,
        )


def _left_pending(
    before: Sequence[Mapping[str, Any]], pending: Sequence[Mapping[str, Any]]
) -> tuple[int, list[Mapping[str, Any]]]:
    """How many of the trials pending `before` (a restart began) have left `pending`
    (finished) since, and the rest of `pending`: trials pending now that were not then.

    Matched as a multiset: two pending trials of one configuration are two trials, and
    a finished trial of that configuration from before matches neither.
    """
    others = list(pending)
    finished = 0
    for parameters in before:
        if parameters in others:
            others.remove(parameters)
        else:
            finished += 1
    return finished, others


def restarts_on(request: SuggestionRequest, server_default: bool) -> bool:
    """Whether the study restarts when it stalls: as its spec says, or where the spec
    leaves it unset, as the server's default says, for a study that may restart
    (`StudySpec.can_restart`)."""
    spec = request.spec
    wanted = server_default if spec.stall_restarts is None else spec.stall_restarts
    return wanted and spec.can_restart


def next_restart(
    request: SuggestionRequest, restart: Restart, lengthscales: Sequence[float] | None
) -> Restart:
    """The study's restart for this step: one begins when the study has stalled while
    its GP ignores an input (no restart running; `lengthscales` are the study's last
    fit's, None before one), and the running one ends when it has stalled itself."""
    design = request.spec.initial_trials()
    if restart.running:
        own = minimized_values(restart.trials_of(request))
        return restart.ended() if stalled(own, design) else restart
    begins = (
        len(request.completed) >= EARLIEST_IN_DESIGNS * design
        and restart.suggested >= PATIENCE
        and ignores_an_input(lengthscales)
        and stalled(minimized_values(request), design)
    )
    return restart.restarted(request) if begins else restart


def ignores_an_input(lengthscales: Sequence[float] | None) -> bool:
    """Whether a fit's longest lengthscale is at least `IGNORED_INPUT_RATIO` times the
    median of the others: the GP sees the objective as (nearly) flat along that input.
    A fit over one input has no other to compare with."""
    if not lengthscales or len(lengthscales) < 2:
        return False
    longest, *others = sorted(lengthscales, reverse=True)
    return longest >= IGNORED_INPUT_RATIO * statistics.median(others)


def stalled(values: Sequence[float | None], design: int) -> bool:
    """Whether the best of `values` (oldest first, lower is better, None for a failed
    trial), past a design of `design` trials, gained no more than `TOLERANCE` of their
    range over the last `PATIENCE` of them.

    A failed trial is a trial without improvement: a restart whose trials all fail ends
    like one whose trials all miss.
    """
    if len(values) < design + PATIENCE:
        return False
    measured = [v for v in values if v is not None]
    measured_before = [v for v in values[:-PATIENCE] if v is not None]
    if not measured:
        return True
    if not measured_before:
        return False  # its first values came in the last PATIENCE trials
    best = min(measured)
    return min(measured_before) - best <= TOLERANCE * (max(measured) - best)


def minimized_values(request: SuggestionRequest) -> list[float | None]:
    """The objective's values of the finished trials, oldest first, signed so that lower
    is better; None for a failed trial (or one without the objective)."""
    objective = request.spec.objective
    sign = -objective.sign()
    return [
        None
        if o.infeasible or objective.name not in o.metrics
        else sign * o.metrics[objective.name]
        for o in request.completed
    ]
