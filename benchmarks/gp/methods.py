"""The optimizers compared, each run as an ask/tell loop on one problem.

A method takes a problem, an evaluation budget, a seed and a batch size (how many
points are asked for at once, as parallel workers would) and returns a Trace: the
value of every evaluation in order, and the seconds each ask took.
"""

from __future__ import annotations

import heapq
import random
import tempfile
import time
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from benchmarks.gp.problems import Problem
from sibyl_server.domain.study import (
    Algorithm,
    Goal,
    MetricSpec,
    ParameterSpec,
    ParameterType,
    ScaleType,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.designer import REPEATED_CANDIDATE
from sibyl_server.engine.interface import (
    METADATA_FALLBACK_REASON,
    Observation,
    Parameters,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions


@dataclass
class Trace:
    values: list[float] = field(default_factory=list)
    ask_seconds: list[float] = field(default_factory=list)
    ask_after: list[int] = field(default_factory=list)
    """How many evaluations had finished when each ask was made."""

    def timed_ask(self, ask: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        answer = ask()
        self.ask_seconds.append(time.perf_counter() - started)
        self.ask_after.append(len(self.values))
        return answer


Method = Callable[[Problem, int, int, int], Trace]
METRIC = "value"
OPTUNA_STARTUP = 10
"""GPSampler's random trials before its first GP step (`n_startup_trials`' default)."""


def checked(result: SuggestionResult) -> SuggestionResult:
    """`result`, unless a GP step failed and fell back to quasi-random points: the
    benchmark would then measure the fallback, not the model."""
    for suggestion in result.suggestions:
        check_step(suggestion.metadata)
    return result


def check_step(metadata: Mapping[str, str]) -> None:
    """Raises if a point's metadata says its GP step failed (a Sobol point replacing a
    repeated candidate is a step that succeeded)."""
    reason = metadata.get(METADATA_FALLBACK_REASON)
    if reason and reason != REPEATED_CANDIDATE:
        raise RuntimeError(f"a GP step failed: {reason}")


def sibyl_engine(algorithm: Algorithm, stall_restarts: bool = False) -> Method:
    """Sibyl's engine called directly (no server), as the service calls it; with
    `stall_restarts`, as `sibyl serve --stall-restarts true` runs it (gp/restarts.py)."""

    def run(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
        trace = Trace()
        spec = sibyl_spec(problem, algorithm, seed)
        engine = _engine(stall_restarts)
        _sibyl_steps(spec, problem, budget, batch, trace, [], engine)
        return trace

    return run


def sibyl_from_optuna_start(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
    """Sibyl's GP_BANDIT continuing from the random points GPSampler starts from.

    With `optuna_from_sibyl_start`, it compares the two GP steps from one start: on
    Hartmann6 whether a run finds the global optimum depends mostly on where its
    initial design happened to fall.
    """
    study, distributions = _optuna_study(problem, "gp", seed)
    trace = Trace()
    start = min(OPTUNA_STARTUP, budget)
    trials = _optuna_steps(study, distributions, problem, start, batch, trace)
    completed = [Observation(dict(t.params), {METRIC: t.value}) for t in trials]
    spec = sibyl_spec(problem, Algorithm.GP_BANDIT, seed, initial_trials=OPTUNA_STARTUP)
    _sibyl_steps(spec, problem, budget, batch, trace, completed)
    return trace


def sibyl_spec(
    problem: Problem, algorithm: Algorithm, seed: int, initial_trials: int | None = None
) -> StudySpec:
    """The study spec Sibyl's methods run `problem` as (its one metric minimized)."""
    return StudySpec(
        problem.parameters,
        (MetricSpec(METRIC, Goal.MINIMIZE),),
        algorithm,
        seed=seed,
        num_initial_trials=initial_trials,
    )


def _engine(stall_restarts: bool = False) -> Engine:
    """The engine as the benchmark runs it: on the CPU, one torch thread per run."""
    return Engine(EngineOptions(device="cpu", torch_threads=1, stall_restarts=stall_restarts))


def _sibyl_steps(
    spec: StudySpec,
    problem: Problem,
    budget: int,
    batch: int,
    trace: Trace,
    completed: list[Observation],
    engine: Engine | None = None,
) -> None:
    """Asks the engine and evaluates until `budget` evaluations are in `trace`."""
    engine = engine or _engine()
    state: dict[str, Any] = {}
    while len(trace.values) < budget:
        count = min(batch, budget - len(trace.values))
        request = SuggestionRequest(spec, completed, [], count, spec.seed, state)
        result = checked(trace.timed_ask(lambda r=request: engine.suggest(r)))
        state = result.state
        for suggestion in result.suggestions:
            _evaluate(problem, suggestion.parameters, completed, trace)


def sibyl_workers(problem: Problem, budget: int, seed: int, workers: int) -> Trace:
    """Sibyl's GP_BANDIT asked by `workers` asynchronous workers, as a service is.

    Whenever an evaluation finishes (`_asynchronous_workers`), its worker reports it and
    asks for one point with the other workers' trials pending. Unlike a batch
    (`workers` points asked at once), the model learns from every result as it arrives.
    """
    engine = _engine()
    spec = sibyl_spec(problem, Algorithm.GP_BANDIT, seed)
    trace = Trace()
    completed: list[Observation] = []
    state: dict[str, Any] = {}

    def ask(pending: list[Parameters]) -> Parameters:
        nonlocal state
        request = SuggestionRequest(spec, completed, pending, 1, seed, state)
        result = checked(engine.suggest(request))
        state = result.state
        return result.suggestions[0].parameters

    def tell(parameters: Parameters) -> None:
        _evaluate(problem, parameters, completed, trace)

    _asynchronous_workers(budget, seed, workers, ask, tell, trace)
    return trace


def optuna_workers(kind: str) -> Method:
    """Optuna's TPESampler (`constant_liar=True`) or GPSampler with `workers`
    asynchronous workers on one storage: the workers' trials stay RUNNING in the study
    until they finish, which is what both samplers read as pending (GPSampler
    conditions its q-batch acquisition on them)."""

    def run(problem: Problem, budget: int, seed: int, workers: int) -> Trace:
        study, distributions = _optuna_study(problem, kind, seed, constant_liar=True)
        trace = Trace()

        def tell(trial: Any) -> None:
            value = problem.evaluate(dict(trial.params))
            study.tell(trial, value)
            trace.values.append(value)

        _asynchronous_workers(
            budget, seed, workers, lambda _: study.ask(distributions), tell, trace
        )
        return trace

    return run


def _asynchronous_workers(
    budget: int,
    seed: int,
    workers: int,
    ask: Callable[[list[Any]], Any],
    tell: Callable[[Any], None],
    trace: Trace,
) -> None:
    """Simulates `workers` workers sharing one optimizer until `budget` asks.

    Each evaluation takes a random time (uniform on 0.5 to 1.5, seeded by `seed`, so
    every method sees the same schedule); when one finishes, it is told and its
    worker asks again. `ask` gets the points still running and returns a new one.
    """
    durations = random.Random(seed)
    running: list[tuple[float, int, Any]] = []  # finish time, ask order, point
    now = 0.0
    for order in range(budget):
        if len(running) == workers:
            now, _, point = heapq.heappop(running)
            tell(point)
        pending = [point for *_, point in running]
        point = trace.timed_ask(lambda p=pending: ask(p))
        heapq.heappush(running, (now + durations.uniform(0.5, 1.5), order, point))
    while running:
        tell(heapq.heappop(running)[2])


def _evaluate(
    problem: Problem, parameters: Parameters, completed: list[Observation], trace: Trace
) -> None:
    value = problem.evaluate(dict(parameters))
    completed.append(Observation(parameters, {METRIC: value}))
    trace.values.append(value)


def sibyl_server(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
    """Sibyl end to end: a `sibyl serve` process on SQLite, driven by the Python client."""
    import sibyl
    from sibyl_server.local import LocalServer

    spec = sibyl.StudySpec(
        parameters=[client_parameter(p) for p in problem.parameters],
        metrics=[sibyl.Metric(METRIC, goal="minimize")],
        seed=seed,
    )
    trace = Trace()
    with tempfile.TemporaryDirectory() as directory:
        store = f"sqlite:///{Path(directory) / 'bench.db'}"
        with (
            LocalServer(store, Path(directory), torch_threads=1) as server,
            sibyl.connect(server.address) as client,
        ):
            study = client.create_study(f"{problem.name}-{seed}", spec)
            while len(trace.values) < budget:
                count = min(batch, budget - len(trace.values))
                trials = trace.timed_ask(lambda c=count: study.suggest(count=c))
                for trial in trials:
                    check_step(trial.metadata)
                    value = problem.evaluate(dict(trial.parameters))
                    trial.complete({METRIC: value})
                    trace.values.append(value)
    return trace


def client_parameter(spec: ParameterSpec) -> Any:
    import sibyl

    scale = "log" if spec.scale is ScaleType.LOG else "linear"
    if spec.type is ParameterType.DOUBLE:
        return sibyl.Double(spec.name, spec.min_value, spec.max_value, scale=scale)
    if spec.type is ParameterType.INTEGER:
        return sibyl.Integer(spec.name, int(spec.min_value), int(spec.max_value), scale=scale)
    if spec.type is ParameterType.DISCRETE:
        return sibyl.Discrete(spec.name, list(spec.values))
    return sibyl.Categorical(spec.name, list(spec.categories))


def optuna_sampler(kind: str) -> Method:
    """Optuna's TPESampler or GPSampler through its ask/tell interface."""

    def run(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
        study, distributions = _optuna_study(problem, kind, seed)
        trace = Trace()
        _optuna_steps(study, distributions, problem, budget, batch, trace)
        return trace

    return run


def optuna_from_sibyl_start(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
    """Optuna's GPSampler continuing from Sibyl's initial design (its 2d+2 Sobol points,
    the ones `sibyl-gp` starts from); see `sibyl_from_optuna_start`."""
    spec = sibyl_spec(problem, Algorithm.GP_BANDIT, seed)
    start = min(spec.initial_trials(), budget)
    initial = _engine().suggest(SuggestionRequest(spec, [], [], start, seed, {}))
    study, distributions = _optuna_study(problem, "gp", seed, startup=start)
    for suggestion in initial.suggestions:
        study.enqueue_trial(dict(suggestion.parameters))
    trace = Trace()
    _optuna_steps(study, distributions, problem, budget, batch, trace)
    return trace


def _optuna_study(
    problem: Problem,
    kind: str,
    seed: int,
    startup: int = OPTUNA_STARTUP,
    constant_liar: bool = False,
) -> tuple[Any, dict[str, Any]]:
    """A study with Optuna's TPESampler or GPSampler (its first `startup` trials
    random, as by default), and the problem's parameters as Optuna distributions.
    `constant_liar` is TPE's option for parallel workers (GPSampler always reads
    running trials)."""
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    torch.set_num_threads(1)
    sampler = (
        optuna.samplers.TPESampler(seed=seed, constant_liar=constant_liar)
        if kind == "tpe"
        else optuna.samplers.GPSampler(seed=seed, n_startup_trials=startup)
    )
    distributions = {p.name: _optuna_distribution(p) for p in problem.parameters}
    return optuna.create_study(sampler=sampler), distributions


def _optuna_steps(
    study: Any,
    distributions: dict[str, Any],
    problem: Problem,
    budget: int,
    batch: int,
    trace: Trace,
) -> list[Any]:
    """Asks, evaluates and tells until `budget` evaluations are in `trace`; returns
    the trials."""
    told = []
    while len(trace.values) < budget:
        count = min(batch, budget - len(trace.values))
        trials = trace.timed_ask(lambda c=count: [study.ask(distributions) for _ in range(c)])
        for trial in trials:
            value = problem.evaluate(dict(trial.params))
            told.append(study.tell(trial, value))
            trace.values.append(value)
    return told


def _optuna_distribution(spec: ParameterSpec) -> Any:
    from optuna.distributions import (
        CategoricalDistribution,
        FloatDistribution,
        IntDistribution,
    )

    log = spec.scale is ScaleType.LOG
    if spec.type is ParameterType.DOUBLE:
        return FloatDistribution(spec.min_value, spec.max_value, log=log)
    if spec.type is ParameterType.INTEGER:
        return IntDistribution(int(spec.min_value), int(spec.max_value), log=log)
    if spec.type is ParameterType.DISCRETE:
        return CategoricalDistribution(list(spec.values))
    return CategoricalDistribution(list(spec.categories))


def botorch_reference(problem: Problem, budget: int, seed: int, batch: int) -> Trace:
    """The textbook BoTorch loop: Sobol init (2d+2), SingleTaskGP, qLogNEI (10 x 512).

    Continuous problems only: it is the reference for the GP step itself.
    """
    from botorch.utils.sampling import draw_sobol_samples

    torch.set_num_threads(1)
    torch.manual_seed(seed)
    bounds = torch.tensor(
        [[p.min_value for p in problem.parameters], [p.max_value for p in problem.parameters]],
        dtype=torch.float64,
    )
    names = [p.name for p in problem.parameters]
    initial = 2 * len(names) + 2
    x = draw_sobol_samples(bounds, n=min(initial, budget), q=1, seed=seed).squeeze(1)
    trace = Trace()
    values = [problem.evaluate(dict(zip(names, row, strict=True))) for row in x.tolist()]
    trace.values += values
    while len(trace.values) < budget:
        count = min(batch, budget - len(trace.values))
        candidates = trace.timed_ask(lambda c=count, x=x: _botorch_step(x, trace.values, bounds, c))
        for row in candidates.tolist():
            trace.values.append(problem.evaluate(dict(zip(names, row, strict=True))))
        x = torch.cat([x, candidates])
    return trace


def _botorch_step(x: torch.Tensor, values: list[float], bounds: torch.Tensor, q: int) -> Any:
    from botorch.acquisition.logei import qLogNoisyExpectedImprovement
    from botorch.fit import fit_gpytorch_mll
    from botorch.models import SingleTaskGP
    from botorch.models.transforms import Normalize, Standardize
    from botorch.optim import optimize_acqf
    from gpytorch.mlls import ExactMarginalLogLikelihood

    y = -torch.tensor(values, dtype=torch.float64).unsqueeze(-1)
    model = SingleTaskGP(
        x,
        y,
        input_transform=Normalize(x.shape[-1], bounds=bounds),
        outcome_transform=Standardize(1),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
        acquisition = qLogNoisyExpectedImprovement(model, x, prune_baseline=True)
        candidates, _ = optimize_acqf(acquisition, bounds, q=q, num_restarts=10, raw_samples=512)
    return candidates


METHODS: dict[str, Method] = {
    "sibyl-gp": sibyl_engine(Algorithm.GP_BANDIT),
    "sibyl-gp-restarts": sibyl_engine(Algorithm.GP_BANDIT, stall_restarts=True),
    "sibyl-gp-server": sibyl_server,
    "sibyl-quasi-random": sibyl_engine(Algorithm.QUASI_RANDOM_SEARCH),
    "sibyl-random": sibyl_engine(Algorithm.RANDOM_SEARCH),
    "optuna-tpe": optuna_sampler("tpe"),
    "optuna-gp": optuna_sampler("gp"),
    "botorch-reference": botorch_reference,
    "sibyl-gp-from-optuna-start": sibyl_from_optuna_start,
    "optuna-gp-from-sibyl-start": optuna_from_sibyl_start,
    "sibyl-gp-workers": sibyl_workers,
    "optuna-tpe-workers": optuna_workers("tpe"),
    "optuna-gp-workers": optuna_workers("gp"),
}
SWAPPED_STARTS = ("sibyl-gp-from-optuna-start", "optuna-gp-from-sibyl-start")
"""The two GP methods, each from the other's initial design: rows of the quality table
only (their asks are those of `sibyl-gp` and `optuna-gp`)."""
PARALLEL_ONLY = ("sibyl-gp-workers", "optuna-tpe-workers", "optuna-gp-workers")
"""Methods run with several workers only (with one, they are `sibyl-gp`)."""
