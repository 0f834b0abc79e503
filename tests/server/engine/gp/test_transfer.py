"""Transfer from prior studies: the ensemble's weights, its posterior, its step."""

from __future__ import annotations

import json
import math
import random
from collections.abc import Sequence

import pytest
import torch

from sibyl_server.domain.study import (
    Goal,
    MetricSpec,
    ParameterSpec,
    PriorStudy,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.model import surrogate
from sibyl_server.engine.gp.transfer import Member, WeightedEnsemble, weights_from_losses
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_PRIOR_WEIGHTS,
    Observation,
    PriorObservations,
    SuggestionRequest,
    SuggestionResult,
)
from tests.server.engine.gp.studies import FAST, LOSS, gp_spec, observe

XY = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.double("y", 0.0, 1.0))


def bowl(values: dict) -> float:
    return (values["x"] - 0.3) ** 2 + (values["y"] - 0.7) ** 2


def with_priors(spec: StudySpec, *names: str) -> StudySpec:
    priors = tuple(PriorStudy(f"teams/t/studies/{name}") for name in names)
    return StudySpec(spec.parameters, spec.metrics, spec.algorithm, seed=7, prior_studies=priors)


def prior(
    name: str, parameters: Sequence[ParameterSpec], trials: list[Observation], goal: Goal
) -> PriorObservations:
    return PriorObservations(
        f"teams/t/studies/{name}", tuple(parameters), MetricSpec("loss", goal), trials
    )


def related(n: int = 30, seed: int = 1) -> PriorObservations:
    """The study's function, scaled and shifted in value: it orders points the same."""
    trials = observe(gp_spec(XY, LOSS), lambda p: {"loss": 3 * bowl(p) + 5}, n, seed)
    return prior("related", XY, trials, Goal.MINIMIZE)


def unrelated(n: int = 30, seed: int = 2) -> PriorObservations:
    """Values that have nothing to do with the points (seeded noise)."""
    noise = random.Random(seed)
    trials = observe(gp_spec(XY, LOSS), lambda p: {"loss": noise.random()}, n, seed)
    return prior("unrelated", XY, trials, Goal.MINIMIZE)


def step(
    spec: StudySpec, completed: list[Observation], *priors: PriorObservations
) -> SuggestionResult:
    request = SuggestionRequest(spec, completed, [], 1, 7, {}, priors)
    return Engine(FAST).suggest(request)


def weights(result: SuggestionResult) -> dict[str, float]:
    return json.loads(result.suggestions[0].metadata[METADATA_PRIOR_WEIGHTS])


def test_a_related_prior_gets_weight_and_an_unrelated_one_almost_none() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "related", "unrelated")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 12, seed=3)
    found = weights(step(spec, completed, related(), unrelated()))
    assert found["teams/t/studies/related"] > 0.4
    assert found["teams/t/studies/unrelated"] < 0.05


def test_a_prior_that_orders_points_the_opposite_way_gets_no_weight() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "reversed")
    trials = observe(gp_spec(XY, LOSS), lambda p: {"loss": bowl(p)}, 30, seed=1)
    reversed_prior = prior("reversed", XY, trials, Goal.MAXIMIZE)  # its best is our worst
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 12, seed=3)
    assert weights(step(spec, completed, reversed_prior)) == {"teams/t/studies/reversed": 0.0}


def test_with_two_trials_every_model_weighs_the_same_and_the_step_is_model_based() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "related", "unrelated")
    assert spec.initial_trials() == 2
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 2, seed=3)
    result = step(spec, completed, related(), unrelated())
    assert result.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert list(weights(result).values()) == pytest.approx([1 / 3, 1 / 3], abs=1e-4)


def test_a_related_prior_leads_the_first_model_based_step_to_its_optimum() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "related")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 3, seed=3)
    suggested = step(spec, completed, related(n=40)).suggestions[0].parameters
    assert math.dist((suggested["x"], suggested["y"]), (0.3, 0.7)) < 0.15


def test_parameters_the_study_lacks_are_dropped_and_missing_ones_ignored() -> None:
    extra = (ParameterSpec.double("x", 0.0, 1.0), ParameterSpec.categorical("z", ["a", "b"]))
    only_x = observe(gp_spec(extra, LOSS), lambda p: {"loss": (p["x"] - 0.3) ** 2}, 20, seed=1)
    spec = with_priors(gp_spec(XY, LOSS), "partial")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 6, seed=3)
    result = step(spec, completed, prior("partial", extra, only_x, Goal.MINIMIZE))
    assert set(result.suggestions[0].parameters) == {"x", "y"}
    assert "teams/t/studies/partial" in weights(result)
    fitted = result.state["gp"]["hyperparameters"]["sibyl.prior:teams/t/studies/partial"]
    assert len(fitted["covar_module.raw_lengthscale"][0]) == 1  # the prior's GP sees x alone


