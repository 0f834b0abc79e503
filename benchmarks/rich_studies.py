"""Richer studies: several objectives, outcome constraints, conditional search spaces.

Sibyl's GP_BANDIT against random search and Optuna's samplers, same seeds and budget,
in one run (a process pool, one torch thread per run):

- multi-objective: hypervolume (reference point: the problem's) after k evaluations on
  BraninCurrin, DTLZ2 (d=6) and ZDT1 (d=4) from botorch.test_functions, against
  Optuna's NSGAIISampler and TPESampler;
- constrained: log10 regret of the best feasible trial on ConstrainedGramacy (2 outcome
  constraints) and ConstrainedHartmann (d=6), against Optuna TPE and GP samplers given
  the same constraints through `constraints_func`;
- conditional: best value on a hierarchical synthetic function (a categorical picks one
  of three sub-problems, each with its own parameters, one nested a level deeper) and a
  scikit-learn model choice (SVC / random forest / logistic regression, each with its
  own parameters, 3-fold CV error on breast_cancer), against Optuna TPE asking
  define-by-run and random search.

    python -m benchmarks.rich_studies [--seeds 10] [--budget 50] [--jobs 2] [--smoke]
        [--problems NAME ...] [--methods NAME ...] [--replace]

--replace drops the saved runs of the chosen problems and methods at this budget and
runs them again (after a change to a method).
"""

from __future__ import annotations

import argparse
import math
import platform
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

import numpy as np
import torch
from botorch.test_functions import multi_objective, synthetic
from botorch.utils.multi_objective.hypervolume import Hypervolume
from botorch.utils.multi_objective.pareto import is_non_dominated

