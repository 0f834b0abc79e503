"""Multi-fidelity tuning: best validation error reached against total training epochs spent.

Each trial trains epoch by epoch up to --max-epochs (27), reports its validation error
after every epoch and stops when its method says so; a run ends when its epochs in all
reach the budget (--budget-trials x --max-epochs, the epochs of 30 full trials by
default), cutting short the trial then running. One worker, trials one after another.

Methods:
- sibyl-gp-median: GP_BANDIT with the median stopping rule (`trial.should_stop()`);
- sibyl-fidelity: GP_BANDIT with `fidelity=sibyl.Fidelity(max_step)` (docs/fidelity.md):
  asynchronous successive halving over the epochs (rungs 1, 3, 9; reduction factor 3)
  and one GP over (configuration, epoch);
- sibyl-fidelity-median: the same GP over (configuration, epoch), with the median rule's
  schedule: what the model adds to sibyl-gp-median, the schedule being the same;
- sibyl-hyperband: the same GP with Hyperband's schedule, successive halving in 4
  brackets (trial n first judged at epoch 3^(n mod 4): 1, 3, 9 or never);
- sibyl-fidelity-model: the same GP, and the model rule (`sibyl.ModelStopping()`): at
  epochs 1, 3 and 9 a trial stops when the GP gives it less than 0.1 of ending better
  than the other trials, or already predicts its last epoch's error closely;
- sibyl-budget: GP_BANDIT with the epochs as a budget parameter
  (`budget_parameter="epochs"`, an Integer 1..max epochs): each trial trains from scratch
  for the epochs Sibyl sets (1, 3, 9 or 27; the best third of a budget's trials run
  again at the next), as a job that cannot resume from a checkpoint does; nothing is
  stopped early;
- optuna-tpe-hyperband: TPESampler + HyperbandPruner(1, max epochs, reduction factor 3);
- random-asha: RandomSampler + SuccessiveHalvingPruner(1, reduction factor 3).

Tasks (bundled data, nothing downloaded):
- mlp-digits: a PyTorch MLP on scikit-learn's digits (a stratified 70/30 split per seed,
  standardized); tuned: learning rate, batch size, optimizer, activation, dropout, weight
  decay. Reported: validation error, 1 - accuracy.
- augmented-hartmann: botorch's AugmentedHartmann (6 inputs in [0, 1]) with fidelity
  s = epoch / max epochs. Reported: regret, value - (-3.32237), its minimum at s = 1;
  a lower fidelity only raises the value, so the regret is never below 0.

A run's best error is the lowest value reported at any epoch of any of its trials
(stopped or not): what a practitioner who keeps the best checkpoint gets.

    python -m benchmarks.fidelity [--seeds 5] [--budget-trials 30] [--max-epochs 27]
        [--tasks mlp-digits augmented-hartmann] [--methods ...] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import Any, Protocol

import numpy as np
import optuna
import torch
from botorch.test_functions.multi_fidelity import AugmentedHartmann
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler
from torch import nn

import sibyl
from benchmarks.tables import save_table
from sibyl_server.local import InProcessServer

Config = dict[str, Any]
METRIC = "val_error"
REFERENCE = "sibyl-gp-median"
"""The method whose final median best error sets the target of the epochs-to-reach column."""


# Tasks -----------------------------------------------------------------------------------


class Task(Protocol):
    name: str
    parameters: tuple[sibyl.Parameter, ...]

    def curve(self, config: Config, max_epochs: int, seed: int) -> Iterator[float]:
        """The validation error after each epoch, 1 to max_epochs (stop reading to stop)."""
        ...


class MlpDigits:
    """A two-hidden-layer MLP (64 units each) on digits; one epoch takes milliseconds."""

    name = "mlp-digits"
    parameters = (
        sibyl.Double("learning_rate", 1e-4, 1e-1, scale="log"),
        sibyl.Discrete("batch_size", [16, 32, 64, 128]),
        sibyl.Categorical("optimizer", ["sgd", "adam"]),
        sibyl.Categorical("activation", ["relu", "tanh"]),
        sibyl.Double("dropout", 0.0, 0.5),
        sibyl.Double("weight_decay", 1e-6, 1e-2, scale="log"),
    )
    hidden = 64

    def __init__(self, seed: int) -> None:
        x, y = load_digits(return_X_y=True)
        x_train, x_valid, y_train, y_valid = train_test_split(
            x, y, test_size=0.3, random_state=seed, stratify=y
        )
        scaler = StandardScaler().fit(x_train)
        self.x_train = torch.tensor(scaler.transform(x_train), dtype=torch.float32)
        self.x_valid = torch.tensor(scaler.transform(x_valid), dtype=torch.float32)
        self.y_train = torch.tensor(y_train)
        self.y_valid = torch.tensor(y_valid)

    def model(self, activation: str, dropout: float) -> nn.Module:
        act = {"relu": nn.ReLU, "tanh": nn.Tanh}[activation]
        return nn.Sequential(
            nn.Linear(self.x_train.shape[1], self.hidden),
            act(),
            nn.Dropout(dropout),
            nn.Linear(self.hidden, self.hidden),
            act(),
            nn.Dropout(dropout),
            nn.Linear(self.hidden, 10),
        )

    def curve(self, config: Config, max_epochs: int, seed: int) -> Iterator[float]:
        # The trial's seed fixes its initialization, dropout masks and batch order, so a
        # configuration trains the same whichever method suggests it as its n-th trial.
        torch.manual_seed(seed)
        model = self.model(str(config["activation"]), float(config["dropout"]))
        rate, decay = float(config["learning_rate"]), float(config["weight_decay"])
        optimizer: torch.optim.Optimizer = (
            torch.optim.SGD(model.parameters(), lr=rate, momentum=0.9, weight_decay=decay)
            if config["optimizer"] == "sgd"
            else torch.optim.Adam(model.parameters(), lr=rate, weight_decay=decay)
        )
        order = torch.Generator().manual_seed(seed)
        batch, count = int(config["batch_size"]), len(self.y_train)
        for _ in range(max_epochs):
            model.train()
            for index in torch.randperm(count, generator=order).split(batch):
                optimizer.zero_grad()
                loss = nn.functional.cross_entropy(model(self.x_train[index]), self.y_train[index])
                loss.backward()
                optimizer.step()
            model.eval()
            with torch.no_grad():
                wrong = model(self.x_valid).argmax(dim=1) != self.y_valid
            # A diverged model (NaN logits) predicts class 0: a bad error, not a crash.
            yield float(wrong.float().mean())


class AugmentedHartmannTask:
    """Hartmann 6 with a fidelity input: at epoch e, s = e / max_epochs. Reports regret."""

    name = "augmented-hartmann"
    parameters = tuple(sibyl.Double(f"x{i}", 0.0, 1.0) for i in range(6))

    def __init__(self, seed: int) -> None:
        self.function = AugmentedHartmann(negate=False)

    def curve(self, config: Config, max_epochs: int, seed: int) -> Iterator[float]:
        x = [float(config[p.name]) for p in self.parameters]
        optimum = float(self.function.optimal_value)
        for epoch in range(1, max_epochs + 1):
            point = torch.tensor([*x, epoch / max_epochs], dtype=torch.float64)
            yield float(self.function(point.unsqueeze(0))) - optimum


TASKS: dict[str, Callable[[int], Task]] = {
    MlpDigits.name: MlpDigits,
    AugmentedHartmannTask.name: AugmentedHartmannTask,
}


# Runs ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One method's run: the task (built for the seed), its budget and the server."""

    task: Task
    seed: int
    max_epochs: int
    budget: int
    address: str


