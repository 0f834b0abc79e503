"""How one GP_BANDIT suggestion's time grows with the number of completed trials.

d = 6 (Hartmann6 on n - 1 uniformly random points, seeded, and the point the step on
them suggested: a study's newest trial). For each n: the time of one
suggestion split into fit and acquisition, with the default engine options (an exact GP
up to `max_exact_observations`, a subset of that size above it); up to --exact-up-to,
with the exact GP on all n points for comparison; up to --optuna-up-to, the time of one
`ask` of Optuna's GPSampler on the same trials, side by side; and, end to end, one
suggestion through a `sibyl serve` process on SQLite and the Python client (what a
worker waits for: the store read, the engine step, the store write and the RPC). Each
cell is the median of --repeats suggestions (different seeds), each warm-started from
the fit of the step on the same trials but the last, as a study's step is.

    python -m benchmarks.gp_scaling [--sizes 50 100 ...] [--device cpu] [--smoke]
"""

from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from benchmarks.gp.methods import client_parameter
from benchmarks.gp.problems import PROBLEMS
from benchmarks.tables import save_table
from sibyl_server.domain.study import Algorithm, Goal, MetricSpec, StudySpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import Observation, SuggestionRequest
from sibyl_server.engine.options import CUDA_FROM_OBSERVATIONS, EngineOptions
from sibyl_server.runtime import resolve_device

SIZES = (50, 100, 200, 500, 1000, 2000, 5000)


def observations(n: int, seed: int) -> list[Observation]:
    problem = PROBLEMS["hartmann6"]
    rng = np.random.default_rng(seed)
    points = rng.uniform(size=(n, len(problem.parameters)))
    result = []
    for row in points:
        parameters = {p.name: float(x) for p, x in zip(problem.parameters, row, strict=True)}
        result.append(Observation(parameters, {"y": problem.evaluate(parameters)}))
    return result


def hartmann6(point: Mapping[str, Any]) -> dict[str, float]:
    return {"y": PROBLEMS["hartmann6"].evaluate(dict(point))}


def study_step(
    engine: Engine,
    spec: StudySpec,
    earlier: list[Observation],
    metrics: Callable[[Mapping[str, Any]], dict[str, float]],
    seed: int,
) -> SuggestionRequest:
    """The request of the step a study takes after `earlier`: its trials are `earlier`
    and the point the step on them suggested (measured by `metrics`), and it starts
    from that step's fit.

    A random newest trial, as this table and mo_step's once used, moves the fit less:
    the fit column read 35 ms at n = 5,000 where a study's steps took 50-60 ms.
    """
    before = engine.suggest(SuggestionRequest(spec, earlier, [], 1, seed, {}))
    point = before.suggestions[0].parameters
    completed = [*earlier, Observation(dict(point), metrics(point))]
    return SuggestionRequest(spec, completed, [], 1, seed, before.state)


def time_suggestion(options: EngineOptions, n: int, repeats: int) -> tuple[float, float, float]:
    spec = StudySpec(
        PROBLEMS["hartmann6"].parameters,
        (MetricSpec("y", Goal.MINIMIZE),),
        Algorithm.GP_BANDIT,
        seed=0,
    )
    engine = Engine(options)
    fits, acquisitions, totals = [], [], []
    for repeat in range(repeats):
        request = study_step(engine, spec, observations(n - 1, repeat), hartmann6, repeat)
        started = time.perf_counter()
        result = engine.suggest(request)
        total = time.perf_counter() - started
        if "sibyl.fallback_reason" in result.suggestions[0].metadata:
            raise RuntimeError(result.suggestions[0].metadata["sibyl.fallback_reason"])
        fits.append(result.timings["fit"])
        acquisitions.append(result.timings["acquisition"])
        totals.append(total)
    return statistics.median(fits), statistics.median(acquisitions), statistics.median(totals)


def time_end_to_end(
    sizes: Sequence[int], repeats: int, device: str, threads: int, max_exact: int
) -> dict[int, float]:
    """Median seconds of one `study.suggest()` against a server, for each n in `sizes`.

    Per repeat, one study on a fresh server grows through the sizes: the trials of
    `observations` are added as completed ones (CreateTrial) up to n - 1, one
    suggestion is answered and completed (the step the timed one warm-starts from),
    and the next suggestion, on n completed trials, is timed.
    """
    import sibyl
    from sibyl_server.local import LocalServer

    problem = PROBLEMS["hartmann6"]
    seconds: dict[int, list[float]] = {n: [] for n in sizes}
    flags = {"device": device, "torch_threads": threads, "max_exact_trials": max_exact}
    with tempfile.TemporaryDirectory() as directory:
        store = f"sqlite:///{Path(directory) / 'scaling.db'}"
        with (
            LocalServer(store, Path(directory), **flags) as server,
            sibyl.connect(server.address) as client,
        ):
            for repeat in range(repeats):
                spec = sibyl.StudySpec(
                    parameters=[client_parameter(p) for p in problem.parameters],
                    metrics=[sibyl.Metric("y", goal="minimize")],
                    seed=repeat,
                )
                study = client.create_study(f"scaling-{repeat}", spec)
                points = iter(observations(max(sizes), repeat))
                completed = 0
                for n in sorted(sizes):
                    while completed < n - 1:
                        point = next(points)
                        study.add_trial(dict(point.parameters), dict(point.metrics))
                        completed += 1
                    for timed in (False, True):
                        started = time.perf_counter()
                        (trial,) = study.suggest()
                        if timed:
                            seconds[n].append(time.perf_counter() - started)
                        trial.complete({"y": problem.evaluate(dict(trial.parameters))})
                        completed += 1
    return {n: statistics.median(values) for n, values in seconds.items()}


