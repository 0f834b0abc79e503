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

from sibyl.integrations._reporting import BoostingCallback, missing_monitor


class SibylCallback(BoostingCallback):
    """Reports a validation metric to `trial`, stops when Sibyl says so, completes the trial.

    The arguments are `BoostingCallback`'s: `monitor` is the metric as LightGBM names it
    ("binary_logloss", "l2", "auc"), `data_name` the validation set it is measured on
    (None: the last of `valid_sets`).
    """

    order = 25
    """Before `lightgbm.early_stopping` (30), so that the round it stops at is reported."""

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
