"""What a fidelity task's configurations reach: random configurations trained to the end.

For each seed, --configs configurations drawn uniformly at random (Optuna's
RandomSampler with that seed) train on the task for --max-epochs epochs each, every
epoch's validation value read. The table says how rare a target value is and how late
it comes, which bounds what any schedule can do with a budget of epochs: how many of
the configurations reach the target at any epoch, the first epoch they do, and how
well an early epoch's value ranks the configurations by their best (Spearman's rank
correlation), the bet every early-stopping rule makes.

    python -m benchmarks.fidelity_landscape [--seeds 2] [--configs 100] [--max-epochs 27]
        [--task mlp-digits] [--target 0.0167] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
from collections.abc import Sequence

import numpy as np
import optuna
import torch
from scipy.stats import spearmanr

from benchmarks.fidelity import TASKS, Task, optuna_suggest, trial_seed
from benchmarks.tables import save_table

EARLY_EPOCHS = (1, 3, 9)
"""The epochs whose values are ranked against each configuration's best: successive
halving's rungs with a reduction factor of 3."""


def curves(task: Task, seed: int, configs: int, max_epochs: int) -> np.ndarray:
    """configs x max_epochs validation values of random configurations, trained with
    the seeds the fidelity benchmark gives its n-th trial."""
    sampler = optuna.samplers.RandomSampler(seed=seed)
    study = optuna.create_study(direction="minimize", sampler=sampler)
    rows = []
    for number in range(configs):
        config = optuna_suggest(study.ask(), task.parameters)
        rows.append(list(task.curve(config, max_epochs, trial_seed(seed, number))))
    return np.asarray(rows)


def landscape_row(name: str, seed: int, values: np.ndarray, target: float) -> list[object]:
    best = values.min(axis=1)
    reached = values <= target + 1e-12
    first = [int(np.argmax(row)) + 1 for row in reached if row.any()]
    ranks = [
        f"{spearmanr(values[:, e - 1], best).statistic:.2f}"
        for e in EARLY_EPOCHS
        if e <= values.shape[1]
    ]
    return [
        name,
        seed,
        len(values),
        f"{best.min():.4f}",
        f"{np.median(best):.4f}",
        len(first),
        " ".join(map(str, sorted(first))) or "-",
        *ranks,
    ]


def parse(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--seeds", type=int, default=2)
    parser.add_argument("--configs", type=int, default=100)
    parser.add_argument("--max-epochs", type=int, default=27)
    parser.add_argument("--task", choices=list(TASKS), default="mlp-digits")
    parser.add_argument(
        "--target", type=float, default=0.0167, help="the value to reach (the task's units)"
    )
    parser.add_argument("--smoke", action="store_true", help="a few configurations, not saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.configs, args.max_epochs = 1, 3, 9
    return args


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    torch.set_num_threads(1)
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    rows = []
    for seed in range(args.seeds):
        values = curves(TASKS[args.task](seed), seed, args.configs, args.max_epochs)
        rows.append(landscape_row(args.task, seed, values, args.target))
    headers = [
        "task",
        "seed",
        "configurations",
        "best value, any epoch",
        "median configuration's best",
        f"configurations reaching {args.target:g}",
        "the first epoch each reaches it",
        *(f"rank correlation, epoch {e} with best" for e in EARLY_EPOCHS if e <= args.max_epochs),
    ]
    preamble = (
        f"{args.configs} random configurations per seed trained for {args.max_epochs} "
        f"epochs each (mlp-digits: validation error). Command: python -m "
        f"benchmarks.fidelity_landscape --seeds {args.seeds} --configs {args.configs} "
        f"--max-epochs {args.max_epochs} --task {args.task} --target {args.target:g} "
        f"(machine: {platform.machine()}, torch threads: 1)"
    )
    table = save_table(f"fidelity_{args.task}_landscape", headers, rows, preamble, not args.smoke)
    print(preamble + "\n\n" + table)


if __name__ == "__main__":
    main()