from benchmarks.gp.methods import checked
from benchmarks.runs import load_runs, run_in_pool, save_runs
from benchmarks.tables import DEFAULT_BUDGET, RESULTS, budget_table_name, save_table
from sibyl_server.domain.conditions import active_names, parents_first
from sibyl_server.domain.study import (
    Algorithm,
    Goal,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    ParameterType,
    ParentCondition,
    ScaleType,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import Observation, SuggestionRequest
from sibyl_server.engine.options import EngineOptions

RAW = RESULTS / "raw" / "rich_studies.jsonl"
CHECKPOINTS = (10, 25, 50, 100)
"""The evaluations the tables report, those within a run's budget."""
Metrics = dict[str, float]


@dataclass(frozen=True)
class Problem:
    """A study to run: parameters, metrics, and the function that measures a trial."""

    section: str
    name: str
    parameters: tuple[ParameterSpec, ...]
    metrics: tuple[MetricSpec, ...]
    evaluate: Callable[[dict[str, Any]], Metrics]
    score: Callable[[list[Metrics]], float]
    """Lower or higher is better per section (see HEADLINES)."""


HEADLINES = {
    "multi-objective": "hypervolume (higher is better)",
    "constrained": "log10 regret of the best feasible trial (lower is better)",
    "conditional": "best value found (lower is better)",
}


def _box(dim: int) -> tuple[ParameterSpec, ...]:
    return tuple(ParameterSpec.double(f"x{i}", 0.0, 1.0) for i in range(dim))


def _tensor(values: dict[str, Any], dim: int) -> torch.Tensor:
    return torch.tensor([[values[f"x{i}"] for i in range(dim)]], dtype=torch.float64)


def multi_objective_problem(name: str, function: Any) -> Problem:
    dim, count = function.dim, function.num_objectives
    reference = function.ref_point.tolist()  # objectives are minimized, so is this
    metrics = tuple(
        MetricSpec(f"f{j}", Goal.MINIMIZE, reference_value=reference[j]) for j in range(count)
    )
    lower = function.bounds[0].tolist()
    span = (function.bounds[1] - function.bounds[0]).tolist()

    def evaluate(values: dict[str, Any]) -> Metrics:
        x = torch.tensor([[lower[i] + span[i] * values[f"x{i}"] for i in range(dim)]])
        y = function.evaluate_true(x.double())[0].tolist()
        return {f"f{j}": y[j] for j in range(count)}

    def score(history: list[Metrics]) -> float:
        y = -torch.tensor([[m[f"f{j}"] for j in range(count)] for m in history])
        front = y[is_non_dominated(y)]
        return float(Hypervolume(-torch.tensor(reference)).compute(front.double()))

    return Problem("multi-objective", name, _box(dim), metrics, evaluate, score)


GRAMACY_OPTIMUM = 0.5997880520100606
"""ConstrainedGramacy's optimum to 1e-15 (SLSQP from 200 starts, active constraint at
1e-14). BoTorch's `optimal_value` is 0.5998, rounded up by 1.2e-5: a method within that
of the optimum would score "below" it, clamped to log10 regret -12."""
HARTMANN6_OPTIMUM = -3.32236801141551
"""Hartmann6's optimum; BoTorch's -3.32237 is rounded down by 2e-6."""


def constrained_problem(name: str, function: Any, optimum: float) -> Problem:
    dim, count = function.dim, function.num_constraints
    lower = function.bounds[0].tolist()
    span = (function.bounds[1] - function.bounds[0]).tolist()
    slacks = [
        MetricSpec(f"slack{j}", constraint=OutcomeConstraint(lower_bound=0.0)) for j in range(count)
    ]
    metrics = (MetricSpec("y", Goal.MINIMIZE), *slacks)

    def evaluate(values: dict[str, Any]) -> Metrics:
        x = torch.tensor([[lower[i] + span[i] * values[f"x{i}"] for i in range(dim)]]).double()
        slack = function.evaluate_slack_true(x)[0].tolist()
        return {
            "y": float(function.evaluate_true(x)),
            **{f"slack{j}": slack[j] for j in range(count)},
        }

    def score(history: list[Metrics]) -> float:
        feasible = [m["y"] for m in history if all(m[f"slack{j}"] >= 0 for j in range(count))]
        if not feasible:
            return math.nan
        return math.log10(max(min(feasible) - optimum, 1e-12))

    return Problem("constrained", name, _box(dim), metrics, evaluate, score)


def _child(spec: ParameterSpec, parent: str, *categories: str) -> ParameterSpec:
    return replace(spec, condition=ParentCondition(parent, categories=categories))


def _best(history: list[Metrics]) -> float:
    return min(m["y"] for m in history)


def hierarchical_problem() -> Problem:
    """branch a: Branin (scaled); b: Hartmann3, with a nested choice; c: a 1-d bowl."""
    branin, hartmann = synthetic.Branin(), synthetic.Hartmann(dim=3)
    parameters = (
        ParameterSpec.categorical("branch", ["a", "b", "c"]),
        _child(ParameterSpec.double("a0", -5.0, 10.0), "branch", "a"),
        _child(ParameterSpec.double("a1", 0.0, 15.0), "branch", "a"),
        _child(ParameterSpec.double("b0", 0.0, 1.0), "branch", "b"),
        _child(ParameterSpec.double("b1", 0.0, 1.0), "branch", "b"),
        _child(ParameterSpec.categorical("b_mode", ["fixed", "free"]), "branch", "b"),
        _child(ParameterSpec.double("b2", 0.0, 1.0), "b_mode", "free"),
        _child(ParameterSpec.double("c0", -2.0, 2.0), "branch", "c"),
    )

    def evaluate(v: dict[str, Any]) -> Metrics:
        if v["branch"] == "a":  # minimum 0.398 / 10 - 1 = -0.96
            x = torch.tensor([[v["a0"], v["a1"]]], dtype=torch.float64)
            return {"y": float(branin.evaluate_true(x)) / 10.0 - 1.0}
        if v["branch"] == "b":  # minimum -3.86 (b2 = 0.85 needs the nested "free" mode)
            b2 = v["b2"] if v["b_mode"] == "free" else 0.5
            x = torch.tensor([[v["b0"], v["b1"], b2]], dtype=torch.float64)
            return {"y": float(hartmann.evaluate_true(x))}
        return {"y": (v["c0"] - 0.7) ** 2 - 0.5}

    return Problem(
        "conditional",
        "hierarchical",
        parameters,
        (MetricSpec("y", Goal.MINIMIZE),),
        evaluate,
        _best,
    )


@cache
def _breast_cancer() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    features, labels = load_breast_cancer(return_X_y=True)
    return StandardScaler().fit_transform(features), labels


def model_choice_problem() -> Problem:
    parameters = (
        ParameterSpec.categorical("model", ["svc", "forest", "logistic"]),
        _child(ParameterSpec.double("svc_C", 1e-3, 1e3, ScaleType.LOG), "model", "svc"),
        _child(ParameterSpec.double("svc_gamma", 1e-5, 1.0, ScaleType.LOG), "model", "svc"),
        _child(ParameterSpec.integer("forest_trees", 5, 100, ScaleType.LOG), "model", "forest"),
        _child(ParameterSpec.integer("forest_depth", 1, 12), "model", "forest"),
        _child(ParameterSpec.double("logistic_C", 1e-4, 1e2, ScaleType.LOG), "model", "logistic"),
    )

    def evaluate(v: dict[str, Any]) -> Metrics:
        from sklearn.ensemble import RandomForestClassifier
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import cross_val_score
        from sklearn.svm import SVC

        if v["model"] == "svc":
            model: Any = SVC(C=v["svc_C"], gamma=v["svc_gamma"])
        elif v["model"] == "forest":
            model = RandomForestClassifier(
                n_estimators=v["forest_trees"], max_depth=v["forest_depth"], random_state=0
            )
        else:
            model = LogisticRegression(C=v["logistic_C"], max_iter=500)
        return {"y": 1.0 - float(cross_val_score(model, *_breast_cancer(), cv=3).mean())}

    return Problem(
        "conditional",
        "sklearn-model-choice",
        parameters,
        (MetricSpec("y", Goal.MINIMIZE),),
        evaluate,
        _best,
    )


def problems() -> dict[str, Problem]:
    listed = [
        multi_objective_problem("branin-currin", multi_objective.BraninCurrin()),
        multi_objective_problem("dtlz2", multi_objective.DTLZ2(dim=6, num_objectives=2)),
        multi_objective_problem("zdt1", multi_objective.ZDT1(dim=4)),
        constrained_problem("constrained-gramacy", synthetic.ConstrainedGramacy(), GRAMACY_OPTIMUM),
        constrained_problem(
            "constrained-hartmann6", synthetic.ConstrainedHartmann(dim=6), HARTMANN6_OPTIMUM
        ),
        hierarchical_problem(),
        model_choice_problem(),
    ]
    return {p.name: p for p in listed}


# One problem of each section: the smoke run goes through every method and section.
SMOKE_PROBLEMS = ["dtlz2", "constrained-hartmann6", "sklearn-model-choice"]

METHODS = {
    "multi-objective": ("sibyl-gp", "sibyl-random", "optuna-nsga2", "optuna-tpe"),
    "constrained": ("sibyl-gp", "sibyl-random", "optuna-tpe", "optuna-gp"),
    "conditional": ("sibyl-gp", "sibyl-random", "optuna-tpe"),
}


def run_sibyl(problem: Problem, algorithm: Algorithm, budget: int, seed: int) -> list[Metrics]:
    spec = StudySpec(problem.parameters, problem.metrics, algorithm, seed=seed)
    engine = Engine(EngineOptions(device="cpu", torch_threads=1))
    completed: list[Observation] = []
    state: dict = {}
    while len(completed) < budget:
        result = checked(engine.suggest(SuggestionRequest(spec, completed, [], 1, seed, state)))
        state = result.state
        for suggestion in result.suggestions:
            metrics = problem.evaluate(dict(suggestion.parameters))
            completed.append(Observation(suggestion.parameters, metrics))
    return [dict(o.metrics) for o in completed]


def run_optuna(problem: Problem, kind: str, budget: int, seed: int) -> list[Metrics]:
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    objectives = [m for m in problem.metrics if m.is_objective]
    constraints = [m for m in problem.metrics if not m.is_objective]
    options: dict[str, Any] = {"seed": seed}
    if constraints:
        options["constraints_func"] = lambda trial: trial.user_attrs["constraints"]
    sampler = {
        "optuna-tpe": optuna.samplers.TPESampler,
        "optuna-gp": optuna.samplers.GPSampler,
        "optuna-nsga2": optuna.samplers.NSGAIISampler,
    }[kind](**options)
    study = optuna.create_study(
        sampler=sampler,
        directions=["minimize" if m.goal is Goal.MINIMIZE else "maximize" for m in objectives],
    )
    history = []
    for _ in range(budget):
        trial = study.ask()
        metrics = problem.evaluate(_define_by_run(trial, problem.parameters))
        # Optuna's convention: a constraint value <= 0 is satisfied.
        trial.set_user_attr("constraints", [-metrics[m.name] for m in constraints])
        study.tell(trial, [metrics[m.name] for m in objectives])
        history.append(metrics)
    return history


def _define_by_run(trial: Any, parameters: Sequence[ParameterSpec]) -> dict[str, Any]:
    """Asks for each parameter only when its parents make it active, parents first."""
    values: dict[str, Any] = {}
    for spec in parents_first(parameters):
        if spec.name not in active_names(parameters, {**values, spec.name: None}):
            continue
        log = spec.scale is ScaleType.LOG
        if spec.type is ParameterType.DOUBLE:
            values[spec.name] = trial.suggest_float(
                spec.name, spec.min_value, spec.max_value, log=log
            )
        elif spec.type is ParameterType.INTEGER:
            values[spec.name] = trial.suggest_int(
                spec.name, int(spec.min_value), int(spec.max_value), log=log
            )
        else:
            values[spec.name] = trial.suggest_categorical(spec.name, list(spec.categories))
    return values


def execute(problem_name: str, method: str, seed: int, budget: int) -> dict:
    warnings.simplefilter("ignore")
    problem = problems()[problem_name]
    if method.startswith("sibyl"):
        algorithm = Algorithm.GP_BANDIT if method == "sibyl-gp" else Algorithm.RANDOM_SEARCH
        history = run_sibyl(problem, algorithm, budget, seed)
    else:
        history = run_optuna(problem, method, budget, seed)
    return {
        "problem": problem_name,
        "method": method,
        "seed": seed,
        "budget": budget,
        "history": history,
    }


def table(records: list[dict], section: str, checkpoints: Sequence[int]) -> list[list[object]]:
    rows = []
    for problem in (p for p in problems().values() if p.section == section):
        for method in METHODS[section]:
            runs = [r for r in records if (r["problem"], r["method"]) == (problem.name, method)]
            if not runs:
                continue
            cells = []
            for k in checkpoints:
                scores = [problem.score(r["history"][:k]) for r in runs]
                found = [s for s in scores if not math.isnan(s)]
                if not found:
                    cells.append("none feasible")
                    continue
                q25, q50, q75 = np.percentile(found, [25, 50, 75])
                missing = (
                    f" ({len(scores) - len(found)} none feasible)"
                    if len(found) < len(scores)
                    else ""
                )
                cells.append(f"{q50:.3g} [{q25:.3g}, {q75:.3g}]{missing}")
            rows.append([problem.name, method, len(runs), *cells])
    return rows


def replaced(
    record: dict, names: Sequence[str], methods: Sequence[str] | None, budget: int
) -> bool:
    """Whether --replace runs `record` again."""
    chosen = methods is None or record["method"] in methods
    return chosen and record["problem"] in names and record["budget"] == budget


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=DEFAULT_BUDGET)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--problems", nargs="*", default=None)
    parser.add_argument("--methods", nargs="*", default=None, help="all of each section's")
    parser.add_argument("--report", action="store_true", help="tabulate the saved runs only")
    parser.add_argument(
        "--replace", action="store_true", help="run the chosen problems and methods again"
    )
    parser.add_argument("--smoke", action="store_true", help="tiny budget, nothing saved")
    args = parser.parse_args(argv)
    if args.smoke:
        args.seeds, args.budget = 1, 16  # past the 14-trial designs: GP steps run
    names = args.problems or (SMOKE_PROBLEMS if args.smoke else list(problems()))
    saved = [] if args.smoke else load_runs(RAW)
    if args.replace and not args.report and not args.smoke:  # a smoke run saves nothing
        saved = [r for r in saved if not replaced(r, names, args.methods, args.budget)]
        save_runs(RAW, saved)
    records = [r for r in saved if r["budget"] == args.budget]
    if not args.report:
        done = {(r["problem"], r["method"], r["seed"]) for r in records}
        todo = [
            (name, method, seed)
            for name in names
            for method in METHODS[problems()[name].section]
            if args.methods is None or method in args.methods
            for seed in range(args.seeds)
            if (name, method, seed) not in done
        ]
        records += run_in_pool(
            execute, [(*run, args.budget) for run in todo], args.jobs, None if args.smoke else RAW
        )
    checkpoints = [k for k in CHECKPOINTS if k <= args.budget]
    for section, headline in HEADLINES.items():
        preamble = (
            f"`python -m benchmarks.rich_studies --seeds {args.seeds} --budget {args.budget}` "
            f"on {platform.machine()}, Python {platform.python_version()}. {section}: "
            f"median [25th, 75th percentile] over seeds of the {headline}."
        )
        rows = table(records, section, checkpoints)
        headers = ["problem", "method", "seeds", *[f"@{k}" for k in checkpoints]]
        name = budget_table_name("rich_" + section.replace("-", "_"), args.budget)
        print(save_table(name, headers, rows, preamble, save=not args.smoke))
        print()


if __name__ == "__main__":
    main()
