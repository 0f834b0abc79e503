"""Transfer from prior studies: the ensemble's weights, its posterior, its step."""

from __future__ import annotations

import dataclasses
import json
import math
import random
from collections.abc import Callable, Sequence
from itertools import combinations

import pytest
import torch

from sibyl_server.domain.study import (
    Goal,
    MetricSpec,
    ParameterSpec,
    ParentCondition,
    PriorStudy,
    StudySpec,
)
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.model import surrogate
from sibyl_server.engine.gp.transfer import (
    Member,
    ResidualOverPriors,
    mapped,
    prior_data,
    weights_from_losses,
)
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


def test_a_prior_s_usable_trials_are_kept_before_its_subset_is_taken() -> None:
    # 400 trials, of which the 30 oldest (and worst) lie inside the study's space: a
    # subset of 200 taken first would have kept about 15 of those.
    wide = (ParameterSpec.double("x", 0.0, 10.0), ParameterSpec.double("y", 0.0, 1.0))
    trials = [
        Observation({"x": 0.5 + i / 100 if i < 30 else 5.0 + i / 100, "y": 0.5},
                    {"loss": 10.0 if i < 30 else 1.0})
        for i in range(400)
    ]  # fmt: skip
    spec = with_priors(gp_spec(XY, LOSS), "wide")
    encoding = SearchSpaceEncoding(spec.parameters)
    data = prior_data(prior("wide", wide, trials, Goal.MINIMIZE), spec, encoding, torch.zeros(1))
    assert data is not None and len(data.y) == 30


def test_trials_where_a_shared_parameter_was_inactive_in_the_prior_are_left_out() -> None:
    momentum = dataclasses.replace(
        ParameterSpec.double("momentum", 0.0, 1.0),
        condition=ParentCondition("opt", categories=("sgd",)),
    )
    in_prior = (ParameterSpec.categorical("opt", ["sgd", "adam"]), momentum)
    trials = [
        Observation({"opt": "sgd", "momentum": i / 10} if i % 2 else {"opt": "adam"},
                    {"loss": float(i)})
        for i in range(10)
    ]  # fmt: skip
    # The study tunes momentum alone, always: an "adam" trial has no momentum to give.
    study = (ParameterSpec.double("momentum", 0.0, 1.0),)
    spec = with_priors(gp_spec(study, LOSS), "sgd")
    encoding = SearchSpaceEncoding(spec.parameters)
    data = prior_data(prior("sgd", in_prior, trials, Goal.MINIMIZE), spec, encoding, torch.zeros(1))
    assert data is not None
    assert sorted(data.x[:, 0].tolist()) == pytest.approx([0.1, 0.3, 0.5, 0.7, 0.9])


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


def test_the_posterior_is_the_residual_gp_s_plus_the_priors_weighted_means() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 2, dtype=torch.float64)
    residual = surrogate(x, torch.sin(6 * x[:, :1]), [])
    first = surrogate(x[:, 1:], torch.cos(4 * x[:, 1:]), [])
    second = surrogate(x, x.sum(dim=-1, keepdim=True), [])
    model = ResidualOverPriors(
        residual,
        [Member(first, [1], 0.25, offset=1.0, scale=2.0), Member(second, [0, 1], 0.5)],
    )
    points = torch.rand(5, 1, 2, dtype=torch.float64)
    found = model.posterior(points)
    own, a, b = (
        residual.posterior(points),
        first.posterior(points[..., 1:]),
        second.posterior(points),
    )
    assert torch.allclose(found.mean, own.mean + 0.25 * (1.0 + 2.0 * a.mean) + 0.5 * b.mean)
    assert torch.allclose(found.variance, own.variance)  # the priors lend no certainty