@dataclass(frozen=True)
class Run:
    """The errors reported, one per epoch spent in order (exactly `budget` of them)."""

    errors: tuple[float, ...]
    trials: int
    seconds: float

    def best_by(self) -> np.ndarray:
        """best_by()[k]: the best error reported within the first k + 1 epochs."""
        return np.minimum.accumulate(np.asarray(self.errors))


def trial_seed(seed: int, number: int) -> int:
    """The n-th trial's training seed: the same for every method on the same seed."""
    return seed * 100_003 + number


def sibyl_spec(setting: Setting, method: str) -> sibyl.StudySpec:
    parameters, metrics = setting.task.parameters, [sibyl.Metric(METRIC, goal="minimize")]
    # As the server's defaults (min_step 0, min_trials 3) act, spelled out: the rule may
    # stop a trial from epoch 1 (as the Optuna pruners may), once 3 other trials have
    # reached that epoch.
    median = sibyl.MedianStopping(min_step=1, min_trials=3)
    if method == "sibyl-gp-median":
        return sibyl.StudySpec(parameters, metrics, seed=setting.seed, early_stopping=median)
    # sibyl-fidelity: the rungs (1, 3, 9 below max_step) are successive halving's, pinned
    # here though they are also a fidelity study's default (docs/fidelity.md);
    # sibyl-fidelity-median: the fidelity GP with the median rule's schedule.
    fidelity = sibyl.Fidelity(max_step=setting.max_epochs)
    rungs = sibyl.SuccessiveHalving(min_step=1, reduction_factor=3)
    brackets = sibyl.SuccessiveHalving(min_step=1, reduction_factor=3, brackets=4)
    by_method = {
        "sibyl-fidelity-median": median,
        "sibyl-hyperband": brackets,
        "sibyl-fidelity-model": sibyl.ModelStopping(),
    }
    stopping = by_method.get(method, rungs)
    return sibyl.StudySpec(
        parameters, metrics, seed=setting.seed, early_stopping=stopping, fidelity=fidelity
    )


