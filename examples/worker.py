"""One worker of a tuning job: asks the study for trials until it is complete.

Start as many as you like, on as many machines, against one server and study:
each gets its own trials, and the server sees every running trial when it suggests
the next. A worker that restarts with the same --worker-id gets its unfinished trial back.

    python examples/worker.py --address host:port --study svc-digits --worker-id w1 [--trials 40]
"""

from __future__ import annotations

import argparse

from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.svm import SVC

import sibyl

SPEC = sibyl.StudySpec(
    parameters=[
        sibyl.Double("C", 1e-2, 1e3, scale="log"),
        sibyl.Double("gamma", 1e-5, 1e-1, scale="log"),
        sibyl.Categorical("kernel", ["rbf", "poly"]),
    ],
    metrics=[sibyl.Metric("accuracy", goal="maximize")],
)


def evaluate(trial: sibyl.Trial) -> float:
    X, y = load_digits(return_X_y=True)
    model = SVC(**trial.parameters)
    return float(cross_val_score(model, X[:600], y[:600], cv=3).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--study", required=True)
    parser.add_argument("--worker-id", required=True)
    parser.add_argument("--trials", type=int, default=40, help="the study's budget")
    args = parser.parse_args()
    spec = sibyl.StudySpec(SPEC.parameters, SPEC.metrics, max_trials=args.trials)
    with sibyl.connect(args.address, client_id=args.worker_id) as client:
        study = client.create_or_load_study(args.study, spec)  # the same for every worker
        done = sibyl.optimize(evaluate, study, progress=None).trials
    print(f"{args.worker_id}: {len(done)} trials: {', '.join(str(t.id) for t in done)}")


if __name__ == "__main__":
    main()
