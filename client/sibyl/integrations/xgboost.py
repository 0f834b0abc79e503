"""`SibylCallback` for XGBoost: report, prune and complete from `xgboost.train`.

    from sibyl.integrations.xgboost import SibylCallback

    def objective(trial: sibyl.Trial) -> None:
        xgboost.train({**trial.parameters, "eval_metric": "logloss"}, dtrain,
                      num_boost_round=200, evals=[(dvalid, "valid")],
                      callbacks=[SibylCallback(trial, "logloss")])

    sibyl.optimize(objective, study, n_trials=30)

After each boosting round (every `every` rounds, and the last) the metric of an evaluation set (the
last one in `evals` unless `data_name` says which) is reported to the trial as the
study's objective; when the study's early-stopping policy stops the trial, training
stops as XGBoost's own early stopping does; when training ends the trial is completed
with the best value (or the last, `complete_with="last"`). Also for the scikit-learn
estimators (`XGBClassifier(callbacks=[...])`, whose `eval_set` is named `validation_0`,
...) and `xgboost.cv` (the mean over folds). A callback holds one trial: make a new one
for each fit. `pip install 'sibyl[xgboost]'`.
"""

from __future__ import annotations

from typing import Any

import xgboost

from sibyl.integrations._reporting import CompleteWith, TrialReporter, missing_monitor
from sibyl.study import Trial


class SibylCallback(xgboost.callback.TrainingCallback):
    """Reports an evaluation metric to `trial`, stops when Sibyl says so, completes the trial.

    Args:
        trial: The trial this training trains.
        monitor: The evaluation metric to report, as XGBoost names it ("logloss", "auc").
        data_name: The evaluation set it is measured on; None: the last of `evals`.
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
        self._skipped: tuple[int, float] | None = None

    @property
    def pruned(self) -> bool:
        """Whether the study's early-stopping policy stopped the training."""
        return self.reporter.pruned

    def after_iteration(self, model: Any, epoch: int, evals_log: dict[str, Any]) -> bool:
        if epoch % self.every:
            self._skipped = (epoch, self._latest(evals_log))
            return False
        self._skipped = None
        return self.reporter.report(self._latest(evals_log), epoch)

    def after_training(self, model: Any) -> Any:
        if self._skipped is not None:  # the last round, between two reports
            self.reporter.report(self._skipped[1], self._skipped[0], prune=False)
        self.reporter.finish()
        return model

    def _latest(self, evals_log: dict[str, Any]) -> float:
        """The monitored metric's value after the last round; a cv's (mean, std) gives mean."""
        if not evals_log:
            raise ValueError("SibylCallback needs an evaluation set: pass evals=[(data, name)]")
        data_name = self.data_name or list(evals_log)[-1]
        metrics = evals_log.get(data_name, {})
        if self.reporter.monitor not in metrics:
            names = [f"{d}-{m}" for d, log in evals_log.items() for m in log]
            raise missing_monitor(f"{data_name}-{self.reporter.monitor}", names)
        value = metrics[self.reporter.monitor][-1]
        return float(value[0] if isinstance(value, tuple) else value)
