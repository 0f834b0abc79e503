"""GP_BANDIT without a server: encoding, the model-based step, its fallbacks."""

from __future__ import annotations

import functools
import itertools
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
import pytest
import torch
from botorch.acquisition import AcquisitionFunction
from botorch.models.model import Model

from sibyl_server.domain.study import (
    Algorithm,
    Goal,
    MetricSpec,
    OutcomeConstraint,
    ParameterSpec,
    ParentCondition,
    StudySpec,
)
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine import gp_bandit
from sibyl_server.engine.encoding import INACTIVE, SearchSpaceEncoding
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp_bandit import _subset
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_FALLBACK_REASON,
    Observation,
    Parameters,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from tests.server.engine.test_sampling_designers import SPACE

# Small settings: these tests check behaviour, not how good a large search gets.
FAST = EngineOptions(device="cpu", num_restarts=3, raw_samples=128, mc_samples=64)

MIXED = SPACE  # every parameter type
LOSS = (MetricSpec("loss", Goal.MINIMIZE),)
X = (ParameterSpec.double("x", 0.0, 1.0),)


def gp_spec(parameters: Sequence[ParameterSpec], metrics: Sequence[MetricSpec]) -> StudySpec:
    return StudySpec(tuple(parameters), tuple(metrics), Algorithm.GP_BANDIT, seed=7)


def suggest(
    spec: StudySpec,
    completed: Sequence[Observation],
    pending: Sequence[Parameters] = (),
    count: int = 1,
    options: EngineOptions = FAST,
) -> SuggestionResult:
    request = SuggestionRequest(spec, list(completed), list(pending), count, 7, {})
    return Engine(options).suggest(request)


def observe(
    spec: StudySpec, objective: Callable[[dict], dict[str, float]], n: int, seed: int = 0
) -> list[Observation]:
    """n quasi-random trials of `spec`, measured by `objective`."""
    qr = StudySpec(spec.parameters, spec.metrics, Algorithm.QUASI_RANDOM_SEARCH, seed=seed)
    points = Engine(FAST).suggest(SuggestionRequest(qr, [], [], n, seed, {})).suggestions
    return [Observation(p.parameters, objective(dict(p.parameters))) for p in points]


def test_encoding_round_trips_every_parameter_type() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    values = {
        "lr": 0.003,
        "dropout": 0.25,
        "layers": 4,
        "units": 100,
        "batch": 64,
        "opt": "rmsprop",
    }
    row = encoding.encode(values)
    assert all(0.0 <= x <= upper for x, upper in zip(row, encoding.upper_bounds(), strict=True))
    decoded = encoding.decode(row)
    assert decoded["lr"] == pytest.approx(0.003)
    assert {k: v for k, v in decoded.items() if k != "lr"} == {
        k: v for k, v in values.items() if k != "lr"
    }


def test_any_point_of_the_box_decodes_to_valid_values() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    spec = gp_spec(MIXED, LOSS)
    rng = random.Random(0)
    for _ in range(200):
        row = [rng.uniform(-0.1, upper + 0.1) for upper in encoding.upper_bounds()]
        parameters = encoding.decode(row)
        assert check_parameters(spec, parameters, "p") == parameters


def test_discrete_and_integer_columns_may_only_take_valid_encodings() -> None:
    encoding = SearchSpaceEncoding(MIXED)
    discrete = encoding.discrete_dims
    # layers (6 values) and batch; units (505 values) is optimized relaxed, then rounded.
    assert sorted(discrete) == [2, 4]
    assert len(discrete[4]) == 4
    assert encoding.categorical_dims == {5: [0.0, 1.0, 2.0]}


def test_the_initial_design_is_quasi_random() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": p["x"]}, spec.initial_trials() - 1)
    result = suggest(spec, completed)
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"


