"""GP_BANDIT against the alternatives: regret after 10/25/50/100/200 evaluations, latency, batches.

Every method runs every problem with the same seeds and budget in one run (a process
pool, one torch thread per run). Each finished run is appended to
results/raw/gp_quality.jsonl, so a long run can be re-tabulated (`--report`) or
resumed; the tables go to results/gp_quality*.md/.csv.

Tables:
- quality: median [25th, 75th percentile] over seeds of log10 simple regret (synthetic
  problems) or best cross-validated error (svc-digits), after k evaluations; the
  rows `sibyl-gp-from-optuna-start` and `optuna-gp-from-sibyl-start` run each GP
  method from the other's initial design, which separates the GP steps from the luck
  of the initial points; `sibyl-gp-restarts` is GP_BANDIT with the opt-in restarts
  out of stalled studies (`sibyl serve --stall-restarts true`, gp/restarts.py);
- latency: p50/p90 of one ask once every method is past its initial design, and each
  method's p50 as a ratio to Sibyl GP's;
- parallel: Sibyl GP with q = 1, 4, 8 parallel workers, same total budget, two ways:
  `batch` asks for q points at once whenever the last q have finished; `async` has each
  worker ask for one point as soon as its own evaluation finishes (evaluations take
  seeded random times), the other workers' trials pending. Anchors in the same table:
  Optuna's TPE (`constant_liar=True`) and GPSampler with q asynchronous workers on one
  study (the same seeded schedule), and the textbook BoTorch qLogNEI loop asking q
  points at once.

    python -m benchmarks.gp_quality [--seeds 10] [--budget 50] [--jobs 2] [--smoke]
        [--problems NAME ...] [--methods NAME ...] [--replace] [--report]
"""

from __future__ import annotations

import argparse
import math
import platform
import warnings
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict

import numpy as np

from benchmarks.gp.methods import METHODS, OPTUNA_STARTUP, PARALLEL_ONLY, SWAPPED_STARTS
from benchmarks.gp.problems import PROBLEMS, Problem
from benchmarks.runs import load_runs, run_in_pool, save_runs
from benchmarks.tables import DEFAULT_BUDGET, RESULTS, budget_table_name, save_table

CHECKPOINTS = (10, 25, 50, 100, 200)
BATCH_PROBLEMS = ("branin", "hartmann6", "svc-digits")
PARALLEL_MODES = {
    "sibyl batch": "sibyl-gp",
    "sibyl async": "sibyl-gp-workers",
    "optuna-tpe async (constant liar)": "optuna-tpe-workers",
    "optuna-gp async": "optuna-gp-workers",
    "botorch qLogNEI batch": "botorch-reference",
}
"""Parallel rows of the batch table: label -> method run with q > 1 workers. The last
three are the anchors: Optuna's samplers with q workers on one study, the textbook
BoTorch loop asking q points at once."""
RAW = RESULTS / "raw" / "gp_quality.jsonl"
Run = tuple[str, str, int, int]  # problem, method, seed, batch


def planned_runs(
    problems: Sequence[str],
    methods: Sequence[str],
    seeds: int,
    batches: Sequence[int],
    sequential: bool = True,
) -> list[Run]:
    runs = []
    for problem in problems:
        for method in methods:
            if not sequential or method in PARALLEL_ONLY or not _runs_on(method, problem):
                continue
            runs += [(problem, method, seed, 1) for seed in range(seeds)]
        if problem not in BATCH_PROBLEMS:
            continue
        for method in PARALLEL_MODES.values():
            if method in methods and _runs_on(method, problem):
                runs += [(problem, method, s, q) for q in batches if q > 1 for s in range(seeds)]
    return runs


def _runs_on(method: str, problem: str) -> bool:
    """The BoTorch reference loop handles continuous parameters only."""
    return method != "botorch-reference" or PROBLEMS[problem].continuous


def execute(run: Run, budget: int) -> dict:
    problem, method, seed, batch = run
    warnings.simplefilter("ignore")
    trace = METHODS[method](PROBLEMS[problem], budget, seed, batch)
    return {
        "problem": problem,
        "method": method,
        "seed": seed,
        "batch": batch,
        "budget": budget,
        **asdict(trace),
    }


