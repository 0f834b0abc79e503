"""One GP_BANDIT step on mixed spaces: the continuous steps' closed-form L-BFGS-B against
BoTorch's `gen_candidates_scipy`, side by side in one run.

On the real tasks of gp_quality (integer and categorical parameters), `n` trials of a
seeded random design are evaluated once; then each step (a different seed each repeat)
runs twice, once with each generator in `optimize_acqf_mixed_alternating`'s continuous
steps, alternating which goes first. Cells: median CPU milliseconds of the step's
process (less sensitive than wall time to other load on the machine), their ratio, and
in how many repeats both generators suggested the same point.

    python -m benchmarks.mixed_step [--n 40] [--repeats 9] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import time
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from botorch.generation.gen import gen_candidates_scipy
from botorch.optim import optimize_mixed

from benchmarks.gp.methods import METRIC, sibyl_spec
from benchmarks.gp.problems import PROBLEMS
from benchmarks.tables import save_table
from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.optimize import mixed_step_candidates
from sibyl_server.engine.interface import Observation, SuggestionRequest
from sibyl_server.engine.options import EngineOptions

TASKS = ("svc-digits", "gbr-diabetes", "sgd-digits")
GENERATORS: dict[str, Callable[..., Any]] = {
    "closed-form": mixed_step_candidates,
    "botorch": gen_candidates_scipy,
}


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
    engine: Engine, spec: StudySpec, completed: list[Observation], seed: int, generator: str
) -> tuple[float, dict[str, Any]]:
    """CPU seconds of one step with `generator` in the continuous steps, and its point."""
    optimize_mixed.gen_candidates_scipy = GENERATORS[generator]
    try:
        started = time.process_time()
        result = engine.suggest(SuggestionRequest(spec, completed, [], 1, seed))
        seconds = time.process_time() - started
    finally:
        optimize_mixed.gen_candidates_scipy = mixed_step_candidates
    return seconds, dict(result.suggestions[0].parameters)


def task_row(engine: Engine, task: str, n: int, repeats: int) -> list[object]:
    spec, completed = design(engine, task, n)
    seconds: dict[str, list[float]] = {name: [] for name in GENERATORS}
    same = 0
    timed_step(engine, spec, completed, 0, "closed-form")  # warm: imports, caches
    for seed in range(1, repeats + 1):
        order = list(GENERATORS) if seed % 2 else list(reversed(GENERATORS))
        points = {}
        for name in order:
            elapsed, points[name] = timed_step(engine, spec, completed, seed, name)
            seconds[name].append(elapsed)
        same += points["closed-form"] == points["botorch"]
    ours, theirs = (statistics.median(seconds[name]) * 1000 for name in GENERATORS)
    return [task, n, round(ours, 1), round(theirs, 1), round(ours / theirs, 2), f"{same}/{repeats}"]


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
        f"n = {args.n} random trials (seeds 1..{args.repeats}), with each generator in the "
        "mixed optimizer's continuous steps; same point: repeats where both suggested it."
    )
    headers = ["task", "n", "closed-form ms", "botorch ms", "ratio", "same point"]
    print(save_table("mixed_step", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