@pytest.mark.parametrize("goal", [Goal.MINIMIZE, Goal.MAXIMIZE])
def test_suggests_near_the_optimum_for_either_goal(goal: Goal) -> None:
    sign = 1.0 if goal is Goal.MINIMIZE else -1.0
    spec = gp_spec(X, (MetricSpec("loss", goal),))
    completed = observe(spec, lambda p: {"loss": sign * (p["x"] - 0.3) ** 2}, 8)
    result = suggest(spec, completed)
    suggestion = result.suggestions[0]
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert abs(suggestion.parameters["x"] - 0.3) < 0.1
    assert set(result.timings) == {"fit", "acquisition"}


def test_a_batch_is_diverse_and_valid_in_a_mixed_space() -> None:
    spec = gp_spec(MIXED, LOSS)

    def loss(p: dict) -> dict[str, float]:
        penalty = {"sgd": 0.5, "adam": 0.0, "rmsprop": 0.2}[p["opt"]]
        return {"loss": (math.log10(p["lr"]) + 2.5) ** 2 + p["dropout"] + penalty}

    result = suggest(spec, observe(spec, loss, 16), count=3)
    points = [s.parameters for s in result.suggestions]
    assert len(points) == 3
    assert all(s.metadata[METADATA_ALGORITHM] == "GP_BANDIT" for s in result.suggestions)
    assert all(check_parameters(spec, p, "p") == p for p in points)
    assert len({tuple(sorted(p.items())) for p in points}) == 3


def test_the_model_learns_which_category_is_best() -> None:
    spec = gp_spec((*X, ParameterSpec.categorical("opt", ["sgd", "adam", "rmsprop"])), LOSS)
    penalty = {"sgd": 0.5, "adam": 0.0, "rmsprop": 0.3}

    def loss(p: dict) -> dict[str, float]:
        return {"loss": (p["x"] - 0.3) ** 2 + penalty[p["opt"]]}

    completed = observe(spec, loss, 12)
    [suggestion] = suggest(spec, completed).suggestions
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert suggestion.parameters["opt"] == "adam"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.15


def test_pending_trials_push_the_next_point_elsewhere() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    alone = suggest(spec, completed).suggestions[0].parameters
    [beside] = suggest(spec, completed, pending=[alone]).suggestions
    assert beside.metadata[METADATA_ALGORITHM] == "GP_BANDIT", "a model's point, not a fallback"
    # The pending point is believed nearly as good as the best trial: the model expects
    # no improvement on it, though some beside it (the optimum is near): a distinct point.
    assert abs(beside.parameters["x"] - alone["x"]) > 1e-3


def test_pending_trials_where_the_model_expects_poor_values_do_not_draw_the_next_point() -> None:
    # Workers still evaluating early quasi-random points far from the optimum (x = 0.3):
    # believed at a good value, they would make their corner look promising.
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    pending = [{"x": x} for x in (0.97, 0.98, 0.99)]
    [suggestion] = suggest(spec, completed, pending=pending).suggestions
    assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.15


def test_pending_and_batch_points_are_believed_at_their_mean_capped() -> None:
    x = torch.linspace(0, 1, 9, dtype=torch.float64).unsqueeze(-1)
    y = -((x - 0.3) ** 2)  # maximized
    model = gp_bandit._surrogate(x, y, [])
    gp_bandit.fit_model(model, warm_started=False)
    ceiling = float(np.quantile(y.squeeze(-1).tolist(), gp_bandit.BELIEVED_QUANTILE))
    best = float(y.max())  # 0.3 lies between two trials: the model expects better there
    points = torch.tensor([[0.3], [0.95]], dtype=torch.float64)
    mean = model.posterior(points).mean.reshape(-1).tolist()
    assert mean[0] > best > ceiling and mean[1] == pytest.approx(-(0.65**2), abs=0.02)
    as_pending = gp_bandit._believed_values(model, points, best)  # other workers' trials
    assert as_pending.tolist() == pytest.approx([best, mean[1]])
    as_chosen = gp_bandit._believed_values(model, points, ceiling)  # this batch's points
    assert as_chosen.tolist() == pytest.approx([ceiling, mean[1]])


