"""The Lightning callback reports, prunes and completes during real (tiny) `Trainer.fit` runs."""

from __future__ import annotations

import lightning.pytorch as pl
import pytest
import torch
from torch.utils.data import DataLoader, TensorDataset

import sibyl
from sibyl.integrations.lightning import SibylCallback
from tests.client.integrations.trials import (
    doomed_trial,
    fresh_trial,
    learned_and_completed,
    reported,
    stopped_by_the_policy,
)

# Lightning's advice ("few dataloader workers") and its own deprecated calls.
pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore:.*deprecated"),
]


class Regression(pl.LightningModule):
    def __init__(self, learning_rate: float) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)
        self.learning_rate = learning_rate

    def training_step(self, batch: list[torch.Tensor], index: int) -> torch.Tensor:
        loss = torch.nn.functional.mse_loss(self.layer(batch[0]), batch[1])
        self.log("train_loss", loss, on_epoch=True, on_step=False)
        return loss

    def validation_step(self, batch: list[torch.Tensor], index: int) -> None:
        self.log("val_loss", torch.nn.functional.mse_loss(self.layer(batch[0]), batch[1]))

    def configure_optimizers(self) -> torch.optim.Optimizer:
        return torch.optim.SGD(self.parameters(), lr=self.learning_rate)


def loaders() -> tuple[DataLoader, DataLoader]:
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(256, 4, generator=generator)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]])
    train, valid = TensorDataset(x[:192], y[:192]), TensorDataset(x[192:], y[192:])
    return DataLoader(train, batch_size=32), DataLoader(valid, batch_size=64)


def fit(trial: sibyl.Trial, epochs: int, **options) -> SibylCallback:
    pl.seed_everything(0, verbose=False)
    callback = SibylCallback(trial, **options)
    trainer = pl.Trainer(
        max_epochs=epochs, callbacks=[callback], accelerator="cpu", logger=False,
        enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
    )  # fmt: skip
    trainer.fit(Regression(float(trial.parameters["learning_rate"])), *loaders())
    return callback


def test_reports_each_epoch_and_completes_with_the_best_value(
    client: sibyl.Client, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    callback = fit(trial, epochs=4)
    assert len(learned_and_completed(trial)) == 4 and not callback.pruned


def test_a_training_metric_and_the_last_value(client: sibyl.Client, unique_id: str) -> None:
    trial = fresh_trial(client, unique_id)
    fit(trial, epochs=3, monitor="train_loss", complete_with="last")
    values = reported(trial)
    assert len(values) == 3 and trial.metrics["loss"] == pytest.approx(values[-1])


def test_epochs_without_validation_repeat_no_measurement(
    client: sibyl.Client, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    callback = SibylCallback(trial)
    trainer = pl.Trainer(
        max_epochs=4,
        check_val_every_n_epoch=2,
        callbacks=[callback],
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
    )
    trainer.fit(Regression(0.05), *loaders())  # fmt: skip
    assert [m.step for m in trial.refresh().proto.measurements] == [1, 3]


def test_a_training_metric_is_reported_on_epochs_without_validation(
    client: sibyl.Client, unique_id: str
) -> None:
    trial = fresh_trial(client, unique_id)
    pl.seed_everything(0, verbose=False)
    trainer = pl.Trainer(
        max_epochs=4, check_val_every_n_epoch=2, logger=False, enable_checkpointing=False,
        callbacks=[SibylCallback(trial, "train_loss")], enable_progress_bar=False,
    )  # fmt: skip
    trainer.fit(Regression(0.05), *loaders())
    assert [m.step for m in trial.refresh().proto.measurements] == [0, 1, 2, 3]


def test_stops_training_when_the_study_stops_the_trial(
    client: sibyl.Client, unique_id: str
) -> None:
    trial = doomed_trial(client, unique_id)
    stopped_by_the_policy(trial, fit(trial, epochs=10).pruned)  # steps 0 and 1: min_step 1


def test_a_monitor_never_logged_is_an_error(client: sibyl.Client, unique_id: str) -> None:
    trial = fresh_trial(client, unique_id)
    with pytest.raises(KeyError, match=r"'val_acc' is not among .*'val_loss'"), trial:
        fit(trial, epochs=1, monitor="val_acc")
    assert trial.state == "INFEASIBLE"
