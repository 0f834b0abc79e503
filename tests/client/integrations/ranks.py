"""A rank of a two-process `torch.distributed` run evaluating with the Trainer callback.

Run by `test_transformers.py` in processes of their own (spawned: gRPC does not survive
a fork): each rank holds the same trial, as the ranks of a distributed training do, and
evaluates once; rank 0 reports, and the study stops the trial.
"""

from __future__ import annotations

import torch.distributed as dist
from transformers import TrainerControl, TrainerState

import sibyl
from sibyl.integrations.transformers import SibylCallback


def evaluate(rank: int, address: str, port: int, study_id: str, trial_id: int, out: str) -> None:
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=2)
    try:
        with sibyl.connect(address, client_id="ranks") as client:
            trial = client.get_study(study_id).get_trial(trial_id)
            state = TrainerState(global_step=4, is_world_process_zero=rank == 0)
            control = TrainerControl()
            SibylCallback(trial).on_evaluate(None, state, control, metrics={"eval_loss": 5.0})
        with open(f"{out}/rank-{rank}", "w") as answer:
            answer.write(str(control.should_training_stop))
    finally:
        dist.destroy_process_group()