def test_the_initial_design_counts_pending_trials() -> None:
    spec = gp_spec(X, LOSS)  # 2d+2 = 4 initial trials
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 2)
    pending = [{"x": 0.1}, {"x": 0.9}]
    [with_pending] = suggest(spec, completed, pending=pending).suggestions
    assert with_pending.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    [alone] = suggest(spec, completed).suggestions
    assert alone.metadata == {METADATA_ALGORITHM: "QUASI_RANDOM_SEARCH"}
    [one_finished] = suggest(spec, completed[:1], pending=pending * 2).suggestions
    assert one_finished.metadata == {METADATA_ALGORITHM: "QUASI_RANDOM_SEARCH"}


def test_a_batch_holds_distinct_model_points() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    batch = suggest(spec, completed, count=4).suggestions
    assert [s.metadata[METADATA_ALGORITHM] for s in batch] == ["GP_BANDIT"] * 4
    xs = sorted(s.parameters["x"] for s in batch)
    # Close together (they refine one optimum), yet each a point of its own. The GP
    # fits some noise to the rank-warped worse half (engine/warping.py), so they sit
    # closer than with the power transform alone: 1.7e-4 apart at the closest, against
    # 2.9e-3; a batch of copies would be 0 apart.
    assert min(b - a for a, b in itertools.pairwise(xs)) > 1e-4


def test_same_data_same_seed_same_suggestions() -> None:
    spec = gp_spec(MIXED, LOSS)
    completed = observe(spec, lambda p: {"loss": p["dropout"] + math.log(p["lr"]) ** 2}, 14)
    first = suggest(spec, completed, count=2).suggestions
    again = suggest(spec, completed, count=2).suggestions
    assert [s.parameters for s in first] == [s.parameters for s in again]


def test_a_failed_step_falls_back_to_quasi_random_and_says_why() -> None:
    # Only one trial reports the objective: no model can be fitted on it.
    spec = gp_spec(X, (*LOSS, MetricSpec("memory", constraint=OutcomeConstraint(8.0))))
    completed = observe(spec, lambda p: {"memory": 1.0}, 6)
    completed[0] = Observation(completed[0].parameters, {"loss": 1.0, "memory": 1.0})
    suggestion = suggest(spec, completed).suggestions[0]
    assert suggestion.metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
    assert "fewer than 2 finite values of 'loss'" in suggestion.metadata[METADATA_FALLBACK_REASON]


@pytest.mark.parametrize(
    "make_loss",
    [lambda p: 1.0, lambda p: round(p["x"])],
    ids=["all-equal", "two-values"],
)
def test_degenerate_data_never_fails_the_call(make_loss: Callable[[dict], float]) -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": make_loss(p)}, 6)
    completed += completed  # exact duplicates too
    result = suggest(spec, completed, count=2)
    assert len(result.suggestions) == 2
    assert all(0.0 <= s.parameters["x"] <= 1.0 for s in result.suggestions)


def test_infeasible_regions_are_avoided_and_never_repeated() -> None:
    spec = gp_spec(X, LOSS)

    def run(p: dict) -> Observation:
        if p["x"] < 0.5:
            return Observation(p, {}, infeasible=True)
        return Observation(p, {"loss": p["x"]})

    completed = [run(o.parameters) for o in observe(spec, lambda p: {}, 12)]
    failed = [o.parameters for o in completed if o.infeasible]
    # The best feasible value lies on the boundary of the infeasible region (x = 0.5).
    first = suggest(spec, completed).suggestions[0]
    assert first.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert 0.4 < first.parameters["x"] < 0.6
    # Later points of a batch explore, but never repeat a trial that failed.
    batch = suggest(spec, completed, count=4).suggestions
    assert all(s.parameters not in failed for s in batch)


def test_outcome_constraints_steer_to_the_feasible_optimum() -> None:
    # Maximize x subject to memory = x <= 0.4: the optimum is the boundary.
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4))
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE), memory))
    completed = observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 10)
    suggestion = suggest(spec, completed).suggestions[0]
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert 0.25 < suggestion.parameters["x"] < 0.5