def time_optuna(n: int, repeats: int) -> float:
    """Optuna's GPSampler on the same n trials: median seconds of one ask.

    Timed as Sibyl's step is: the sampler has just answered on n - 1 random trials (its
    cached kernel parameters warm-start the fit), and its answer is the n-th trial.
    """
    import optuna

    optuna.logging.set_verbosity(optuna.logging.ERROR)
    parameters = PROBLEMS["hartmann6"].parameters
    distributions = {
        p.name: optuna.distributions.FloatDistribution(p.min_value, p.max_value) for p in parameters
    }

    def trial(observation: Observation) -> optuna.trial.FrozenTrial:
        return optuna.trial.create_trial(
            params=dict(observation.parameters),
            distributions=distributions,
            value=observation.metrics["y"],
        )

    seconds = []
    for repeat in range(repeats):
        study = optuna.create_study(sampler=optuna.samplers.GPSampler(seed=repeat))
        study.add_trials([trial(o) for o in observations(n - 1, repeat)])
        before = study.ask(distributions)
        study.tell(before, hartmann6(before.params)["y"])
        started = time.perf_counter()
        study.ask(distributions)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def gpu_name(device: str) -> str:
    """ ", <the GPU's name>" where `device` resolves to CUDA, else ""."""
    resolved = resolve_device(device)
    return f", {torch.cuda.get_device_name(resolved)}" if resolved.startswith("cuda") else ""


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", type=int, default=list(SIZES))
    parser.add_argument("--exact-up-to", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument(
        "--optuna-up-to", type=int, default=1000, help="time Optuna's GPSampler up to this n"
    )
    parser.add_argument(
        "--end-to-end-up-to", type=int, default=max(SIZES), help="time the server up to this n"
    )
    parser.add_argument("--device", default="cpu", help="cpu, cuda, cuda:N or auto")
    parser.add_argument(
        "--max-exact",
        type=int,
        default=EngineOptions().max_exact_observations,
        help="the default options' max_exact_observations (the server's --max-exact-trials)",
    )
    parser.add_argument("--threads", type=int, default=0, help="0 = the CPU quota")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.sizes, args.exact_up_to, args.repeats, args.optuna_up_to = [20, 40], 40, 1, 20
        args.end_to_end_up_to = 20
    warnings.simplefilter("ignore")
    default = EngineOptions(
        device=args.device, torch_threads=args.threads, max_exact_observations=args.max_exact
    )
    if args.smoke:
        default = EngineOptions(device=args.device, max_exact_observations=30)
    exact = EngineOptions(
        device=args.device, torch_threads=args.threads, max_exact_observations=10**6
    )
    end_to_end = time_end_to_end(
        [n for n in args.sizes if n <= args.end_to_end_up_to],
        args.repeats,
        args.device,
        args.threads,
        args.max_exact,
    )
    rows = []
    for n in args.sizes:
        fit, acquisition, total = time_suggestion(default, n, args.repeats)
        row: list[object] = [n, min(n, default.max_exact_observations), fit, acquisition, total]
        row.append(end_to_end.get(n, "-"))
        if n <= args.exact_up_to:
            row += [*time_suggestion(exact, n, args.repeats)]
        else:
            row += ["-", "-", "-"]
        if n <= args.optuna_up_to:
            optuna_total = time_optuna(n, args.repeats)
            row += [optuna_total, round(optuna_total / total, 1)]
        else:
            row += ["-", "-"]
        rows.append([round(v, 3) if isinstance(v, float) else v for v in row])
        print(rows[-1], flush=True)
    preamble = (
        f"`python -m benchmarks.gp_scaling --device {args.device} --max-exact {args.max_exact}` "
        f"on {platform.machine()}{gpu_name(args.device)}, "
        f"torch {torch.__version__}, {torch.get_num_threads()} threads: Sibyl's steps "
        f"fitting up to {default.threaded_observations} trials use one of them "
        "(EngineOptions.threads_for), larger ones all, Optuna's GPSampler all. Seconds per "
        "suggestion (median of "
        f"{args.repeats}), d = 6. Default: exact GP up to "
        f"{default.max_exact_observations} trials, that many chosen above (best half, "
        "newest quarter, a fixed pseudo-random sample of the rest). Both Sibyl and "
        "Optuna's GPSampler are timed on the n-th trial's step, warm-started from their "
        "step on n - 1 random trials, whose point is the n-th trial. End to end: "
        "`study.suggest()` through a `sibyl serve` process on SQLite and the Python "
        "client, same options."
    )
    if args.device == "auto":
        preamble += (
            " --device auto: where CUDA is present, steps fitting fewer than "
            f"{CUDA_FROM_OBSERVATIONS} trials run on the CPU."
        )
    headers = [
        "n",
        "fitted on",
        "fit s",
        "acquisition s",
        "total s",
        "end to end s",
        "exact fit s",
        "exact acquisition s",
        "exact total s",
        "Optuna GPSampler s",
        "Optuna / Sibyl",
    ]
    device = resolve_device(args.device).split(":")[0]
    name = "gp_scaling" if device == "cpu" else f"gp_scaling_{device}"
    print(save_table(name, headers, rows, preamble, save=not args.smoke))


if __name__ == "__main__":
    main()
