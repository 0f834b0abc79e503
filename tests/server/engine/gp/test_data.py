"""The training set: outcomes maximized and warped, the best feasible trial, the subset
that large studies fit."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint, ParameterSpec
from sibyl_server.engine.gp.data import (
    Region,
    exact_subset,
    local_subset,
    sample_rank,
    step_data,
    training_set,
)
from sibyl_server.engine.gp.designer import REPEATED_CANDIDATE
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.optimize import AcquisitionOptimizer
from sibyl_server.engine.gp.warping import warp_objective
from sibyl_server.engine.interface import Observation, SuggestionRequest
from tests.server.engine.gp.studies import (
    FAST,
    LOSS,
    X,
    conditional_space,
    gp_spec,
    observe,
    suggest,
)
from tests.server.engine.gp.test_warping import SKEWED


def observations(points: list[float], metrics: dict[str, list[float]]) -> list[Observation]:
    return [
        Observation({"x": x}, {name: values[i] for name, values in metrics.items()})
        for i, x in enumerate(points)
    ]


def test_a_single_objective_is_warped_and_larger_is_better() -> None:
    spec = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE),))
    points = [i / len(SKEWED) for i in range(len(SKEWED))]
    data = training_set(spec, SearchSpaceEncoding(X), observations(points, {"loss": SKEWED}))
    expected = warp_objective([-v for v in SKEWED])
    assert data.outcomes[0].values == pytest.approx(expected)
    assert data.outcomes[0].values != pytest.approx([-v for v in SKEWED])


def test_with_an_infeasible_trial_the_objective_is_not_rank_warped() -> None:
    spec = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE),))
    points = [i / len(SKEWED) for i in range(len(SKEWED))]
    completed = [
        *observations(points, {"loss": SKEWED}),
        Observation({"x": 1.0}, {}, infeasible=True),
    ]
    data = training_set(spec, SearchSpaceEncoding(X), completed)
    power_only = warp_objective([-v for v in SKEWED], rank_worse_half=False)
    assert data.outcomes[0].values == pytest.approx(power_only)


def test_constraint_metrics_and_several_objectives_keep_their_units() -> None:
    bounded = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.5))
    constrained = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE), bounded))
    points = [i / len(SKEWED) for i in range(len(SKEWED))]
    data = training_set(
        constrained,
        SearchSpaceEncoding(X),
        observations(points, {"loss": SKEWED, "memory": SKEWED}),
    )
    assert data.outcomes[1].values == SKEWED
    # The incumbent is the best feasible trial: the objective's ranks are not the
    # ones that matter, so only the power transform applies.
    power_only = warp_objective([-v for v in SKEWED], rank_worse_half=False)
    assert data.outcomes[0].values == pytest.approx(power_only)
    assert power_only != pytest.approx(warp_objective([-v for v in SKEWED]))

    two = gp_spec(X, (MetricSpec("a", Goal.MAXIMIZE), MetricSpec("b", Goal.MAXIMIZE)))
    data = training_set(
        two, SearchSpaceEncoding(X), observations(points, {"a": SKEWED, "b": SKEWED})
    )
    assert [o.values for o in data.outcomes] == [SKEWED, SKEWED]


def test_outcomes_of_extreme_magnitude_are_modelled_in_powers_of_two_with_their_bounds() -> None:
    # A constraint on bytes (values of 1e10, a bound of 8e9) gave NaN gradients; two
    # objectives past 1e10, NaN hypervolumes: the steps fell back to quasi-random points.
    bytes_bound = MetricSpec("peak", constraint=OutcomeConstraint(upper_bound=8e9))
    spec = gp_spec(X, (MetricSpec("loss", Goal.MINIMIZE), bytes_bound))
    points = [0.1, 0.3, 0.5, 0.7, 0.9]
    peaks = [1e10 * (1 + x) for x in points]
    data = training_set(
        spec, SearchSpaceEncoding(X), observations(points, {"loss": points, "peak": peaks})
    )
    assert data.scales == (1.0, 2.0**35)  # 1.9e10 / 2^35 = 0.55
    assert data.outcomes[1].values == [v / 2.0**35 for v in peaks]
    assert [b.value for b in data.constraints] == [8e9 / 2.0**35]
    assert data.best_feasible_row is None  # no trial meets the bound, in any units
    tiny = training_set(
        gp_spec(X, (MetricSpec("a", Goal.MAXIMIZE), MetricSpec("b", Goal.MAXIMIZE))),
        SearchSpaceEncoding(X),
        observations(points, {"a": [1e-9 * x for x in points], "b": points}),
    )
    assert tiny.scales == (2.0**-30, 1.0)  # 9e-10 / 2^-30 = 0.97; b is left as it is


@pytest.mark.parametrize("unit", [1.0, 1e9, 1e200])
def test_a_constraint_in_bytes_gets_a_model_step(unit: float) -> None:
    spec = gp_spec(
        (ParameterSpec.double("x", 0, 1), ParameterSpec.double("y", 0, 1)),
        (
            MetricSpec("loss", Goal.MINIMIZE),
            MetricSpec("peak", constraint=OutcomeConstraint(upper_bound=8 * unit)),
        ),
    )
    completed = [
        Observation({"x": x, "y": 1 - x}, {"loss": x, "peak": unit * (10 + 10 * x)})
        for x in (0.1, 0.3, 0.5, 0.7, 0.9)
    ]
    result = suggest(dataclasses.replace(spec, num_initial_trials=2), completed, count=3)
    metadata = [s.metadata for s in result.suggestions]
    assert metadata[0]["sibyl.algorithm"] == "GP_BANDIT", metadata
    # The step succeeded (at 1e9 it failed with NaN gradients, the batch quasi-random).
    reasons = {m.get("sibyl.fallback_reason") for m in metadata}
    assert reasons <= {None, REPEATED_CANDIDATE}, metadata


@pytest.mark.parametrize("scale", [1.0, 1e10, 1e200])
def test_two_objectives_of_any_magnitude_get_a_model_step(scale: float) -> None:
    spec = gp_spec(X, (MetricSpec("cost", Goal.MINIMIZE), MetricSpec("speed", Goal.MAXIMIZE)))
    completed = [
        Observation({"x": x}, {"cost": scale * (1 + x), "speed": scale * (2 - (x - 0.5) ** 2)})
        for x in (0.1, 0.3, 0.5, 0.7, 0.9)
    ]
    completed.append(Observation({"x": 0.2}, {}, infeasible=True))
    [suggestion] = suggest(dataclasses.replace(spec, num_initial_trials=2), completed).suggestions
    assert suggestion.metadata["sibyl.algorithm"] == "GP_BANDIT", suggestion.metadata


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
    data = training_set(spec, SearchSpaceEncoding(X), completed)
    # The objective is warped, which keeps its order: the best feasible is x = 0.35.
    assert data.best_feasible() == data.outcomes[0].values[3]
    assert data.best_feasible() < max(data.outcomes[0].values)
    assert training_set(spec, SearchSpaceEncoding(X), completed[:3]).best_feasible() is None


def test_large_studies_fit_a_subset_with_the_best_and_newest_trials() -> None:
    spec = gp_spec(X, LOSS)
    completed = [Observation({"x": i / 1000}, {"loss": abs(i - 700) / 1000}) for i in range(1000)]
    subset = exact_subset(completed, spec, 200)
    assert len(subset) == 200
    assert completed[700] in subset and completed[-1] in subset
    assert exact_subset(completed[:150], spec, 200) == completed[:150]


def test_one_more_trial_changes_the_subset_by_a_few_trials() -> None:
    """So that the next step's fit, warm-started from this one's, has little to move."""
    spec = gp_spec(X, LOSS)
    rng = np.random.default_rng(0)
    completed = [Observation({"x": float(x)}, {"loss": float(x)}) for x in rng.uniform(size=1001)]
    before = {id(o) for o in exact_subset(completed[:-1], spec, 400)}
    after = {id(o) for o in exact_subset(completed, spec, 400)}
    assert len(after) == 400
    assert len(before ^ after) <= 6


XY = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.double("y", -10.0, 10.0))


def _bowl(n: int, seed: int = 0) -> list[Observation]:
    """`n` uniform trials of a bowl whose best point is (0.3, 2.0)."""
    rng = np.random.default_rng(seed)
    return [
        Observation({"x": float(x), "y": float(y)}, {"loss": (x - 0.3) ** 2 + ((y - 2) / 20) ** 2})
        for x, y in zip(rng.uniform(size=n), rng.uniform(-10, 10, size=n), strict=True)
    ]


def test_a_local_subset_is_the_trials_nearest_the_best_and_their_box() -> None:
    spec, completed = gp_spec(XY, LOSS), _bowl(1000)
    encoding = SearchSpaceEncoding(XY)
    chosen = local_subset(completed, spec, encoding, 100)
    assert chosen is not None
    subset, region = chosen
    best = min(completed, key=lambda o: o.metrics["loss"])
    assert len(subset) == 100 and best in subset
    rows = [encoding.encode(o.parameters) for o in completed]

    def distance(row: list[float]) -> float:
        return float(np.linalg.norm(np.subtract(row, encoding.encode(best.parameters))))

    farthest_in = max(distance(encoding.encode(o.parameters)) for o in subset)
    outside = [r for r, o in zip(rows, completed, strict=True) if o not in subset]
    assert min(distance(r) for r in outside) >= farthest_in  # the nearest, by scaled columns
    assert all(_inside(encoding.encode(o.parameters), region) for o in subset)
    assert all(hi - lo < 0.5 for lo, hi in zip(region.lower, region.upper, strict=True))


def test_a_local_subset_is_only_for_one_objective_in_a_flat_space() -> None:
    spec, completed = gp_spec(XY, LOSS), _bowl(300)
    encoding = SearchSpaceEncoding(XY)
    assert local_subset(completed, spec, encoding, 300) is None  # small enough for all
    assert local_subset(completed, spec, encoding, 299) is not None
    two = gp_spec(XY, (*LOSS, MetricSpec("cost", Goal.MINIMIZE)))
    costly = [Observation(o.parameters, {**o.metrics, "cost": 1.0}) for o in completed]
    assert local_subset(costly, two, encoding, 100) is None
    space = conditional_space()
    conditional = gp_spec(space, LOSS)
    measured = observe(conditional, lambda p: {"loss": 1.0}, 40)
    assert local_subset(measured, conditional, SearchSpaceEncoding(space), 20) is None


def test_a_local_subset_centres_on_the_best_trial_that_meets_the_constraints() -> None:
    bounded = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.5))
    spec = gp_spec(XY, (*LOSS, bounded))
    encoding = SearchSpaceEncoding(XY)
    # Memory grows with x: the bowl's best points (x near 0.3) break the bound.
    completed = [
        Observation(o.parameters, {**o.metrics, "memory": 0.8 - o.parameters["x"]})
        for o in _bowl(500)
    ]
    chosen = local_subset(completed, spec, encoding, 50)
    assert chosen is not None
    feasible = [o for o in completed if o.metrics["memory"] <= 0.5]
    best = min(feasible, key=lambda o: o.metrics["loss"])
    assert best in chosen[0] and best.parameters["x"] >= 0.3
    over = [Observation(o.parameters, {**o.metrics, "memory": 0.9}) for o in completed]
    assert local_subset(over, spec, encoding, 50) is None  # nothing feasible to centre on


def test_categories_are_equally_far_whatever_their_index() -> None:
    space = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.categorical("c", ["a", "b", "z"]))
    spec, encoding = gp_spec(space, LOSS), SearchSpaceEncoding(space)
    best = Observation({"x": 0.5, "c": "a"}, {"loss": 0.0})
    near_b = [Observation({"x": 0.5, "c": "b"}, {"loss": 1.0})]
    near_z = [Observation({"x": 0.5, "c": "z"}, {"loss": 1.0})]
    far = [Observation({"x": 0.0, "c": "a"}, {"loss": 1.0})] * 2  # 0.5 away, same category
    # One of "b" and "z" in the subset with the best and the two far trials: whichever
    # comes first, as both are 1 away; "z" (index 2) is not farther than "b" (index 1).
    for first, second in ((near_z, near_b), (near_b, near_z)):
        chosen = local_subset([best, *far, *first, *second], spec, encoding, 4)
        assert chosen is not None and first[0] in chosen[0] and second[0] not in chosen[0]


def test_a_local_step_searches_the_trust_region(monkeypatch: pytest.MonkeyPatch) -> None:
    spec, completed = gp_spec(XY, LOSS), _bowl(600, seed=1)
    options = dataclasses.replace(FAST, max_exact_observations=60, large_study_model="local")
    request = SuggestionRequest(spec, completed, [], 1, 7, {})
    region = step_data(request, 60, torch.device("cpu"), local=True).region
    assert region is not None
    searched: list[Region | None] = []
    maximize = AcquisitionOptimizer.maximize

    def recorded(self: AcquisitionOptimizer, *args: object, **kwargs: object) -> torch.Tensor:
        searched.append(self.region)
        return maximize(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(AcquisitionOptimizer, "maximize", recorded)
    [suggestion] = suggest(spec, completed, options=options).suggestions
    assert searched == [region]
    assert suggestion.metadata.get("sibyl.fallback_reason") is None
    point = SearchSpaceEncoding(XY).encode(suggestion.parameters)
    assert all(
        lo - 1e-9 <= v <= hi + 1e-9
        for v, lo, hi in zip(point, region.lower, region.upper, strict=True)
    )
    with pytest.raises(ValueError, match="large_study_model"):
        dataclasses.replace(FAST, large_study_model="Local")  # type: ignore[arg-type]


def _inside(point: list[float], region: Region) -> bool:
    return all(lo <= v <= hi for v, lo, hi in zip(point, region.lower, region.upper, strict=True))


def test_the_sample_rank_is_a_fixed_permutation_of_trial_numbers() -> None:
    ranks = [sample_rank(i) for i in range(1000)]
    assert len(set(ranks)) == 1000
    assert ranks == [sample_rank(i) for i in range(1000)]


def test_a_step_encodes_the_subset_and_the_pending_trials() -> None:
    spec = gp_spec(X, LOSS)
    completed = [Observation({"x": i / 100}, {"loss": abs(i - 70) / 100}) for i in range(100)]
    request = SuggestionRequest(spec, completed, [{"x": 0.25}, {"x": 0.5}], 1, 7, {})
    data = step_data(request, 40, torch.device("cpu"))
    assert data.x.shape == (40, 1) and data.x.dtype == torch.float64
    assert data.x[:, 0].tolist() == [o.parameters["x"] for o in exact_subset(completed, spec, 40)]
    assert data.x_pending is not None and data.x_pending[:, 0].tolist() == [0.25, 0.5]
    alone = step_data(SuggestionRequest(spec, completed, [], 1, 7, {}), 40, torch.device("cpu"))
    assert alone.x_pending is None


def test_a_constrained_studys_subset_keeps_its_best_feasible_trials() -> None:
    # Accuracy rises with x, but x above 0.6 breaks the latency bound: ranked by
    # accuracy alone, the best half would hold no feasible trial.
    spec = gp_spec(
        X,
        (
            MetricSpec("acc", Goal.MAXIMIZE),
            MetricSpec("latency", constraint=OutcomeConstraint(upper_bound=0.6)),
        ),
    )
    rng = np.random.default_rng(1)
    completed = [
        Observation({"x": float(x)}, {"acc": float(x), "latency": float(x)})
        for x in rng.uniform(size=1000)
    ]
    subset = exact_subset(completed, spec, 400)
    feasible = [o for o in completed if o.metrics["latency"] <= 0.6]
    best_feasible = max(feasible, key=lambda o: o.metrics["acc"])
    assert best_feasible in subset
    top = sorted(feasible, key=lambda o: -o.metrics["acc"])[:200]
    assert all(o in subset for o in top)


def test_a_multi_objective_subset_keeps_the_whole_front() -> None:
    spec = gp_spec(X, (MetricSpec("a", Goal.MAXIMIZE), MetricSpec("b", Goal.MAXIMIZE)))
    rng = np.random.default_rng(2)
    points = rng.uniform(size=(1000, 2))
    completed = [Observation({"x": float(a)}, {"a": float(a), "b": float(b)}) for a, b in points]
    front = [
        o
        for o in completed
        if not any(
            p.metrics["a"] >= o.metrics["a"]
            and p.metrics["b"] >= o.metrics["b"]
            and p.metrics != o.metrics
            for p in completed
        )
    ]
    subset = exact_subset(completed, spec, 400)
    assert front and all(o in subset for o in front)
    # The front's worst trial on "a" is far down a ranking by "a" alone.
    by_a = sorted(completed, key=lambda o: -o.metrics["a"])
    assert by_a.index(min(front, key=lambda o: o.metrics["a"])) > 200