def test_believing_a_point_conditions_the_residual_gp_on_what_the_priors_leave() -> None:
    torch.manual_seed(0)
    x = torch.rand(8, 1, dtype=torch.float64)
    residual = surrogate(x, torch.sin(6 * x), [])
    prior_gp = surrogate(x, torch.cos(6 * x), [])
    model = ResidualOverPriors(residual, [Member(prior_gp, [0], 0.5, 1.0, 2.0)])
    far = torch.tensor([[1.6]], dtype=torch.float64)  # away from every observation
    believed = model.condition_on_observations(far, torch.tensor([[3.0]]).to(x))
    assert believed.residual.train_inputs[0].shape[-2] == 9
    assert believed.priors[0].model is prior_gp  # the prior's GP is left as it was
    assert believed.posterior(far).mean.item() == pytest.approx(3.0, abs=0.05)
    prior_part = 0.5 * (1.0 + 2.0 * prior_gp.posterior(far).mean.item())
    assert believed.residual.posterior(far).mean.item() == pytest.approx(3.0 - prior_part, abs=0.05)


def test_a_prior_is_mapped_by_the_least_squares_line_and_never_reversed() -> None:
    torch.manual_seed(0)
    x = torch.rand(12, 2, dtype=torch.float64)
    prior_gp = surrogate(x, x[:, :1] * 4.0 - 1.0, [])
    means = prior_gp.posterior(x).mean.detach()
    line = mapped(prior_gp, [0, 1], 1.0, x, 0.5 * means + 3.0)
    assert (line.scale, line.offset) == (pytest.approx(0.5), pytest.approx(3.0))
    reversed_line = mapped(prior_gp, [0, 1], 1.0, x, -means)
    assert (
        reversed_line.scale == 0.0
    )  # a prior that orders the values the other way adds a constant
    few = mapped(prior_gp, [0, 1], 1.0, x[:2], torch.tensor([[1.0], [3.0]]).to(x))
    assert (few.offset, few.scale) == (pytest.approx(2.0), pytest.approx(2**0.5))


def test_beside_a_prior_s_optimum_the_steps_refine_towards_the_study_s_own() -> None:
    """The prior has its optimum at 0.5, where it ran most trials; the study's is at
    0.56 and it has a trial at 0.5. Its next steps go to 0.56, not where the prior ran
    few trials (the prior's certainty near 0.5 is not the study's)."""
    x_only = (ParameterSpec.double("x", 0.0, 1.0),)
    near = (ParameterSpec.double("x", 0.4, 0.6),)

    def loss(optimum: float) -> Callable[[dict], dict[str, float]]:
        return lambda p: {"loss": (p["x"] - optimum) ** 2}

    far = [Observation({"x": v}, loss(0.5)({"x": v})) for v in (0.05, 0.95)]
    trials = observe(gp_spec(near, LOSS), loss(0.5), 20, seed=1) + far
    priors = [prior("near", x_only, trials, Goal.MINIMIZE)]
    spec = with_priors(gp_spec(x_only, LOSS), "near")
    completed = [Observation({"x": v}, loss(0.56)({"x": v})) for v in (0.1, 0.9, 0.5)]
    steps = []
    for _ in range(2):
        suggested = step(spec, completed, *priors).suggestions[0].parameters
        completed.append(Observation(suggested, loss(0.56)(suggested)))
        steps.append(suggested["x"])
    assert all(abs(x - 0.56) < 0.05 for x in steps), steps
    assert min(abs(x - 0.56) for x in steps) < 0.01, steps


def test_a_batch_with_pending_trials_is_model_based_and_spread() -> None:
    spec = with_priors(gp_spec(XY, LOSS), "related")
    completed = observe(spec, lambda p: {"loss": bowl(p)}, 12, seed=3)
    pending = {"x": 0.3, "y": 0.7}
    request = SuggestionRequest(spec, completed, [pending], 3, 7, {}, [related()])
    suggestions = Engine(FAST).suggest(request).suggestions
    points = [pending, *(s.parameters for s in suggestions)]
    assert [s.metadata[METADATA_ALGORITHM] for s in suggestions] == ["GP_BANDIT"] * 3
    assert all(METADATA_PRIOR_WEIGHTS in s.metadata for s in suggestions)
    # Believing a point conditions the study's GP, which the priors lend no certainty:
    # the batch spreads around the pending trial at the prior's optimum.
    gaps = [math.dist((a["x"], a["y"]), (b["x"], b["y"])) for a, b in combinations(points, 2)]
    assert min(gaps) > 0.02, gaps
