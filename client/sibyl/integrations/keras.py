"""`SibylCallback` for Keras 3 (any backend): report, prune and complete from `model.fit`.

    from sibyl.integrations.keras import SibylCallback

    def objective(trial: sibyl.Trial) -> None:
        model = build(**trial.parameters)
        model.fit(x, y, validation_split=0.2, epochs=20,
                  callbacks=[SibylCallback(trial, "val_accuracy")])

    sibyl.optimize(objective, study, n_trials=30)

At the end of each epoch the monitored value of `logs` is reported to the trial as the
study's objective; when the study's early-stopping policy stops the trial, training
stops (`model.stop_training`); when training ends the trial is completed with the best
value (or the last, `complete_with="last"`). `pip install 'sibyl[keras]'`, plus the
backend's own library (torch, jax or tensorflow).
"""

from __future__ import annotations

from typing import Any

import keras

from sibyl.integrations._reporting import CompleteWith, TrialReporter, missing_monitor
from sibyl.study import Trial


class SibylCallback(keras.callbacks.Callback):
    """Reports `monitor` each epoch to `trial`, stops when Sibyl says so, completes the trial.

    Args:
        trial: The trial this `fit` trains.
        monitor: The key of `logs` to report ("val_loss" by default).
        metric: The study metric it is reported as; None: the study's objective.
        complete_with: "best" (by the metric's goal) or "last" value to complete with.
        prune: Whether the study's early-stopping policy may stop the training.
        complete: Whether to complete the trial when training ends.
    """

    def __init__(
        self,
        trial: Trial,
        monitor: str = "val_loss",
        *,
        metric: str | None = None,
        complete_with: CompleteWith = "best",
        prune: bool = True,
        complete: bool = True,
    ) -> None:
        super().__init__()
        self.reporter = TrialReporter(
            trial, monitor, metric=metric, complete_with=complete_with, prune=prune,
            complete=complete,
        )  # fmt: skip

    @property
    def pruned(self) -> bool:
        """Whether the study's early-stopping policy stopped the training."""
        return self.reporter.pruned

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        if self.reporter.monitor not in logs:
            raise missing_monitor(self.reporter.monitor, logs)
        if self.reporter.report(float(logs[self.reporter.monitor]), epoch):
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.reporter.finish()
