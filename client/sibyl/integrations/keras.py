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

from sibyl.integrations._reporting import EpochCallback, missing_monitor


class SibylCallback(EpochCallback, keras.callbacks.Callback):
    """Reports `monitor` each epoch to `trial`, stops when Sibyl says so, completes the trial.

    The arguments are `EpochCallback`'s: `monitor` is the key of `logs` to report
    ("val_loss" by default).
    """

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        logs = logs or {}
        monitor = self.reporter.monitor
        if monitor not in logs:
            if monitor.startswith("val_") and not any(k.startswith("val_") for k in logs):
                return  # an epoch without validation (`validation_freq` > 1)
            raise missing_monitor(monitor, logs)
        if self.reporter.report(float(logs[monitor]), epoch):
            self.model.stop_training = True

    def on_train_end(self, logs: dict[str, Any] | None = None) -> None:
        self.reporter.finish()