def test_suggestions_do_not_creep_past_a_constraint_bound() -> None:
    # Maximize x subject to memory = x <= 0.4, with trials on both sides of the bound.
    # qLogNEI's sigmoid (temperature 1e-3 in memory's units) counted 0.4005 as 40%
    # feasible and suggested it; the GP's probability of feasibility does not.
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4))
    spec = gp_spec(X, (MetricSpec("score", Goal.MAXIMIZE), memory))
    completed = observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 10)
    completed += [
        Observation({"x": x}, {"score": x, "memory": x}) for x in (0.399, 0.3995, 0.4005, 0.401)
    ]
    for count in (1, 3):
        suggestions = suggest(spec, completed, count=count).suggestions
        assert all(s.metadata == {METADATA_ALGORITHM: "GP_BANDIT"} for s in suggestions)
        assert all(0.3 < s.parameters["x"] <= 0.4 for s in suggestions), suggestions


class _NarrowPeak(AcquisitionFunction):
    """A peak of width 0.002 at `centre`: flat, gradient and all, beyond about 0.1 of it."""

    def __init__(self, centre: torch.Tensor) -> None:
        super().__init__(model=None)  # type: ignore[arg-type]
        self.centre = centre

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        squared = ((X - self.centre) ** 2).sum(dim=-1).squeeze(-1)
        return torch.exp(-squared / (2 * 0.002**2))


@pytest.mark.filterwarnings("ignore::botorch.exceptions.warnings.BadInitialCandidatesWarning")
@pytest.mark.parametrize(
    "first", [ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.integer("n", 0, 4)]
)
def test_the_optimizer_climbs_a_peak_next_to_its_given_start(first: ParameterSpec) -> None:
    # The step passes the incumbent as one start: late in a study the improvement is a
    # narrow peak beside it, which raw samples in six dimensions practically never hit.
    # With an integer, the mixed optimizer takes no starts; one extra run from it does.
    rest = [ParameterSpec.double(f"x{i}", 0.0, 1.0) for i in range(5)]
    encoding = SearchSpaceEncoding([first, *rest])
    centre = torch.tensor([0.5] + [0.3] * 5, dtype=torch.float64)
    designer = gp_bandit.GpBanditDesigner(FAST)
    tensors = gp_bandit._Tensors(torch.device("cpu"))
    optimize = functools.partial(designer._optimize, _NarrowPeak(centre), encoding, tensors, 1, 20)
    torch.manual_seed(0)
    from_start = optimize(centre + torch.tensor([0.0] + [0.004] * 5, dtype=torch.float64))
    without_start = optimize(None)
    assert torch.dist(from_start[0], centre) < 1e-3
    assert torch.dist(without_start[0], centre) > 0.05


def test_the_best_feasible_value_meets_every_bound() -> None:
    metrics = (
        MetricSpec("score", Goal.MAXIMIZE),
        MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4)),
        MetricSpec("recall", constraint=OutcomeConstraint(lower_bound=0.5)),
    )
    spec = gp_spec(X, metrics)
    completed = [
        Observation({"x": 0.9}, {"score": 9.0, "memory": 0.9, "recall": 0.9}),  # too big
        Observation({"x": 0.2}, {"score": 8.0, "memory": 0.2, "recall": 0.1}),  # recalls too little
        Observation({"x": 0.3}, {"score": 7.0, "memory": 0.3}),  # recall not reported
        Observation({"x": 0.35}, {"score": 3.0, "memory": 0.35, "recall": 0.6}),
        Observation({"x": 0.1}, {"score": 2.0, "memory": 0.1, "recall": 0.5}),
        Observation({"x": 0.5}, {}, infeasible=True),
    ]
    data = gp_bandit.training_set(spec, SearchSpaceEncoding(X), completed)
    # The objective is warped, which keeps its order: the best feasible is x = 0.35.
    assert data.best_feasible() == data.outcomes[0].values[3]
    assert data.best_feasible() < max(data.outcomes[0].values)
    assert (
        gp_bandit.training_set(spec, SearchSpaceEncoding(X), completed[:3]).best_feasible() is None
    )


