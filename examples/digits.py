"""What the PyTorch examples share: scikit-learn's bundled digits (8x8 images, 10
classes), split 70/30, the loop that trains on it and measures it, and the command-line
options of the ones that run a study.

The examples import it from next to themselves (`python examples/one_cycle.py` puts
`examples/` first on the path); it runs nothing by itself.
"""

from __future__ import annotations

import argparse
from typing import Any

import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

Data = tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]
"""X_train (n x 64 floats in [0, 1]), X_val, y_train (n class indices), y_val."""
Batch = tuple[torch.Tensor, torch.Tensor]


def load_data() -> Data:
    X, y = load_digits(return_X_y=True)
    X_train, X_val, y_train, y_val = train_test_split(X / 16.0, y, test_size=0.3, random_state=0)
    as_float = lambda a: torch.tensor(a, dtype=torch.float32)  # noqa: E731
    return as_float(X_train), as_float(X_val), torch.tensor(y_train), torch.tensor(y_val)


def batches(X: torch.Tensor, y: torch.Tensor, seed: int, size: int = 32) -> list[Batch]:
    """`X` and `y` in batches of `size`, shuffled by `seed`."""
    order = torch.randperm(len(X), generator=torch.Generator().manual_seed(seed))
    return [(X[order[i : i + size]], y[order[i : i + size]]) for i in range(0, len(X), size)]


def train_epoch(
    model: torch.nn.Module,
    optimizer: torch.optim.Optimizer,
    epoch: list[Batch],
    scheduler: Any = None,
) -> None:
    """One pass over `epoch`'s batches minimizing the cross-entropy; `scheduler`, if
    given, steps after each batch."""
    model.train()
    for inputs, targets in epoch:
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), targets).backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()


def validation_accuracy(model: torch.nn.Module, X_val: torch.Tensor, y_val: torch.Tensor) -> float:
    """The share of `X_val` that `model` classifies as `y_val` says."""
    model.eval()
    with torch.no_grad():
        return float((model(X_val).argmax(1) == y_val).float().mean())


def study_parser(description: str) -> argparse.ArgumentParser:
    """A parser with the options of an example that runs a study: the server and the
    number of trials."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--address", default=None, help="a Sibyl server; default: start one")
    parser.add_argument("--trials", type=int, default=20)
    return parser
