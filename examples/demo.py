"""The day-one demo: a Sibyl server on its default SQLite store, and a real tuning job.

Tunes a support-vector classifier on scikit-learn's bundled digits dataset (3-fold
cross-validated accuracy) with two workers asking one study in parallel, printing
each trial and the best configuration so far.

    python examples/demo.py [--trials 30] [--workers 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import tempfile
import threading
import time
from pathlib import Path

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

import sibyl
from sibyl_server.local import LocalServer

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("C", 1e-2, 1e3, scale="log"),
        sibyl.Double("gamma", 1e-5, 1e-1, scale="log"),
        sibyl.Categorical("kernel", ["rbf", "poly", "sigmoid"]),
        sibyl.Integer("degree", 2, 5),
    ],
    metrics=[sibyl.Metric("accuracy", goal="maximize")],
)


def evaluate(parameters: dict[str, float | int | str], data: tuple) -> float:
    model = SVC(
        C=parameters["C"],
        gamma=parameters["gamma"],
        kernel=parameters["kernel"],
        degree=parameters["degree"],
    )
    return float(cross_val_score(model, *data, cv=3).mean())


def worker(study: sibyl.Study, name: str, data: tuple, report: BestSoFar) -> None:
    while trials := study.suggest(client_id=name):
        for trial in trials:
            with trial:
                accuracy = evaluate(trial.parameters, data)
                trial.complete({"accuracy": accuracy})
                report.add(name, trial, accuracy)


class BestSoFar:
    """Prints one line per finished trial, with the best accuracy so far."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.best: tuple[float, int] = (-1.0, 0)

    def add(self, worker_name: str, trial: sibyl.Trial, accuracy: float) -> None:
        with self._lock:
            self.best = max(self.best, (accuracy, -trial.id))
            p = trial.parameters
            print(
                f"trial {trial.id:3d} [{worker_name}] {trial.metadata['sibyl.algorithm']:<19} "
                f"C={p['C']:<9.3g} gamma={p['gamma']:<9.3g} kernel={p['kernel']:<7} "
                f"degree={p['degree']}  accuracy={accuracy:.4f}  "
                f"best={self.best[0]:.4f} (trial {-self.best[1]})",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    data = load_digits(return_X_y=True)
    logs = Path(tempfile.mkdtemp(prefix="sibyl-demo-"))
    with LocalServer(None, logs) as server:
        print(
            f"Sibyl server at {server.address} (store: sqlite:///sibyl.db, log: {server.log_path})"
        )
        client = sibyl.connect(server.address)
        study_id = time.strftime("demo-%Y%m%d-%H%M%S")
        study = client.create_study(study_id, dataclasses.replace(SPEC, max_trials=args.trials))
        print(f"Study {study.name}: SVC on digits, {args.trials} trials, {args.workers} workers\n")
        report = BestSoFar()
        began = time.monotonic()
        threads = [
            threading.Thread(target=worker, args=(study, f"worker-{i + 1}", data, report))
            for i in range(args.workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        best = study.best_trial()
        assert best is not None
        print(
            f"\nDone in {time.monotonic() - began:.1f} s. Best: trial {best.id}, "
            f"accuracy {best.metrics['accuracy']:.4f}"
        )
        for name, value in best.parameters.items():
            print(f"  {name:7} = {value}")
        print(
            f"\nThe study stays in sibyl.db: run `.venv/bin/sibyl serve`, then "
            f"`.venv/bin/sibyl study {study_id}` (or `source .venv/bin/activate` first)."
        )
        client.close()


if __name__ == "__main__":
    main()
