"""`SibylCallback` for LightGBM: report, prune and complete from `lightgbm.train`.

    from sibyl.integrations.lightgbm import SibylCallback

    def objective(trial: sibyl.Trial) -> None:
        callback = SibylCallback(trial, "binary_logloss")
        lightgbm.train({**trial.parameters, "objective": "binary"}, train_set,
                       num_boost_round=200, valid_sets=[valid_set], callbacks=[callback])
        callback.finish()

    sibyl.optimize(objective, study, n_trials=30)

After each boosting round (every `every` rounds) the metric of a validation set (the
last of `valid_sets` unless `data_name` says which) is reported to the trial as the
study's objective; when the study's early-stopping policy stops the trial, training
stops as LightGBM's own early stopping does (`EarlyStopException`); after the last
round, or when it stops, the trial is completed with the best value (or the last,
`complete_with="last"`). LightGBM tells callbacks neither that training ended early
through another callback (`lightgbm.early_stopping`) nor that an exception ended it:
call `finish()` after training, which completes the trial if nothing else did. Also for
the scikit-learn estimators (`fit(..., callbacks=[...])`, `eval_set` named `valid_0`,
...) and `lightgbm.cv` (the mean over folds, set "valid"). A callback holds one trial:
make a new one for each fit. `pip install 'sibyl[lightgbm]'`.
"""

from __future__ import annotations

from typing import Any

import lightgbm

from sibyl.integrations._reporting import CompleteWith, TrialReporter, missing_monitor
from sibyl.study import Trial


class SibylCallback:
    """Reports a validation metric to `trial`, stops when Sibyl says so, completes the trial.

    Args:
        trial: The trial this training trains.
        monitor: The metric to report, as LightGBM names it ("binary_logloss", "l2", "auc").
        data_name: The validation set it is measured on; None: the last of `valid_sets`.
        metric: The study metric it is reported as; None: the study's objective.
        complete_with: "best" (by the metric's goal) or "last" value to complete with.
        prune: Whether the study's early-stopping policy may stop the training.
        complete: Whether to complete the trial when training ends.
        every: Reports every `every` rounds (each report is a call to the server).
    """

    order = 25
    """Before `lightgbm.early_stopping` (30), so that the round it stops at is reported."""

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

    def __call__(self, env: Any) -> None:
        last = env.iteration + 1 >= env.end_iteration
        if (env.iteration - env.begin_iteration) % self.every and not last:
            return
        if self.reporter.report(self._latest(env.evaluation_result_list), env.iteration):
            self.finish()
            raise lightgbm.callback.EarlyStopException(env.iteration, env.evaluation_result_list)
        if last:
            self.finish()

    def finish(self) -> None:
        """Completes the trial unless it is already (safe to call more than once)."""
        self.reporter.finish()

    def _latest(self, results: list[tuple[Any, ...]] | None) -> float:
        """The monitored metric in this round's (data set, metric, value, ...) tuples."""
        if not results:
            raise ValueError("SibylCallback needs a validation set: pass valid_sets=[...]")
        data_name = self.data_name or results[-1][0]
        for result in results:
            if result[0] == data_name and result[1] == self.reporter.monitor:
                return float(result[2])
        names = [f"{r[0]}-{r[1]}" for r in results]
        raise missing_monitor(f"{data_name}-{self.reporter.monitor}", names)
