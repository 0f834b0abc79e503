"""`SibylCallback` for PyTorch Lightning: report, prune and complete from `Trainer.fit`.

    from sibyl.integrations.lightning import SibylCallback

    def objective(trial: sibyl.Trial) -> None:
        trainer = lightning.Trainer(max_epochs=20, callbacks=[SibylCallback(trial, "val_loss")])
        trainer.fit(Model(**trial.parameters), datamodule)

    sibyl.optimize(objective, study, n_trials=30)

After each training epoch (validation included) the monitored value, anything the
module logs with `self.log(..., on_epoch=True)`, is reported to the trial as the
study's objective; when the study's early-stopping policy stops the trial, the trainer
stops (`trainer.should_stop`); when `fit` ends the trial is completed with the best
value (or the last, `complete_with="last"`). Needs the `lightning` package
(`pip install 'sibyl[lightning]'`; without it, the older `pytorch_lightning` is used).
Under distributed training, give every rank the callback, holding the same trial: rank 0
reports and completes it, and every rank stops when the study stops it.
"""

from __future__ import annotations

from typing import Any

try:
    import lightning.pytorch as pl
except ImportError:  # the package's name before 2.0, still installed on its own
    import pytorch_lightning as pl  # type: ignore[no-redef]

from sibyl.integrations._reporting import EpochCallback, missing_monitor


class SibylCallback(EpochCallback, pl.Callback):
    """Reports `monitor` each epoch to `trial`, stops when Sibyl says so, completes the trial.

    The arguments are `EpochCallback`'s: `monitor` is the logged value to report
    ("val_loss" by default); `complete` completes the trial when `fit` ends.
    """

    _validated_epoch: int | None = None
    """The last epoch whose validation ran (sanity checks left out)."""
    _validated_value: Any = None
    """The monitored value as that validation left it (Lightning's tensor object)."""

    def on_validation_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if not trainer.sanity_checking:
            self._validated_epoch = trainer.current_epoch
            self._validated_value = trainer.callback_metrics.get(self.reporter.monitor)

    def on_train_epoch_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        stop = trainer.is_global_zero and self._reported(trainer)
        # Every rank ends the epoch here: each learns rank 0's decision (Lightning does
        # not share `should_stop`, and a rank that stopped alone would hang the others).
        if trainer.strategy.broadcast(stop, src=0):
            trainer.should_stop = True

    def _reported(self, trainer: pl.Trainer) -> bool:
        """Reports this epoch's value; returns whether the study stops the trial."""
        value = trainer.callback_metrics.get(self.reporter.monitor)
        if value is None or self._stale(trainer, value):
            return False
        return self.reporter.report(float(value), trainer.current_epoch)

    def _stale(self, trainer: pl.Trainer, value: Any) -> bool:
        """Whether `value` is an earlier validation's, held over an epoch without one.

        With check_val_every_n_epoch > 1, reporting it again would repeat a measurement.
        A training metric is computed anew each epoch (a new object), so it stays fresh.
        """
        skipped = self._validated_epoch not in (None, trainer.current_epoch)
        return skipped and value is self._validated_value

    def on_fit_end(self, trainer: pl.Trainer, pl_module: Any) -> None:
        if not trainer.is_global_zero:
            return
        if not self.reporter.values and not self.reporter.diverged:
            raise missing_monitor(self.reporter.monitor, trainer.callback_metrics)
        self.reporter.finish()