def sibyl_run(setting: Setting, method: str) -> Run:
    return sibyl_trials(setting, method, sibyl_spec(setting, method), train_until_stopped)


def sibyl_budget_run(setting: Setting, method: str) -> Run:
    """Trials train from scratch for the epochs the study's budget parameter sets."""
    epochs = sibyl.Integer("epochs", 1, setting.max_epochs)
    spec = sibyl.StudySpec(
        [*setting.task.parameters, epochs],
        [sibyl.Metric(METRIC, goal="minimize")],
        seed=setting.seed,
        budget_parameter="epochs",
    )
    return sibyl_trials(setting, method, spec, train_for_budget)


Train = Callable[[Setting, sibyl.Trial, int, int], list[float]]
"""Trains one trial (its training seed, the epochs left in the run's budget) and
returns the errors it reported, one per epoch."""


def sibyl_trials(setting: Setting, method: str, spec: sibyl.StudySpec, train: Train) -> Run:
    """One worker asking a new study for trials until the run's epochs are spent."""
    errors: list[float] = []
    trials = 0
    started = time.perf_counter()
    with sibyl.connect(setting.address) as client:
        study = client.create_study(f"{setting.task.name}-{method}-{setting.seed}", spec)
        while len(errors) < setting.budget:
            [trial] = study.suggest()
            seed = trial_seed(setting.seed, trials)
            errors += train(setting, trial, seed, setting.budget - len(errors))
            trials += 1
    return Run(tuple(errors), trials, time.perf_counter() - started)


def train_until_stopped(setting: Setting, trial: sibyl.Trial, seed: int, left: int) -> list[float]:
    """Epoch by epoch, reporting each, until the study stops the trial or it ends."""
    errors: list[float] = []
    for epoch, error in enumerate(
        setting.task.curve(trial.parameters, setting.max_epochs, seed), 1
    ):
        errors.append(error)
        trial.report({METRIC: error}, step=epoch)
        if len(errors) == left or epoch == setting.max_epochs or trial.should_stop():
            break
    trial.complete()  # with its last measurement, stopped or not
    return errors


def train_for_budget(setting: Setting, trial: sibyl.Trial, seed: int, left: int) -> list[float]:
    """The epochs the trial's budget parameter sets, then its last error as its result."""
    config = {k: v for k, v in trial.parameters.items() if k != "epochs"}
    budget = min(int(trial.parameters["epochs"]), left)
    # A full trial's curve read up to the budget: on augmented-hartmann the fidelity is
    # epoch / max epochs whatever the budget.
    errors = list(islice(setting.task.curve(config, setting.max_epochs, seed), budget))
    trial.complete({METRIC: errors[-1]})
    return errors


def optuna_suggest(trial: optuna.Trial, parameters: Sequence[sibyl.Parameter]) -> Config:
    """The Optuna counterpart of Sibyl's parameters. A Discrete set is categorical:
    Optuna has no ordered set of arbitrary numbers (its integers take one fixed step)."""
    config: Config = {}
    for p in parameters:
        if isinstance(p, sibyl.Double):
            config[p.name] = trial.suggest_float(p.name, p.low, p.high, log=p.scale == "log")
        elif isinstance(p, sibyl.Integer):
            config[p.name] = trial.suggest_int(p.name, p.low, p.high, log=p.scale == "log")
        else:
            config[p.name] = trial.suggest_categorical(p.name, list(p.values))
    return config


