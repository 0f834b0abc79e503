"""A PyTorch training loop tuned by Sibyl, stopping unpromising trials early.

A small MLP on scikit-learn's bundled digits. First a learning-rate range test picks
the learning rate's bounds; then `sibyl.optimize` runs the trials: each reports its
validation accuracy after every epoch and stops as soon as the study's early-stopping
policy (successive halving) says its curve is not worth finishing.

    python examples/pytorch_early_stopping.py [--address host:port] [--trials 20] [--epochs 12]

Without --address, a Sibyl server runs in this process on a temporary SQLite file.
"""

from __future__ import annotations

import uuid

import torch
from digits import Data, batches, load_data, study_parser, train_epoch, validation_accuracy

import sibyl
from sibyl.local_server import connect_or_start


def build(hidden: int, dropout: float) -> torch.nn.Module:
    return torch.nn.Sequential(
        torch.nn.Linear(64, hidden), torch.nn.ReLU(), torch.nn.Dropout(dropout),
        torch.nn.Linear(hidden, 10),
    )  # fmt: skip


def learning_rate_bounds(data: Data) -> sibyl.Double:
    torch.manual_seed(0)
    model = build(64, 0.0)
    optimizer = torch.optim.Adam(model.parameters())
    found = sibyl.lr_range_test(
        model, optimizer, torch.nn.functional.cross_entropy, batches(data[0], data[2], 0),
        start_lr=1e-5, end_lr=10.0, num_steps=60,
    )  # fmt: skip
    print(f"learning-rate range test: {found.low:.2e} .. {found.high:.2e}")
    return found.parameter("learning_rate")


def objective(data: Data, epochs: int):
    X_train, X_val, y_train, y_val = data

    def train(trial: sibyl.Trial) -> float:
        p = trial.parameters
        torch.manual_seed(trial.id)
        model = build(int(p["hidden"]), float(p["dropout"]))
        optimizer = torch.optim.Adam(model.parameters(), lr=float(p["learning_rate"]))
        accuracy = 0.0
        for epoch in range(1, epochs + 1):
            epoch_batches = batches(X_train, y_train, epoch, int(p["batch_size"]))
            train_epoch(model, optimizer, epoch_batches)
            accuracy = validation_accuracy(model, X_val, y_val)
            trial.report({"accuracy": accuracy}, step=epoch)
            if trial.should_stop():
                print(f"  trial {trial.id} stopped after epoch {epoch}: {trial.stop_reason}")
                break
        return accuracy

    return train


def main() -> None:
    parser = study_parser(__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0, help="the study's seed")
    args = parser.parse_args()
    torch.set_num_threads(1)
    data = load_data()
    spec = sibyl.StudySpec(
        parameters=[
            learning_rate_bounds(data),
            sibyl.Integer("hidden", 16, 256, scale="log"),
            sibyl.Double("dropout", 0.0, 0.5),
            sibyl.Discrete("batch_size", [16, 32, 64, 128]),
        ],
        metrics=[sibyl.Metric("accuracy", goal="maximize")],
        early_stopping=sibyl.SuccessiveHalving(min_step=1, reduction_factor=3),
        max_trials=args.trials,
        seed=args.seed,
    )
    with connect_or_start(args.address) as client:
        study = client.create_study(f"mlp-digits-{uuid.uuid4().hex[:8]}", spec)
        result = sibyl.optimize(objective(data, args.epochs), study, n_workers=args.workers)
        best = result.best_trial
        assert best is not None
        stopped = sum(len(t.proto.measurements) < args.epochs for t in result.trials)
        print(f"best: trial {best.id}, accuracy {best.metrics['accuracy']:.4f}, {best.parameters}")
        print(f"{stopped} of {len(result.trials)} trials stopped early")


if __name__ == "__main__":
    main()
