"""A GP_BANDIT suggestion on the real mixed-space tasks: through the server against the
engine called directly, sequential, one worker, nothing else running.

Per task and seed, a study of `--budget` evaluations runs twice: once through a `sibyl
serve` process on SQLite with the Python client (`sibyl-gp-server` of gp_quality), once
with the engine called in this process (`sibyl-gp`). Cells: median and 90th percentile
of the wall time of the model-based asks (made once the 2d + 2 initial trials had
finished), over every seed's asks; the last column is what the server, the store and
the client add.

    python -m benchmarks.mixed_latency [--tasks gbr-diabetes sgd-digits] [--seeds 3]
                                       [--budget 50] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import warnings
from collections.abc import Sequence

import numpy as np

from benchmarks.gp.methods import Method, Trace, sibyl_engine, sibyl_server
from benchmarks.gp.problems import PROBLEMS, Problem
from benchmarks.tables import percentile_ms, save_table
from sibyl_server.domain.study import Algorithm

PATHS: dict[str, Method] = {
    "server": sibyl_server,
    "engine": sibyl_engine(Algorithm.GP_BANDIT),
}


def model_based_asks(problem: Problem, trace: Trace) -> list[float]:
    """The seconds of the asks made after the initial design had finished."""
    warm = 2 * len(problem.parameters) + 2
    return [s for s, after in zip(trace.ask_seconds, trace.ask_after, strict=True) if after >= warm]


def task_row(task: str, seeds: int, budget: int) -> list[object]:
    problem = PROBLEMS[task]
    seconds: dict[str, list[float]] = {path: [] for path in PATHS}
    for seed in range(seeds):
        for path, method in PATHS.items():
            seconds[path] += model_based_asks(problem, method(problem, budget, seed, 1))
    server, engine = (seconds[path] for path in PATHS)
    added = float(np.median(server) - np.median(engine)) * 1000
    return [
        task,
        len(server),
        round(percentile_ms(server, 50), 1),
        round(percentile_ms(server, 90), 1),
        round(percentile_ms(engine, 50), 1),
        round(percentile_ms(engine, 90), 1),
        round(added, 1),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--tasks", nargs="+", default=["gbr-diabetes", "sgd-digits"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that saves nothing")
    args = parser.parse_args(argv)
    if args.smoke:
        args.tasks, args.seeds, args.budget = ["gbr-diabetes"], 1, 19  # 16 initial trials
    warnings.simplefilter("ignore")
    rows = [task_row(task, args.seeds, args.budget) for task in args.tasks]
    preamble = (
        f"`python -m benchmarks.mixed_latency --tasks {' '.join(args.tasks)} --seeds "
        f"{args.seeds} --budget {args.budget}` on {platform.machine()}, one torch thread, "
        "nothing else running. Wall ms of GP_BANDIT's model-based asks (after the initial "
        f"design), seeds 0..{args.seeds - 1}: through a server on SQLite with the Python "
        "client, and the engine called directly."
    )
    headers = [
        "task",
        "asks",
        "server p50 ms",
        "server p90 ms",
        "engine p50 ms",
        "engine p90 ms",
        "server adds (p50) ms",
    ]
    print(save_table("mixed_latency", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
