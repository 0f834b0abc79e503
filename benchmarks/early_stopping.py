"""Early stopping: training steps spent vs best validation error, per stopping rule.

Task: an MLP trained epoch by epoch (`partial_fit`) on scikit-learn's digits, validation
error measured after every epoch, 20 epochs per trial. For each seed the same 30
configurations (drawn once, log-uniform rates) are evaluated in the same order by every
method, so only the stopping rule differs:

- Sibyl without early stopping, and with each of its rules (median, successive halving,
  learning curve), through a real server and the Python client (`trial.should_stop()`);
- Optuna's MedianPruner and HyperbandPruner (the same configurations, enqueued).

    python -m benchmarks.early_stopping [--seeds 10] [--trials 30] [--epochs 20] [--smoke]
"""

from __future__ import annotations

import argparse
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import optuna
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

import sibyl
from benchmarks.tables import save_table
from sibyl_server.local import InProcessServer

Config = dict[str, float | int]


@dataclass(frozen=True)
class Run:
    """One method on one seed: epochs spent and the best validation error reached."""

    epochs: int
    best_error: float


class DigitsTask:
    """Trains an MLP one epoch at a time; `curve()` yields the validation error."""

    def __init__(self, seed: int) -> None:
        x, y = load_digits(return_X_y=True)
        x_train, x_valid, y_train, y_valid = train_test_split(
            x, y, test_size=0.3, random_state=seed, stratify=y
        )
        scaler = StandardScaler().fit(x_train)
        self.data = (scaler.transform(x_train), y_train, scaler.transform(x_valid), y_valid)
        self.classes = np.unique(y)

    def curve(self, config: Config, epochs: int, seed: int):  # type: ignore[no-untyped-def]
        x_train, y_train, x_valid, y_valid = self.data
        model = MLPClassifier(
            hidden_layer_sizes=(int(config["units"]),),
            learning_rate_init=float(config["learning_rate"]),
            alpha=float(config["alpha"]),
            batch_size=int(config["batch_size"]),
            random_state=seed,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            for epoch in range(1, epochs + 1):
                model.partial_fit(x_train, y_train, classes=self.classes)
                yield epoch, 1.0 - model.score(x_valid, y_valid)


def draw_configs(seed: int, count: int) -> list[Config]:
    rng = np.random.default_rng(seed)
    return [
        {
            "learning_rate": float(10 ** rng.uniform(-4.5, -0.5)),
            "alpha": float(10 ** rng.uniform(-6, 0)),
            "units": int(round(2 ** rng.uniform(3, 8))),
            "batch_size": int(rng.choice([16, 32, 64, 128, 256])),
        }
        for _ in range(count)
    ]


SPEC_PARAMETERS = [
    sibyl.Double("learning_rate", 10**-4.5, 10**-0.5, scale="log"),
    sibyl.Double("alpha", 1e-6, 1.0, scale="log"),
    sibyl.Integer("units", 8, 256, scale="log"),
    sibyl.Discrete("batch_size", [16, 32, 64, 128, 256]),
]


def sibyl_run(
    address: str,
    policy: object | None,
    task: DigitsTask,
    configs: list[Config],
    epochs: int,
    seed: int,
) -> Run:
    spec = sibyl.StudySpec(
        SPEC_PARAMETERS,
        [sibyl.Metric("error")],
        algorithm="random_search",
        max_trials=len(configs),
        early_stopping=policy,  # type: ignore[arg-type]
    )
    with sibyl.connect(address) as client:
        study = client.create_study(f"stop-{type(policy).__name__.lower()}-{seed}", spec)
        for config in configs:
            study.add_trial(config)  # queued: the same configurations, in order
        spent, best = 0, float("inf")
        while trials := study.suggest():
            [trial] = trials
            for step, error in task.curve(trial.parameters, epochs, seed):
                spent += 1
                trial.report({"error": error}, step=step)
                if policy is not None and trial.should_stop():
                    break
            best = min(best, error)  # the value the trial ended with, stopped or not
            trial.complete()
    return Run(spent, best)


def optuna_run(
    pruner: optuna.pruners.BasePruner,
    task: DigitsTask,
    configs: list[Config],
    epochs: int,
    seed: int,
) -> Run:
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=seed), pruner=pruner)
    for config in configs:
        study.enqueue_trial(config)
    spent = 0

    def objective(trial: optuna.Trial) -> float:
        nonlocal spent
        config = {
            "learning_rate": trial.suggest_float("learning_rate", 10**-4.5, 10**-0.5, log=True),
            "alpha": trial.suggest_float("alpha", 1e-6, 1.0, log=True),
            "units": trial.suggest_int("units", 8, 256, log=True),
            "batch_size": trial.suggest_categorical("batch_size", [16, 32, 64, 128, 256]),
        }
        error = 1.0
        for step, error in task.curve(config, epochs, seed):
            spent += 1
            trial.report(error, step)
            if trial.should_prune():
                raise optuna.TrialPruned()
        return error

    study.optimize(objective, n_trials=len(configs))
    finals = [t.value if t.value is not None else t.intermediate_values[max(t.intermediate_values)]
              for t in study.trials]  # fmt: skip
    return Run(spent, float(min(finals)))