@pytest.mark.parametrize("reference", [None, -2.0])
def test_several_objectives_use_the_hypervolume_acquisition(reference: float | None) -> None:
    parameters = (ParameterSpec.double("a", 0.0, 1.0), ParameterSpec.double("b", 0.0, 1.0))
    metrics = (
        MetricSpec("accuracy", Goal.MAXIMIZE, reference_value=reference),
        MetricSpec("latency", Goal.MINIMIZE, reference_value=None if reference is None else 3.0),
    )
    spec = gp_spec(parameters, metrics)

    def measure(p: dict) -> dict[str, float]:
        return {"accuracy": p["a"] - 0.2 * p["b"], "latency": p["a"] ** 2 + p["b"]}

    result = suggest(spec, observe(spec, measure, 10), count=2)
    assert [s.metadata for s in result.suggestions] == [{METADATA_ALGORITHM: "GP_BANDIT"}] * 2
    # Any b > 0 is dominated (it lowers accuracy and raises latency): the front is b = 0.
    assert all(s.parameters["b"] < 0.2 for s in result.suggestions)


def conditional_space() -> tuple[ParameterSpec, ...]:
    def child(
        name: str, low: float, high: float, parent: str, categories: Sequence[str]
    ) -> ParameterSpec:
        spec = ParameterSpec.double(name, low, high)
        condition = ParentCondition(parent, categories=tuple(categories))
        return ParameterSpec(**{**spec.__dict__, "condition": condition})

    return (
        ParameterSpec.categorical("optimizer", ["sgd", "adam"]),
        child("momentum", 0.0, 0.99, "optimizer", ["sgd"]),
        child("beta1", 0.5, 0.999, "optimizer", ["adam"]),
    )


def test_conditional_spaces_encode_inactive_parameters_at_a_fixed_value() -> None:
    encoding = SearchSpaceEncoding(conditional_space())
    assert encoding.encode({"optimizer": "sgd", "momentum": 0.99}) == [0.0, 1.0, INACTIVE]
    assert encoding.decode([1.0, 0.7, 0.5]) == {"optimizer": "adam", "beta1": 0.7495}


def test_active_mask_follows_the_parents_columns() -> None:
    encoding = SearchSpaceEncoding(conditional_space())
    rows = [[0.0, 0.3, 0.8], [1.0, 0.3, 0.8]]
    assert encoding.active_mask(rows) == [[True, True, False], [True, False, True]]


def test_a_branch_already_measured_is_not_reexplored_through_its_inactive_columns() -> None:
    # adam is measured everywhere it exists (beta1 across its range) and is worse than
    # sgd's best. The model has seen adam trials only at momentum = INACTIVE, so an
    # optimizer free to move that column finds high uncertainty at "adam, momentum
    # 0.9", a point that would be recorded as yet another adam trial.
    spec = gp_spec(conditional_space(), LOSS)

    def loss(p: dict) -> dict[str, float]:
        if p["optimizer"] == "sgd":
            return {"loss": 4.0 * (p["momentum"] - 0.6) ** 2}
        return {"loss": 1.0}

    completed = observe(spec, loss, 16)
    result = suggest(spec, completed, count=2)
    assert [s.metadata[METADATA_ALGORITHM] for s in result.suggestions] == ["GP_BANDIT"] * 2
    assert [s.parameters["optimizer"] for s in result.suggestions] == ["sgd"] * 2