def score(problem: Problem, values: Sequence[float], k: int) -> float:
    best = min(values[:k])
    if problem.optimum is None:
        return best
    return math.log10(max(problem.regret(best), 1e-12))


def summary(scores: Iterable[float], digits: int = 2) -> str:
    q25, q50, q75 = np.percentile(list(scores), [25, 50, 75])
    return f"{q50:.{digits}f} [{q25:.{digits}f}, {q75:.{digits}f}]"


def digits_for(problem: Problem) -> int:
    """Log regrets read to 0.01; CV errors differ in the third decimal, so four."""
    return 2 if problem.optimum is not None else 4


def quality_rows(records: list[dict], checkpoints: Sequence[int]) -> list[list[object]]:
    rows = []
    for problem in PROBLEMS:
        for method in METHODS:
            runs = [
                r
                for r in records
                if (r["problem"], r["method"], r["batch"]) == (problem, method, 1)
            ]
            if runs:
                cells = [
                    summary(
                        (score(PROBLEMS[problem], r["values"], k) for r in runs),
                        digits_for(PROBLEMS[problem]),
                    )
                    for k in checkpoints
                ]
                rows.append([problem, method, len(runs), *cells])
    return rows


def latency_rows(records: list[dict]) -> list[list[object]]:
    """Per problem: asks made once max(2d+2, 10) evaluations had finished (Sibyl's design
    is 2d+2 points, GPSampler's and TPE's 10: every method is model-based there), and
    each method's p50 as a ratio to Sibyl GP's."""
    seconds: dict[tuple[str, str], list[float]] = {}
    for r in records:
        if r["batch"] != 1:
            continue
        warm = max(2 * len(PROBLEMS[r["problem"]].parameters) + 2, OPTUNA_STARTUP)
        seconds.setdefault((r["problem"], r["method"]), []).extend(
            s for s, after in zip(r["ask_seconds"], r["ask_after"], strict=True) if after >= warm
        )
    rows = []
    for problem in PROBLEMS:
        base = np.percentile(seconds.get((problem, "sibyl-gp"), [math.nan]), 50)
        for method in METHODS:
            if method in SWAPPED_STARTS or not seconds.get((problem, method)):
                continue
            p50, p90 = np.percentile(seconds[(problem, method)], [50, 90]) * 1000
            ratio = float(f"{p50 / (base * 1000):.2g}")
            rows.append(
                [
                    problem,
                    method,
                    len(seconds[(problem, method)]),
                    round(p50, 1),
                    round(p90, 1),
                    ratio,
                ]
            )
    return rows


def batch_rows(records: list[dict], checkpoints: Sequence[int]) -> list[list[object]]:
    """Sequential (q = 1), then each parallel mode at each q, per problem."""
    parallel = sorted({r["batch"] for r in records if r["batch"] > 1})
    series = [("sibyl sequential", "sibyl-gp", 1)] + [
        (mode, method, q) for mode, method in PARALLEL_MODES.items() for q in parallel
    ]
    rows = []
    for problem in BATCH_PROBLEMS:
        runs_of = {
            (method, q): [
                r
                for r in records
                if (r["problem"], r["method"], r["batch"]) == (problem, method, q)
            ]
            for _, method, q in series
        }
        common = _common_seeds([runs for runs in runs_of.values() if runs])
        for label, method, q in series:
            runs = [r for r in runs_of[(method, q)] if r["seed"] in common]
            if runs:
                cells = [
                    summary(
                        (score(PROBLEMS[problem], r["values"], k) for r in runs),
                        digits_for(PROBLEMS[problem]),
                    )
                    for k in checkpoints
                ]
                seconds = round(float(np.median([sum(r["ask_seconds"]) for r in runs])), 1)
                rows.append([problem, label, q, len(runs), *cells, seconds])
    return rows