def methods(epochs: int) -> dict[str, Callable[..., Run]]:
    def sibyl_method(policy: object | None) -> Callable[..., Run]:
        return lambda address, *args: sibyl_run(address, policy, *args)

    def optuna_method(make: Callable[[], optuna.pruners.BasePruner]) -> Callable[..., Run]:
        return lambda address, *args: optuna_run(make(), *args)

    return {
        "Sibyl, no early stopping": sibyl_method(None),
        "Sibyl median rule": sibyl_method(sibyl.MedianStopping(min_step=2, min_trials=3)),
        "Sibyl successive halving": sibyl_method(sibyl.SuccessiveHalving(min_step=2)),
        "Sibyl learning curve": sibyl_method(
            sibyl.LearningCurveStopping(final_step=epochs, min_step=3, min_trials=3)
        ),
        "Optuna MedianPruner": optuna_method(
            lambda: optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=2)
        ),
        "Optuna HyperbandPruner": optuna_method(
            lambda: optuna.pruners.HyperbandPruner(min_resource=2, max_resource=epochs)
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args()
    if args.smoke:
        args.seeds, args.trials, args.epochs = 1, 6, 4
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        server = InProcessServer(f"sqlite:///{scratch}/stopping.db")
        try:
            for seed in range(args.seeds):
                task, configs = DigitsTask(seed), draw_configs(seed, args.trials)
                for name, method in methods(args.epochs).items():
                    run = method(server.address, task, configs, args.epochs, seed)
                    results.setdefault(name, []).append(run)
                    print(
                        f"seed {seed} {name}: {run.epochs} epochs, best error {run.best_error:.4f}"
                    )
        finally:
            server.stop()
    print(render(results, args))


def render(results: dict[str, list[Run]], args: argparse.Namespace) -> str:
    full = np.array([r.epochs for r in results["Sibyl, no early stopping"]], dtype=float)
    reference = np.array([r.best_error for r in results["Sibyl, no early stopping"]])
    rows = []
    for name, runs in results.items():
        epochs = np.array([r.epochs for r in runs], dtype=float)
        errors = np.array([r.best_error for r in runs])
        q1, median, q3 = np.percentile(errors, [25, 50, 75])
        rows.append(
            (
                name,
                f"{epochs.mean():.0f}",
                f"{(epochs / full).mean():.2f}",
                f"{median:.4f} [{q1:.4f}, {q3:.4f}]",
                f"{(errors - reference).mean():+.4f}",
                f"{(errors <= reference + 1e-12).mean():.0%}",
            )
        )
    preamble = (
        f"Early stopping on MLP/digits: {args.trials} trials x {args.epochs} epochs per run, "
        f"the same configurations for every method, {args.seeds} seeds (0..{args.seeds - 1}).\n"
        "Command: python -m benchmarks.early_stopping "
        f"--seeds {args.seeds} --trials {args.trials} --epochs {args.epochs}"
    )
    headers = (
        "method", "epochs spent (mean)", "epochs / no stopping", "best val. error median [IQR]",
        "error - no stopping (mean)", "seeds with the same best",
    )  # fmt: skip
    return (
        preamble + "\n" + save_table("early_stopping", headers, rows, preamble, save=not args.smoke)
    )


if __name__ == "__main__":
    main()
