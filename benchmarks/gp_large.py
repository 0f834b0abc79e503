"""GP_BANDIT on thousands of trials: the GP fitted on a subset, a local GP in a trust
region, and the exact GP.

    python -m benchmarks.gp_large [--sizes 1000 2000 5000] [--steps 15] [--seeds 3]
                                  [--problems hartmann6 ackley6] [--threads 2]
                                  [--exact-up-to 2000]

Each run starts from `n` uniformly random trials of a problem (its seed draws them),
then takes `steps` sequential GP_BANDIT steps through the engine, as a long study's
next steps would. Per method: the log10 regret of the best trial before and after the
steps (median [min, max] over seeds, lower is better) and the seconds per step:
- subset-400: the default, an exact GP on 400 chosen trials (the best half, the newest
  quarter, a fixed sample of the rest: `engine/gp/data.py::exact_subset`);
- subset-200: the same choice of 200 trials, half the default's;
- local-400: an exact GP on the 400 trials nearest the best one, the acquisition
  searched within their bounding box (`large_study_model="local"`,
  `engine/gp/data.py::local_subset`): a trust region, as in TuRBO;
- exact: the GP on every trial (up to `--exact-up-to` trials: an exact step on 5,000
  takes minutes on a CPU).
Same start, same seeds for every method: a difference is the fit's doing.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from typing import Any, Literal

from benchmarks.gp.methods import METRIC, sibyl_spec
from benchmarks.gp.problems import PROBLEMS, Problem
from benchmarks.tables import save_table
from sibyl_server.domain.study import Algorithm
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import Observation, SuggestionRequest
from sibyl_server.engine.options import EngineOptions

METHODS: dict[str, tuple[int | None, Literal["subset", "local"]]] = {
    "subset-400": (400, "subset"),
    "subset-200": (200, "subset"),
    "local-400": (400, "local"),
    "exact": (None, "subset"),
}
"""Each method's largest exact fit (None: every trial) and its choice above it."""


def random_start(problem: Problem, size: int, seed: int) -> list[Observation]:
    """`size` uniformly random trials of `problem`, evaluated."""
    spec = sibyl_spec(problem, Algorithm.RANDOM_SEARCH, seed)
    engine = Engine(EngineOptions(device="cpu"))
    result = engine.suggest(SuggestionRequest(spec, [], [], size, seed, {}))
    return [
        Observation(s.parameters, {METRIC: problem.evaluate(dict(s.parameters))})
        for s in result.suggestions
    ]


def log_regret(problem: Problem, observations: list[Observation]) -> float:
    best = min(o.metrics[METRIC] for o in observations)
    return math.log10(max(problem.regret(best), 1e-12))


def run(
    problem: Problem,
    start: list[Observation],
    seed: int,
    steps: int,
    limit: int,
    threads: int,
    model: Literal["subset", "local"] = "subset",
) -> tuple[float, float]:
    """Log10 regret after `steps` GP_BANDIT steps from `start`, and seconds per step."""
    options = EngineOptions(
        device="cpu",
        torch_threads=threads,
        max_exact_observations=limit,
        large_study_model=model,
    )
    engine = Engine(options)
    spec = sibyl_spec(problem, Algorithm.GP_BANDIT, seed)
    completed, state, seconds = list(start), {}, []
    for _ in range(steps):
        request = SuggestionRequest(spec, completed, [], 1, seed, state)
        began = time.perf_counter()
        result = engine.suggest(request)
        seconds.append(time.perf_counter() - began)
        state = result.state
        [suggestion] = result.suggestions
        value = problem.evaluate(dict(suggestion.parameters))
        completed.append(Observation(suggestion.parameters, {METRIC: value}))
    return log_regret(problem, completed), statistics.median(seconds)


def _rows(
    problem: str, size: int, before: list[float], results: dict[str, list[tuple[float, float]]]
) -> list[list[Any]]:
    """One row per method; 'against' is the exact GP where it ran, else subset-400."""
    reference = results.get("exact") or results.get("subset-400") or next(iter(results.values()))
    rows = []
    for method, runs in results.items():
        regrets = [r for r, _ in runs]
        gap = statistics.median(r - e for (r, _), (e, _) in zip(runs, reference, strict=True))
        seconds = round(statistics.median(s for _, s in runs), 3)
        rows.append(
            [problem, size, method, summary(before), summary(regrets), f"{gap:+.2f}", seconds]
        )
    return rows


def summary(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} [{min(values):.2f}, {max(values):.2f}]"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 2000, 5000])
    parser.add_argument(
        "--exact-up-to", type=int, default=2000, help="largest n the exact GP runs at"
    )
    parser.add_argument("--steps", type=int, default=15)
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--problems", nargs="+", default=["hartmann6", "ackley6"])
    parser.add_argument("--threads", type=int, default=2, help="torch threads per step")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.steps, args.seeds, args.problems = [60], 2, 1, ["hartmann6"]
    methods = dict(METHODS)
    if args.smoke:
        methods = {
            "subset-40": (40, "subset"),
            "local-40": (40, "local"),
            "exact": (None, "subset"),
        }
    rows: list[list[Any]] = []
    for name in args.problems:
        problem = PROBLEMS[name]
        for size in args.sizes:
            starts = [random_start(problem, size, seed) for seed in range(args.seeds)]
            before = [log_regret(problem, start) for start in starts]
            results: dict[str, list[tuple[float, float]]] = {}
            for method, (limit, model) in methods.items():
                if limit is None and size > args.exact_up_to:
                    continue
                exact_limit = limit if limit is not None else size + args.steps
                results[method] = [
                    run(problem, start, seed, args.steps, exact_limit, args.threads, model)
                    for seed, start in enumerate(starts)
                ]
                print(f"{name} n={size} {method}: {results[method]}", flush=True)
            rows += _rows(name, size, before, results)
    preamble = (
        f"GP_BANDIT from n uniformly random trials, then {args.steps} steps, seeds 0-"
        f"{args.seeds - 1}, {args.threads} torch threads, CPU. Cells: median [min, max] over "
        "seeds of log10 regret of the best trial (lower is better); 'against': the median "
        "over seeds of (this method's regret - the exact GP's, or where the exact GP did not "
        "run (n > --exact-up-to) subset-400's), negative = better.\n"
        f"Command: python -m benchmarks.gp_large --sizes {' '.join(map(str, args.sizes))} "
        f"--steps {args.steps} --seeds {args.seeds} --problems {' '.join(args.problems)} "
        f"--threads {args.threads} --exact-up-to {args.exact_up_to}"
    )
    headers = (
        "problem", "n", "method", "start", f"after {args.steps} steps", "against",
        "s per step",
    )  # fmt: skip
    print(preamble)
    print(save_table("gp_large", headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
