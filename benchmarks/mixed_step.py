"""One GP_BANDIT step on mixed spaces: BoTorch's alternating mixed optimizer as it
ships, with the closed-form continuous steps, and with all of GP_BANDIT's changes
(gp/mixed.py), side by side in one run.

On the real tasks of gp_quality (integer and categorical parameters), `n` trials of a
seeded random design are evaluated once; then each step (a different seed each repeat)
runs once per configuration, the order rotating between repeats. Cells: median CPU
milliseconds of the step's process (less sensitive than wall time to other load on the
machine), their ratios, and the most by which the acquisition value (LogEI) of the
point each configuration found fell below that of the point BoTorch's own found.

    python -m benchmarks.mixed_step [--n 40] [--repeats 9] [--smoke]
"""

from __future__ import annotations

import argparse
import math
import platform
import statistics
import time
import warnings
from collections.abc import Sequence
from typing import Any

import torch
from botorch.optim.optimize_mixed import optimize_acqf_mixed_alternating

from benchmarks.gp.methods import METRIC, sibyl_spec
from benchmarks.gp.problems import PROBLEMS
from benchmarks.tables import save_table
from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp import optimize
from sibyl_server.engine.gp.mixed import MixedSteps, install
from sibyl_server.engine.interface import Observation, SuggestionRequest
from sibyl_server.engine.options import EngineOptions

TASKS = ("svc-digits", "gbr-diabetes", "sgd-digits")
CONFIGURATIONS: dict[str, MixedSteps] = {
    "botorch": MixedSteps(closed_form=False, batched_discrete=False, early_stop=False),
    "closed-form": MixedSteps(closed_form=True, batched_discrete=False, early_stop=False),
    "sibyl": MixedSteps(),
}
"""BoTorch as it ships; with the closed-form continuous steps only; with the batched
discrete step and spray points and the earlier stop as well (the default). In all three
the incumbent is one of the starts (`mixed.starting_points`)."""


def design(engine: Engine, task: str, n: int) -> tuple[StudySpec, list[Observation]]:
    """The task's spec and `n` of its random points, evaluated."""
    problem = PROBLEMS[task]
    spec = sibyl_spec(problem, Algorithm.GP_BANDIT, 0)
    randomly = sibyl_spec(problem, Algorithm.RANDOM_SEARCH, 0)
    points = engine.suggest(SuggestionRequest(randomly, [], [], n, 0)).suggestions
    completed = [
        Observation(p.parameters, {METRIC: problem.evaluate(dict(p.parameters))}) for p in points
    ]
    return spec, completed


def timed_step(
    engine: Engine, spec: StudySpec, completed: list[Observation], seed: int, name: str
) -> tuple[float, float]:
    """CPU seconds of one step in configuration `name`, and the acquisition value
    (LogEI) of the point the mixed optimizer found."""
    found: list[float] = []

    def recorded(*args: Any, **kwargs: Any) -> tuple[torch.Tensor, torch.Tensor | None]:
        candidates, value = optimize_acqf_mixed_alternating(*args, **kwargs)
        assert value is not None
        found.append(float(value.max()))
        return candidates, value

    install(CONFIGURATIONS[name])
    optimize.optimize_acqf_mixed_alternating = recorded
    try:
        started = time.process_time()
        engine.suggest(SuggestionRequest(spec, completed, [], 1, seed))
        seconds = time.process_time() - started
    finally:
        optimize.optimize_acqf_mixed_alternating = optimize_acqf_mixed_alternating
        install()
    (value,) = found
    return seconds, value


def task_row(engine: Engine, task: str, n: int, repeats: int) -> list[object]:
    spec, completed = design(engine, task, n)
    names = list(CONFIGURATIONS)
    seconds: dict[str, list[float]] = {name: [] for name in names}
    shortfall = dict.fromkeys(names, -math.inf)  # negative: above BoTorch at every step
    timed_step(engine, spec, completed, 0, "sibyl")  # warm: imports, caches
    for seed in range(1, repeats + 1):
        shift = seed % len(names)
        values = {}
        for name in names[shift:] + names[:shift]:
            elapsed, values[name] = timed_step(engine, spec, completed, seed, name)
            seconds[name].append(elapsed)
        for name in names:
            shortfall[name] = max(shortfall[name], values["botorch"] - values[name])
    median = {name: statistics.median(seconds[name]) * 1000 for name in names}
    return [
        task,
        n,
        *(round(median[name], 1) for name in names),
        round(median["sibyl"] / median["botorch"], 2),
        round(median["sibyl"] / median["closed-form"], 2),
        f"{shortfall['closed-form']:.4f}",
        f"{shortfall['sibyl']:.4f}",
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--repeats", type=int, default=9)
    parser.add_argument("--smoke", action="store_true", help="a tiny run that saves nothing")
    args = parser.parse_args(argv)
    tasks = TASKS
    if args.smoke:
        args.n, args.repeats, tasks = 12, 2, ("svc-digits",)
    warnings.simplefilter("ignore")
    engine = Engine(EngineOptions(device="cpu", torch_threads=1))
    rows = [task_row(engine, task, args.n, args.repeats) for task in tasks]
    preamble = (
        f"`python -m benchmarks.mixed_step --n {args.n} --repeats {args.repeats}` on "
        f"{platform.machine()}, one torch thread. Median CPU ms of one GP_BANDIT step at "
        f"n = {args.n} random trials (seeds 1..{args.repeats}) with BoTorch's mixed "
        "optimizer as it ships, with the closed-form continuous steps only (the previous "
        "release), and with gp/mixed.py's steps and stopping (sibyl). LogEI shortfall: the "
        "most, over repeats, by which the acquisition value of the point a configuration "
        "found fell below that of the point BoTorch's own found (negative: above)."
    )
    headers = [
        "task",
        "n",
        "botorch ms",
        "closed-form ms",
        "sibyl ms",
        "sibyl / botorch",
        "sibyl / closed-form",
        "closed-form LogEI shortfall (max)",
        "sibyl LogEI shortfall (max)",
    ]
    print(save_table("mixed_step", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
