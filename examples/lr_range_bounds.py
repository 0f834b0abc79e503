"""How good are the learning-rate range test's suggestions? Train with each and see.

For six setups on scikit-learn's bundled digits (a linear model, an MLP and a small CNN,
each with SGD with momentum 0.9 and with Adam), runs `sibyl.lr_range_test`, then trains the same
initial model for a few epochs at each rate it reads from the curve (the range's
bounds, the three suggestion rules, and the rate of the lowest loss, which the range
used to end at) and prints the validation accuracy, as a Markdown table.

    python examples/lr_range_bounds.py [--epochs 5] [--steps 100]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable

import torch
from digits import Data, batches, load_data, train_epoch, validation_accuracy

import sibyl

Optimizer = Callable[[object, float], torch.optim.Optimizer]


def linear() -> torch.nn.Module:
    return torch.nn.Linear(64, 10)  # multinomial logistic regression


def mlp() -> torch.nn.Module:
    return torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def cnn() -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Unflatten(1, (1, 8, 8)),
        torch.nn.Conv2d(1, 16, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(16, 32, 3, padding=1), torch.nn.ReLU(),
        torch.nn.Flatten(), torch.nn.Linear(32 * 16, 10),
    )  # fmt: skip


SETUPS: dict[str, tuple[Callable[[], torch.nn.Module], Optimizer]] = {
    "linear, SGD momentum 0.9": (linear, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9)),
    "linear, Adam": (linear, lambda p, lr: torch.optim.Adam(p, lr=lr)),
    "MLP, SGD momentum 0.9": (mlp, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9)),
    "MLP, Adam": (mlp, lambda p, lr: torch.optim.Adam(p, lr=lr)),
    "CNN, SGD momentum 0.9": (cnn, lambda p, lr: torch.optim.SGD(p, lr=lr, momentum=0.9)),
    "CNN, Adam": (cnn, lambda p, lr: torch.optim.Adam(p, lr=lr)),
}


def accuracy(build: Callable[[], torch.nn.Module], optimizer: Optimizer, lr: float,
             data: Data, epochs: int) -> float:  # fmt: skip
    """Validation accuracy after `epochs` epochs at the constant rate `lr`."""
    X_train, X_val, y_train, y_val = data
    torch.manual_seed(0)
    model = build()
    step = optimizer(model.parameters(), lr)
    for epoch in range(1, epochs + 1):
        train_epoch(model, step, batches(X_train, y_train, epoch))
    return validation_accuracy(model, X_val, y_val)


def rates(build: Callable[[], torch.nn.Module], optimizer: Optimizer, data: Data,
          steps: int) -> dict[str, float]:  # fmt: skip
    """The rates the range test reads from one sweep, by name."""
    torch.manual_seed(0)
    model = build()
    found = sibyl.lr_range_test(
        model, optimizer(model.parameters(), 0.1), torch.nn.functional.cross_entropy,
        batches(data[0], data[2], 0), start_lr=1e-5, end_lr=10.0, num_steps=steps,
    )  # fmt: skip
    return {
        "low": found.low, "valley": found.suggestion, "high": found.high,
        "steepest": found.suggested("steepest"), "minimum": found.suggested("minimum"),
        "lowest loss": found.min_loss_lr,
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--steps", type=int, default=100, help="batches in the sweep")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_data()
    names = ["low", "valley", "high", "steepest", "minimum", "lowest loss"]
    print("| setup | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for setup, (build, optimizer) in SETUPS.items():
        found = rates(build, optimizer, data, args.steps)
        cells = [f"{found[n]:.3g}: {accuracy(build, optimizer, found[n], data, args.epochs):.3f}"
                 for n in names]  # fmt: skip
        print(f"| {setup} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