def optuna_study(method: str, setting: Setting) -> optuna.Study:
    top = setting.max_epochs
    if method == "optuna-tpe-hyperband":
        sampler: optuna.samplers.BaseSampler = optuna.samplers.TPESampler(seed=setting.seed)
        pruner: optuna.pruners.BasePruner = optuna.pruners.HyperbandPruner(
            min_resource=1, max_resource=top, reduction_factor=3
        )
    else:
        sampler = optuna.samplers.RandomSampler(seed=setting.seed)
        pruner = optuna.pruners.SuccessiveHalvingPruner(min_resource=1, reduction_factor=3)
    # A fixed name: HyperbandPruner puts a trial in a bracket by a hash of the study's
    # name (else a random one) and the trial's number.
    name = f"{setting.task.name}-{method}-{setting.seed}"
    return optuna.create_study(
        study_name=name, direction="minimize", sampler=sampler, pruner=pruner
    )


def optuna_run(setting: Setting, method: str) -> Run:
    started = time.perf_counter()
    study = optuna_study(method, setting)
    errors: list[float] = []
    while len(errors) < setting.budget:
        trial = study.ask()  # ask and tell, so that the budget can end the run mid-trial
        config = optuna_suggest(trial, setting.task.parameters)
        curve = setting.task.curve(
            config, setting.max_epochs, trial_seed(setting.seed, trial.number)
        )
        pruned = False
        for epoch, error in enumerate(curve, 1):
            errors.append(error)
            trial.report(error, epoch)
            # The budget can cut a trial short too: it ends pruned, as it is unfinished.
            if epoch < setting.max_epochs and (
                len(errors) == setting.budget or trial.should_prune()
            ):
                pruned = True
                break
        # A pruned trial's value is its last report (Optuna takes it for PRUNED).
        if pruned:
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
        else:
            study.tell(trial, error)
    return Run(tuple(errors), len(study.trials), time.perf_counter() - started)


METHODS: dict[str, Callable[[Setting, str], Run]] = {
    "sibyl-gp-median": sibyl_run,
    "sibyl-fidelity": sibyl_run,
    "sibyl-fidelity-median": sibyl_run,
    "sibyl-hyperband": sibyl_run,
    "sibyl-fidelity-model": sibyl_run,
    "sibyl-budget": sibyl_budget_run,
    "optuna-tpe-hyperband": optuna_run,
    "random-asha": optuna_run,
}


# The table -------------------------------------------------------------------------------


def checkpoints(budget: int) -> list[int]:
    """The totals of epochs the table reads each run's best at: 1/9, 1/3, 2/3 and all."""
    return [max(1, round(budget * f)) for f in (1 / 9, 1 / 3, 2 / 3)] + [budget]


def spread(values: Sequence[float]) -> str:
    q1, median, q3 = np.percentile(values, [25, 50, 75])
    return f"{median:.4f} [{q1:.4f}, {q3:.4f}]"


def epochs_to_reach(run: Run, target: float) -> float:
    """Epochs spent when the run's best first reached `target`; inf if it never did."""
    hits = np.flatnonzero(run.best_by() <= target + 1e-12)
    return float(hits[0] + 1) if hits.size else float("inf")


def task_rows(task: str, runs: dict[str, list[Run]], budget: int) -> list[tuple[object, ...]]:
    # Without the reference method in the run, the epochs-to-reach columns stay empty.
    target = np.median([r.best_by()[-1] for r in runs[REFERENCE]]) if REFERENCE in runs else None
    reach = {
        method: float(np.median([epochs_to_reach(r, float(target)) for r in method_runs]))
        for method, method_runs in runs.items()
        if target is not None
    }
    rows = []
    for method, method_runs in runs.items():
        bests = [spread([r.best_by()[e - 1] for r in method_runs]) for e in checkpoints(budget)]
        rows.append(
            (
                task,
                method,
                f"{np.median([r.trials for r in method_runs]):.0f}",
                *bests,
                "-" if target is None else f"{target:.4f}",
                *reach_cells(reach, method, budget),
                f"{np.median([r.seconds for r in method_runs]):.1f}",
            )
        )
    return rows


