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

from sibyl.integrations._reporting import BoostingCallback, missing_monitor


class SibylCallback(BoostingCallback, xgboost.callback.TrainingCallback):
    """Reports an evaluation metric to `trial`, stops when Sibyl says so, completes the trial.

    The arguments are `BoostingCallback`'s: `monitor` is the evaluation metric as XGBoost
    names it ("logloss", "auc"), `data_name` the evaluation set it is measured on (None:
    the last of `evals`).
    """

    _skipped: tuple[int, float] | None = None
    """The round and value not reported yet: the last round, when between two reports."""

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