def test_prior_trials_outside_the_study_space_are_left_out() -> None:
    wide = (ParameterSpec.double("x", 0.0, 10.0), ParameterSpec.double("y", 0.0, 1.0))
    outside = observe(gp_spec(wide, LOSS), lambda p: {"loss": bowl(p)}, 20, seed=1)
    inside = [o for o in outside if o.parameters["x"] <= 1.0]
    assert 0 < len(inside) < 3  # too few inside: the prior cannot be used
    spec = with_priors(gp_spec(XY, LOSS), "wide")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 6, seed=3)
    result = step(spec, completed, prior("wide", wide, outside, Goal.MINIMIZE))
    assert weights(result) == {"teams/t/studies/wide": 0.0}


def test_a_prior_without_trials_leaves_the_step_as_without_priors() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "empty")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 6, seed=3)
    result = step(spec, completed, prior("empty", XY, [], Goal.MINIMIZE))
    assert METADATA_PRIOR_WEIGHTS not in result.suggestions[0].metadata


def test_weights_go_to_the_lowest_loss_per_sample_split_on_ties() -> None:
    losses = torch.tensor([[1.0, 1.0, 3.0], [0.0, 2.0, 3.0], [2.0, 2.0, 1.0], [0.0, 1.0, 2.0]])
    assert weights_from_losses(losses) == pytest.approx([0.625, 0.125, 0.25])


def test_a_prior_worse_than_the_own_gp_s_median_is_diluted_out() -> None:
    own = torch.arange(100, dtype=torch.float64)  # the study's own losses: 0 .. 99
    worse = torch.full((100,), 50.0, dtype=torch.float64)  # its median above the own one
    assert weights_from_losses(torch.stack([worse, own], dim=-1)) == [0.0, 1.0]
    better = torch.full((100,), 49.0, dtype=torch.float64)
    assert weights_from_losses(torch.stack([better, own], dim=-1)) == [0.505, 0.495]


def test_the_ensemble_posterior_weights_means_and_squared_weights_variances() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 2, dtype=torch.float64)
    first = surrogate(x, torch.sin(6 * x[:, :1]), [])
    second = surrogate(x[:, 1:], torch.cos(4 * x[:, 1:]), [])
    ensemble = WeightedEnsemble(
        [Member(second, [1], 0.25, offset=1.0, scale=2.0), Member(first, [0, 1], 0.75)]
    )
    points = torch.rand(5, 1, 2, dtype=torch.float64)
    found = ensemble.posterior(points)
    a, b = first.posterior(points), second.posterior(points[..., 1:])
    mean = 0.75 * a.mean + 0.25 * (1.0 + 2.0 * b.mean)
    variance = 0.75**2 * a.variance + (0.25 * 2.0) ** 2 * b.variance
    assert torch.allclose(found.mean, mean)
    assert torch.allclose(found.variance, variance)


def test_believing_a_point_conditions_every_member_in_its_own_units() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 1, dtype=torch.float64)
    own = surrogate(x, torch.sin(6 * x), [])
    other = surrogate(x, torch.cos(6 * x), [])
    ensemble = WeightedEnsemble([Member(other, [0], 0.5, 1.0, 2.0), Member(own, [0], 0.5)])
    far = torch.tensor([[1.6]], dtype=torch.float64)  # away from every observation
    believed = ensemble.condition_on_observations(far, torch.tensor([[3.0]]).to(x))
    assert [m.model.train_inputs[0].shape[-2] for m in believed.members] == [9, 9]
    assert believed.members[0].model.posterior(far).mean.item() == pytest.approx(1.0, abs=0.05)
    assert believed.members[1].model.posterior(far).mean.item() == pytest.approx(3.0, abs=0.05)


def test_a_batch_with_pending_trials_is_model_based_and_distinct() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "related")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 12, seed=3)
    pending = {"x": 0.3, "y": 0.7}
    request = SuggestionRequest(spec, completed, [pending], 3, 7, {}, [related()])
    suggestions = Engine(FAST).suggest(request).suggestions
    points = [pending, *(s.parameters for s in suggestions)]
    assert [s.metadata[METADATA_ALGORITHM] for s in suggestions] == ["GP_BANDIT"] * 3
    assert all(METADATA_PRIOR_WEIGHTS in s.metadata for s in suggestions)
    assert len({(p["x"], p["y"]) for p in points}) == 4