def reach_cells(reach: dict[str, float], method: str, budget: int) -> tuple[str, str]:
    """(median epochs to reach the target, that over the reference's), '-' where unknown."""
    if method not in reach:
        return "-", "-"
    epochs, reference = reach[method], reach[REFERENCE]
    if not np.isfinite(epochs):
        return f"> {budget}", "-"
    return f"{epochs:.0f}", f"{epochs / reference:.2f}" if np.isfinite(reference) else "-"


def command(args: argparse.Namespace) -> str:
    words = [
        "python -m benchmarks.fidelity",
        f"--seeds {args.seeds} --budget-trials {args.budget_trials} --max-epochs {args.max_epochs}",
    ]
    if args.tasks != list(TASKS):
        words.append("--tasks " + " ".join(args.tasks))
    if args.methods != list(METHODS):
        words.append("--methods " + " ".join(args.methods))
    if args.table:
        words.append(f"--table {args.table}")
    return " ".join(words)


def render(results: dict[str, dict[str, list[Run]]], args: argparse.Namespace) -> str:
    budget = args.budget_trials * args.max_epochs
    headers = [
        "task",
        "method",
        "trials (median)",
        *(f"best @ {e} epochs, median [IQR]" for e in checkpoints(budget)),
        f"target: {REFERENCE}'s final median",
        "epochs to reach it (median)",
        f"epochs / {REFERENCE}'s",
        "seconds per run (median)",
    ]
    rows = [row for task, runs in results.items() for row in task_rows(task, runs, budget)]
    preamble = (
        f"Multi-fidelity tuning, one worker: {args.max_epochs} epochs per full trial, a budget "
        f"of {budget} epochs per run ({args.budget_trials} full trials), seeds "
        f"0..{args.seeds - 1}. Best: the lowest value reported at any epoch of any trial "
        "by that total of epochs (mlp-digits: validation error; augmented-hartmann: regret "
        "to -3.32237). Epochs to reach: the median over seeds of the epochs each run spent "
        f"until its best reached {REFERENCE}'s median best at the full budget ('> budget' "
        "where the median run never did); the ratio is that median over "
        f"{REFERENCE}'s.\n"
        f"Command: {command(args)} (machine: {platform.machine()}, torch threads: 1)"
    )
    # One task's run keeps its own table, so that each task can run on its own.
    name = "fidelity" if args.tasks == list(TASKS) else "fidelity_" + "_".join(args.tasks)
    name = args.table or name
    table = save_table(name, headers, rows, preamble, save=not args.smoke)
    return preamble + "\n\n" + table


# Main ------------------------------------------------------------------------------------


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget-trials", type=int, default=30, help="budget in full trials")
    parser.add_argument("--max-epochs", type=int, default=27)
    parser.add_argument("--tasks", nargs="+", choices=list(TASKS), default=list(TASKS))
    parser.add_argument("--methods", nargs="+", choices=list(METHODS), default=list(METHODS))
    parser.add_argument(
        "--table", default="", help="the results' file name (default: by the tasks run)"
    )
    parser.add_argument("--smoke", action="store_true", help="a tiny run that saves nothing")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.budget_trials, args.max_epochs = 1, 2, 9
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    torch.set_num_threads(1)  # the in-process server's GP too: machines are shared
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    results: dict[str, dict[str, list[Run]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        server = InProcessServer(f"sqlite:///{scratch}/fidelity.db")
        try:
            for task_name in args.tasks:
                for seed in range(args.seeds):
                    task = TASKS[task_name](seed)
                    budget = args.budget_trials * args.max_epochs
                    setting = Setting(task, seed, args.max_epochs, budget, server.address)
                    for method in args.methods:
                        run = METHODS[method](setting, method)
                        results.setdefault(task_name, {}).setdefault(method, []).append(run)
                        print(
                            f"{task_name} {method} seed {seed}: {run.trials} trials, best "
                            f"{run.best_by()[-1]:.4f}, {run.seconds:.1f} s",
                            flush=True,
                        )
        finally:
            server.stop()
    print(render(results, args))


if __name__ == "__main__":
    main()
