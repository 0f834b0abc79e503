"""The Trainer callback reports, prunes and completes during real (tiny) `Trainer.train` runs.

The model is a small torch module built here (no weights are downloaded): the Trainer
needs only a module whose forward returns a loss.
"""

from __future__ import annotations

import multiprocessing
import socket
from pathlib import Path

import pytest
import torch
from transformers import Trainer, TrainingArguments

import sibyl
from sibyl.integrations.transformers import SibylCallback
from tests.client.integrations.ranks import evaluate
from tests.client.integrations.trials import (
    doomed_trial,
    fresh_trial,
    learned_and_completed,
    reported,
    stopped_by_the_policy,
)


class Regression(torch.nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 1)

    def forward(self, x: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
        prediction = self.layer(x)
        return {"loss": torch.nn.functional.mse_loss(prediction, labels), "logits": prediction}


def examples(count: int, seed: int) -> list[dict[str, torch.Tensor]]:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(count, 4, generator=generator)
    y = x @ torch.tensor([[1.0], [-2.0], [0.5], [0.0]])
    return [{"x": a, "labels": b} for a, b in zip(x, y, strict=True)]


def train(
    trial: sibyl.Trial, output: Path, epochs: int, eval_dataset: object = None, **options
) -> Trainer:
    torch.manual_seed(0)
    callback = SibylCallback(trial, **options)
    args = TrainingArguments(
        str(output), num_train_epochs=epochs, per_device_train_batch_size=32,
        learning_rate=float(trial.parameters["learning_rate"]), eval_strategy="epoch",
        save_strategy="no", report_to=[], use_cpu=True, disable_tqdm=True,
        logging_strategy="no", dataloader_num_workers=0,
    )  # fmt: skip
    trainer = Trainer(Regression(), args, train_dataset=examples(128, 0),
                      eval_dataset=eval_dataset or examples(64, 1),
                      callbacks=[callback])  # fmt: skip
    trainer.train()
    return trainer


def callback_of(trainer: Trainer) -> SibylCallback:
    return next(c for c in trainer.callback_handler.callbacks if isinstance(c, SibylCallback))


def test_reports_each_evaluation_and_completes_with_the_best_value(
    client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    trial = fresh_trial(client, unique_id)
    trainer = train(trial, tmp_path, epochs=3)
    learned_and_completed(trial)
    assert [m.step for m in trial.proto.measurements] == [4, 8, 12]  # global steps
    assert not callback_of(trainer).pruned
    trainer.evaluate()  # after the trial completed: reports nothing, raises nothing
    assert len(reported(trial)) == 3


def test_stops_training_when_the_study_stops_the_trial(
    client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    trial = doomed_trial(client, unique_id)
    trainer = train(trial, tmp_path, epochs=10)
    stopped_by_the_policy(trial, callback_of(trainer).pruned, reports=1)  # step 4 >= min_step 1


def test_with_several_evaluation_datasets_the_monitored_one_is_reported(
    client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    trial = fresh_trial(client, unique_id)
    # The Trainer evaluates each dataset in turn: "valid", then "test" (eval_test_loss).
    eval_dataset = {"valid": examples(64, 1), "test": examples(64, 2)}
    train(trial, tmp_path, epochs=2, monitor="eval_valid_loss", eval_dataset=eval_dataset)
    assert [m.step for m in trial.proto.measurements] == [4, 8]
    assert trial.state == "COMPLETED"


def test_every_rank_of_a_distributed_run_learns_rank_zero_s_stop(
    client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    trial = doomed_trial(client, unique_id)
    trial.report({"loss": 9.0}, step=1)  # far worse than the others: the policy stops it
    context = multiprocessing.get_context("spawn")
    args = (trial.study.client.config.address, free_port(), unique_id, trial.id, str(tmp_path))
    ranks = [context.Process(target=evaluate, args=(rank, *args)) for rank in (0, 1)]
    for rank in ranks:
        rank.start()
    for rank in ranks:
        rank.join(timeout=120)
    assert [rank.exitcode for rank in ranks] == [0, 0]
    answers = [(tmp_path / f"rank-{rank}").read_text() for rank in (0, 1)]
    assert answers == ["True", "True"], "rank 1 stops too, or it would wait for rank 0"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_an_unknown_metric_names_the_evaluated_ones(
    client: sibyl.Client, unique_id: str, tmp_path: Path
) -> None:
    trial = fresh_trial(client, unique_id)
    with pytest.raises(KeyError, match=r"'eval_accuracy' is not among .*'eval_loss'"), trial:
        train(trial, tmp_path, epochs=1, monitor="eval_accuracy")
    assert trial.state == "INFEASIBLE"
