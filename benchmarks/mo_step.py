"""How long one multi-objective GP_BANDIT step takes at 50 and 100 trials.

Two objectives (BraninCurrin, d = 2; ZDT1, d = 4) and three (DTLZ2, d = 6). For each
problem and n: the seconds of one suggestion, split into fit and acquisition, the
median of --repeats suggestions. Each repeat's trials are n - 1 seeded uniform random
points (seed = the repeat) and the point the step on them suggested, and its step is
warm-started from that step, as a study's step is (as benchmarks/gp_scaling.py times
one). "front" is the
median number of non-dominated trials: the hypervolume acquisition's cost grows with it.
--profile prints the first repeat's cProfile (by cumulative time) of each cell.

    python -m benchmarks.mo_step [--sizes 50 100] [--repeats 5] [--threads 1] [--profile]
        [--smoke]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import platform
import pstats
import statistics
import time
import warnings
from collections.abc import Sequence

import numpy as np
import torch
from botorch.test_functions import multi_objective
from botorch.utils.multi_objective.pareto import is_non_dominated

from benchmarks.gp_scaling import study_step
from benchmarks.rich_studies import Problem, multi_objective_problem
from benchmarks.tables import save_table
from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import METADATA_FALLBACK_REASON, Observation
from sibyl_server.engine.options import EngineOptions

SIZES = (50, 100)


def problems() -> dict[str, Problem]:
    listed = [
        multi_objective_problem("branin-currin", multi_objective.BraninCurrin()),
        multi_objective_problem("zdt1", multi_objective.ZDT1(dim=4)),
        multi_objective_problem("dtlz2-3", multi_objective.DTLZ2(dim=6, num_objectives=3)),
    ]
    return {p.name: p for p in listed}


def observations(problem: Problem, n: int, seed: int) -> list[Observation]:
    """n seeded uniform random trials of `problem`."""
    points = np.random.default_rng(seed).uniform(size=(n, len(problem.parameters)))
    result = []
    for row in points:
        parameters = {p.name: float(x) for p, x in zip(problem.parameters, row, strict=True)}
        result.append(Observation(parameters, problem.evaluate(parameters)))
    return result


def front_size(completed: Sequence[Observation]) -> int:
    """Non-dominated trials (every objective minimized)."""
    y = -torch.tensor([list(o.metrics.values()) for o in completed], dtype=torch.float64)
    return int(is_non_dominated(y).sum())


def time_step(
    engine: Engine, problem: Problem, n: int, repeat: int, profile: bool
) -> tuple[float, float, float, int]:
    """(fit, acquisition, total) seconds of the step on n trials, and their front's size.

    As in a study, the n-th trial is the point the step on the first n - 1 suggested,
    and the timed step starts from that step's fit (a random n-th trial moves the fit
    less than a study's newest trial does).
    """
    spec = StudySpec(problem.parameters, problem.metrics, Algorithm.GP_BANDIT, seed=repeat)
    earlier = observations(problem, n - 1, repeat)
    request = study_step(engine, spec, earlier, lambda p: problem.evaluate(dict(p)), repeat)
    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler is not None:
        profiler.enable()
    result = engine.suggest(request)
    if profiler is not None:
        profiler.disable()
    total = time.perf_counter() - started
    if METADATA_FALLBACK_REASON in result.suggestions[0].metadata:
        raise RuntimeError(result.suggestions[0].metadata[METADATA_FALLBACK_REASON])
    if profiler is not None:
        print_profile(profiler, f"{problem.name}, n = {n}")
    front = front_size(request.completed)
    return result.timings["fit"], result.timings["acquisition"], total, front


def print_profile(profiler: cProfile.Profile, title: str) -> None:
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
    print(f"--- profile: {title}\n{out.getvalue()}", flush=True)


def time_cell(
    options: EngineOptions, problem: Problem, n: int, repeats: int, profile: bool
) -> list[object]:
    engine = Engine(options)
    fits, acquisitions, totals, fronts = [], [], [], []
    for repeat in range(repeats):
        fit, acquisition, total, front = time_step(
            engine, problem, n, repeat, profile and repeat == 0
        )
        fits.append(fit)
        acquisitions.append(acquisition)
        totals.append(total)
        fronts.append(front)
    objectives = sum(m.is_objective for m in problem.metrics)
    medians = [statistics.median(v) for v in (fits, acquisitions, totals)]
    return [
        problem.name,
        objectives,
        n,
        int(statistics.median(fronts)),
        *[round(v, 3) for v in medians],
        round(max(totals), 3),
    ]


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--problems", nargs="*", default=list(problems()))
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads of the step")
    parser.add_argument("--profile", action="store_true", help="print each cell's cProfile")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.repeats = [16], 1
    warnings.simplefilter("ignore")
    torch.set_num_threads(args.threads)
    options = EngineOptions(device="cpu", cpu_threads=args.threads)
    if args.smoke:
        options = EngineOptions(device="cpu", cpu_threads=1, raw_samples=64, mc_samples=16)
    rows = []
    for name in args.problems:
        for n in args.sizes:
            rows.append(time_cell(options, problems()[name], n, args.repeats, args.profile))
            print(rows[-1], flush=True)
    preamble = (
        f"`python -m benchmarks.mo_step --repeats {args.repeats} --threads {args.threads}` on "
        f"{platform.machine()}, torch {torch.__version__}, default engine options on the CPU. "
        "Seconds of one GP_BANDIT step on n - 1 seeded uniform random trials and the point "
        "the step on them suggested (median of the repeats; the slowest in the last "
        "column), warm-started from that step. front: median non-dominated trials."
    )
    headers = [
        "problem",
        "objectives",
        "n",
        "front",
        "fit s",
        "acquisition s",
        "total s",
        "slowest total s",
    ]
    print(save_table("mo_step", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