def _common_seeds(groups: Sequence[list[dict]]) -> set[int]:
    """The seeds every group of runs has: each row of a problem covers these, so the
    methods are compared on the same seeds (and so the same worker schedules)."""
    seeds = [{r["seed"] for r in runs} for runs in groups]
    return set.intersection(*seeds) if seeds else set()


def provenance(records: list[dict]) -> str:
    """Which code made the tabulated runs: rows may mix releases."""
    earlier = "a release before runs recorded their code"
    counts = Counter(record.get("code", earlier) for record in records)
    return "; ".join(f"{n} by {code}" for code, n in sorted(counts.items()))


def report(records: list[dict], budget: int, save: bool) -> None:
    checkpoints = [k for k in CHECKPOINTS if k <= budget]
    at = [f"@{k}" for k in checkpoints]
    preamble = (
        f"The saved runs at budget {budget} (`python -m benchmarks.gp_quality --budget "
        f"{budget} --seeds N [--problems ...] [--methods ...] [--jobs 2]`, run over several "
        "invocations; `--report` tabulates them again), on "
        f"{platform.machine()}, {platform.python_version()}, one torch thread per run. "
        "A row's `seeds` column says how many seeds it holds (seeds 0 to seeds - 1). Runs "
        "are kept across releases, so a row may hold runs of an earlier engine; "
        "`--replace` runs the chosen problems and methods again. Runs: "
        f"{provenance(records)}. Latency rows pool runs made at different times, under "
        "different machine loads. Cells: median [25th, 75th percentile] over seeds of "
        "log10 simple regret (svc-digits and the other real tasks: best 3-fold CV error "
        "or its equivalent). Lower is better."
    )
    print(
        save_table(
            budget_table_name("gp_quality", budget),
            ["problem", "method", "seeds", *at],
            quality_rows(records, checkpoints),
            preamble,
            save,
        )
    )
    print()
    print(
        save_table(
            budget_table_name("gp_latency", budget),
            ["problem", "method", "asks", "p50 ms", "p90 ms", "p50 / sibyl-gp"],
            latency_rows(records),
            preamble,
            save,
        )
    )
    print()
    print(
        save_table(
            budget_table_name("gp_batch", budget),
            ["problem", "mode", "q", "seeds", *at, "ask seconds per run"],
            batch_rows(records, checkpoints),
            preamble,
            save,
        )
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=DEFAULT_BUDGET)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    parser.add_argument("--methods", nargs="*", default=list(METHODS))
    parser.add_argument("--batches", nargs="*", type=int, default=[4, 8])
    parser.add_argument(
        "--sequential",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="run the methods one at a time too (--no-sequential: parallel runs only)",
    )
    parser.add_argument("--report", action="store_true", help="tabulate the saved runs only")
    parser.add_argument(
        "--replace",
        action="store_true",
        help="drop the saved runs this command plans (problems, methods, seeds, batches) at "
        "this budget, then run them again",
    )
    parser.add_argument("--smoke", action="store_true", help="tiny budget, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.budget, args.problems = 1, 16, ["branin", "svc-digits"]
    records = load_runs(RAW) if not args.smoke else []
    if args.replace and not args.report and not args.smoke:
        planned = set(
            planned_runs(args.problems, args.methods, args.seeds, args.batches, args.sequential)
        )
        records = [r for r in records if (r["budget"] != args.budget or _run(r) not in planned)]
        save_runs(RAW, records)
    # A run of a longer budget repeats a shorter one's first evaluations (same seed),
    # so only runs of this budget are tabulated: each seed counts once.
    records = [r for r in records if r["budget"] == args.budget]
    if not args.report:
        done = {_run(r) for r in records}
        todo = [
            run
            for run in planned_runs(
                args.problems, args.methods, args.seeds, args.batches, args.sequential
            )
            if run not in done
        ]
        records += run_in_pool(
            execute, [(run, args.budget) for run in todo], args.jobs, None if args.smoke else RAW
        )
    report(records, args.budget, save=not args.smoke)


def _run(record: dict) -> Run:
    return record["problem"], record["method"], record["seed"], record["batch"]


if __name__ == "__main__":
    main()
