"""One-cycle training tuned by Sibyl: the range test bounds the peak rate, a study
tunes the peak, the cycle's length and the momentum range.

A small MLP on scikit-learn's bundled digits, trained with SGD under PyTorch's
`OneCycleLR` (Smith's one-cycle policy: the rate climbs to a peak, then anneals far
below its start, while the momentum moves the other way). The learning-rate range test
gives the peak's range; each trial trains with its own peak, number of epochs (the
cycle's length), share of the cycle spent climbing, and momentum range, and reports
its validation accuracy after every epoch.

    python examples/one_cycle.py [--address host:port] [--trials 20]

Without --address, a Sibyl server runs in this process on a temporary SQLite file.
"""

from __future__ import annotations

import uuid

import torch
from digits import Data, batches, load_data, study_parser, train_epoch, validation_accuracy

import sibyl
from sibyl.local_server import connect_or_start


def build() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10))


def range_test(data: Data) -> sibyl.LrRange:
    model = build()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    found = sibyl.lr_range_test(
        model, optimizer, torch.nn.functional.cross_entropy, batches(data[0], data[2], 0),
        start_lr=1e-5, end_lr=10.0,
    )  # fmt: skip
    print(f"range test: {found.low:.3g} .. {found.high:.3g}, {found.method} {found.suggestion:.3g}")
    return found


def spec(found: sibyl.LrRange, trials: int) -> sibyl.StudySpec:
    """The recipe: the peak within the range test's range, the cycle's length in epochs,
    the climb's share of it, and the momentum's two ends (high while the rate is low)."""
    return sibyl.StudySpec(
        parameters=[
            found.parameter("max_lr"),
            sibyl.Integer("epochs", 2, 8),
            sibyl.Double("pct_start", 0.1, 0.5),
            sibyl.Double("base_momentum", 0.75, 0.9),
            sibyl.Double("max_momentum", 0.9, 0.99),
        ],
        metrics=[sibyl.Metric("accuracy", goal="maximize")],
        max_trials=trials,
        seed=0,
    )


def objective(data: Data, found: sibyl.LrRange):
    X_train, X_val, y_train, y_val = data

    def train(trial: sibyl.Trial) -> float:
        p = trial.parameters
        model = build()
        optimizer = torch.optim.SGD(model.parameters(), lr=float(p["max_lr"]), momentum=0.9)
        epochs = int(p["epochs"])
        scheduler = found.one_cycle(
            optimizer, total_steps=epochs * len(batches(X_train, y_train, 0)),
            max_lr=float(p["max_lr"]), pct_start=float(p["pct_start"]),
            base_momentum=float(p["base_momentum"]), max_momentum=float(p["max_momentum"]),
        )  # fmt: skip
        accuracy = 0.0
        for epoch in range(1, epochs + 1):
            train_epoch(model, optimizer, batches(X_train, y_train, epoch), scheduler)
            accuracy = validation_accuracy(model, X_val, y_val)
            trial.report({"accuracy": accuracy}, step=epoch)
        return accuracy

    return train


def main() -> None:
    parser = study_parser(__doc__.split("\n")[0])
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_data()
    found = range_test(data)
    with connect_or_start(args.address) as client:
        study = client.create_study(f"one-cycle-{uuid.uuid4().hex[:8]}", spec(found, args.trials))
        result = sibyl.optimize(objective(data, found), study)
        best = result.best_trial
        assert best is not None
        print(f"best: trial {best.id}, accuracy {best.metrics['accuracy']:.4f}, {best.parameters}")


if __name__ == "__main__":
    main()
