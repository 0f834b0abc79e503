"""GP_BANDIT's step without a server: initial design, model-based points, fallbacks."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import pytest
import torch

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint, ParameterSpec
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.designer import _decode
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.state import GpBanditState
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_FALLBACK_REASON,
    Observation,
    SuggestionRequest,
)
from sibyl_server.engine.options import EngineOptions
from tests.server.engine.gp.studies import (
    FAST,
    LOSS,
    MIXED,
    X,
    conditional_space,
    gp_spec,
    observe,
    suggest,
)


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


def test_a_one_trial_design_waits_for_a_second_value_instead_of_falling_back() -> None:
    spec = dataclasses.replace(gp_spec(X, LOSS), num_initial_trials=1)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 1)
    [second] = suggest(spec, completed).suggestions
    assert second.metadata == {METADATA_ALGORITHM: "QUASI_RANDOM_SEARCH"}  # no fallback
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 2)
    [third] = suggest(spec, completed).suggestions
    assert third.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}


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


def test_conditional_suggestions_hold_only_active_parameters() -> None:
    spec = gp_spec(conditional_space(), LOSS)

    def loss(p: dict) -> dict[str, float]:
        if p["optimizer"] == "sgd":
            return {"loss": 1.0 - p["momentum"]}
        return {"loss": 0.5 + abs(p["beta1"] - 0.9)}

    result = suggest(spec, observe(spec, loss, 10), count=3)
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    for suggestion in result.suggestions:
        # A later point of the batch may repeat a trial and be replaced by a Sobol point
        # (with its reason); either way it must hold exactly the active parameters.
        if suggestion.metadata[METADATA_ALGORITHM] != "GP_BANDIT":
            assert suggestion.metadata["sibyl.fallback_reason"]
        parameters = suggestion.parameters
        assert check_parameters(spec, parameters, "p") == parameters
        expected = {"sgd": "momentum", "adam": "beta1"}[parameters["optimizer"]]
        assert set(parameters) == {"optimizer", expected}


def test_a_large_study_is_suggested_from_the_subset() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 60)
    options = EngineOptions(
        device="cpu", max_exact_observations=30, num_restarts=2, raw_samples=64, mc_samples=32
    )
    suggestion = suggest(spec, completed, options=options).suggestions[0]
    assert suggestion.metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.1


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


def test_sobol_points_replacing_repeated_candidates_repeat_no_trial() -> None:
    # Nine configurations, six of them pending: both GP candidates repeat one, and
    # their replacements must be two of the other three.
    space = (
        ParameterSpec.categorical("c", ["a", "b", "c"]),
        ParameterSpec.integer("n", 1, 3),
    )
    spec = gp_spec(space, LOSS)
    encoding = SearchSpaceEncoding(space)
    pending = [{"c": c, "n": n} for c in ("a", "b") for n in (1, 2, 3)]
    request = SuggestionRequest(spec, [], pending, 2, seed=5, state={})
    candidates = torch.tensor([encoding.encode(pending[0]), encoding.encode(pending[4])])

    suggestions, state = _decode(request, encoding, candidates, GpBanditState(), {}, {})

    points = [s.parameters for s in suggestions]
    assert len(points) == 2
    assert all(p["c"] == "c" for p in points), points
    assert points[0] != points[1]
    assert all(s.metadata[METADATA_FALLBACK_REASON] for s in suggestions)
    assert state.sobol_position().position >= 2


def test_a_space_with_no_configuration_left_still_fills_every_slot() -> None:
    space = (ParameterSpec.categorical("c", ["a", "b"]),)
    spec = gp_spec(space, LOSS)
    encoding = SearchSpaceEncoding(space)
    pending = [{"c": "a"}, {"c": "b"}]
    request = SuggestionRequest(spec, [], pending, 2, seed=5, state={})
    candidates = torch.tensor([encoding.encode({"c": "a"})] * 2)

    suggestions, state = _decode(request, encoding, candidates, GpBanditState(), {}, {})

    assert len(suggestions) == 2
    assert state.sobol_position().position == 2


def test_a_finished_trial_is_not_suggested_again_while_other_points_are_left() -> None:
    """A deterministic objective's fitted noise is near zero, and the improvement expected
    at its incumbent outscores every other point: the step proposed x = 3 again and again
    (17 of 25 trials), never trying x = 8."""
    spec = gp_spec((ParameterSpec.integer("x", 0, 9),), LOSS)
    completed: list[Observation] = []
    state: dict = {}
    engine = Engine(FAST)
    for _ in range(14):
        request = SuggestionRequest(spec, completed, [], 1, 7, state)
        result = engine.suggest(request)
        state = result.state
        [point] = [s.parameters for s in result.suggestions]
        completed.append(Observation(point, {"loss": float((point["x"] - 3) ** 2)}))
    tried = [o.parameters["x"] for o in completed]
    assert sorted(set(tried[:10])) == list(range(10)), tried  # each value, then repeats


TWELVE = (  # 12 configurations
    ParameterSpec.categorical("opt", ["sgd", "adam", "rmsprop"]),
    ParameterSpec.integer("layers", 1, 4),
)


@pytest.mark.parametrize("seed", range(1, 6))
def test_the_initial_design_repeats_no_configuration_of_a_small_space(seed: int) -> None:
    # Two Sobol draws can be one configuration: seed 4 gave 5 distinct of 6.
    spec = dataclasses.replace(gp_spec(TWELVE, LOSS), seed=seed)
    result = Engine(FAST).suggest(SuggestionRequest(spec, [], [], 6, seed, {}))
    configurations = {tuple(s.parameters.values()) for s in result.suggestions}
    assert len(configurations) == 6
    assert all(METADATA_FALLBACK_REASON not in s.metadata for s in result.suggestions)


def test_a_study_whose_every_trial_fails_tries_every_configuration_once() -> None:
    # Every trial infeasible keeps the study in its Sobol design, which repeated failed
    # configurations while others were never tried.
    spec = gp_spec(TWELVE, LOSS)
    engine, completed, state = Engine(FAST), [], {}
    for _ in range(12):
        result = engine.suggest(SuggestionRequest(spec, completed, [], 1, 7, state))
        state = result.state
        completed.append(Observation(result.suggestions[0].parameters, {}, infeasible=True))
    assert len({tuple(o.parameters.values()) for o in completed}) == 12