def test_conditional_suggestions_hold_only_active_parameters() -> None:
    spec = gp_spec(conditional_space(), LOSS)

    def loss(p: dict) -> dict[str, float]:
        if p["optimizer"] == "sgd":
            return {"loss": 1.0 - p["momentum"]}
        return {"loss": 0.5 + abs(p["beta1"] - 0.9)}

    result = suggest(spec, observe(spec, loss, 10), count=3)
    for suggestion in result.suggestions:
        assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
        parameters = suggestion.parameters
        assert check_parameters(spec, parameters, "p") == parameters
        expected = {"sgd": "momentum", "adam": "beta1"}[parameters["optimizer"]]
        assert set(parameters) == {"optimizer", expected}


def test_fitted_hyperparameters_are_saved_and_warm_start_the_next_fit() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    first = suggest(spec, completed)
    saved = first.state["gp"]["hyperparameters"]["loss"]
    assert saved and not any("transform" in name for name in saved)
    request = SuggestionRequest(spec, completed, [], 1, 7, first.state)
    again = Engine(FAST).suggest(request)
    assert again.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(again.suggestions[0].parameters["x"] - 0.3) < 0.1


def test_large_studies_fit_a_subset_with_the_best_and_newest_trials() -> None:
    spec = gp_spec(X, LOSS)
    completed = [Observation({"x": i / 1000}, {"loss": abs(i - 700) / 1000}) for i in range(1000)]
    subset = _subset(completed, spec, 200)
    assert len(subset) == 200
    assert completed[700] in subset and completed[-1] in subset
    assert _subset(completed[:150], spec, 200) == completed[:150]


def test_one_more_trial_changes_the_subset_by_a_few_trials() -> None:
    """So that the next step's fit, warm-started from this one's, has little to move."""
    spec = gp_spec(X, LOSS)
    rng = np.random.default_rng(0)
    completed = [Observation({"x": float(x)}, {"loss": float(x)}) for x in rng.uniform(size=1001)]
    before = {id(o) for o in _subset(completed[:-1], spec, 400)}
    after = {id(o) for o in _subset(completed, spec, 400)}
    assert len(after) == 400
    assert len(before ^ after) <= 6


def test_a_large_study_is_suggested_from_the_subset() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 60)
    options = EngineOptions(
        device="cpu", max_exact_observations=30, num_restarts=2, raw_samples=64, mc_samples=32
    )
    suggestion = suggest(spec, completed, options=options).suggestions[0]
    assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.1


@pytest.mark.parametrize(("threaded_observations", "expected"), [(1000, 1), (10, 2)])
def test_a_step_uses_one_cpu_thread_unless_its_training_set_is_large(
    monkeypatch: pytest.MonkeyPatch, threaded_observations: int, expected: int
) -> None:
    """Small steps run single-threaded (EngineOptions.threads_for); the process's
    thread count is restored after the step."""
    fit = gp_bandit.fit_model
    seen: list[int] = []

    def recording_fit(model: Model, warm_started: bool = False) -> None:
        seen.append(torch.get_num_threads())
        fit(model, warm_started)

    monkeypatch.setattr(gp_bandit, "fit_model", recording_fit)
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 12)
    original = torch.get_num_threads()
    try:
        options = replace(FAST, torch_threads=2, threaded_observations=threaded_observations)
        engine = Engine(options)
        result = engine.suggest(SuggestionRequest(spec, completed, [], 1, 7, {}))
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(original)
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert seen == [expected]


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_and_cpu_agree() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    cpu = suggest(spec, completed).suggestions[0].parameters["x"]
    cuda_options = EngineOptions(device="cuda", num_restarts=3, raw_samples=128, mc_samples=64)
    cuda = suggest(spec, completed, options=cuda_options).suggestions[0].parameters["x"]
    assert cuda == pytest.approx(cpu, abs=0.02)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_batches_beside_pending_trials_are_model_points() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    cuda_options = EngineOptions(device="cuda", num_restarts=3, raw_samples=128, mc_samples=64)
    batch = suggest(spec, completed, pending=[{"x": 0.3}], count=2, options=cuda_options)
    assert [s.metadata[METADATA_ALGORITHM] for s in batch.suggestions] == ["GP_BANDIT"] * 2
