"""The acquisition registry: the first strategy that applies is used, in order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import pytest
import torch
from botorch.models import MixedSingleTaskGP

from sibyl_server.domain.study import Goal, MetricSpec, OutcomeConstraint, StudySpec
from sibyl_server.engine.gp.acquisition import STRATEGIES, choose_strategy
from sibyl_server.engine.gp.acquisition.analytic import AnalyticLogEI
from sibyl_server.engine.gp.acquisition.analytic_hypervolume import (
    AnalyticHypervolumeImprovement,
)
from sibyl_server.engine.gp.acquisition.hypervolume import NoisyHypervolumeImprovement
from sibyl_server.engine.gp.acquisition.noisy_expected_improvement import (
    NoisyExpectedImprovement,
)
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext
from sibyl_server.engine.gp.data import step_data
from sibyl_server.engine.gp.designer import GpBanditDesigner
from sibyl_server.engine.gp.model import fit_models
from sibyl_server.engine.gp.optimize import AcquisitionOptimizer
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    Observation,
    SuggestionRequest,
)
from tests.server.engine.gp.studies import FAST, LOSS, X, gp_spec, observe, suggest

CPU = torch.device("cpu")
SCORE = MetricSpec("score", Goal.MAXIMIZE)


def context_of(spec: StudySpec, completed: Sequence[Observation]) -> AcquisitionContext:
    """The context a step on `completed` gives its strategy."""
    request = SuggestionRequest(spec, list(completed), [], 1, 7, {})
    data = step_data(request, FAST.max_exact_observations, CPU)
    fitted = fit_models(data, {}, FAST.max_exact_observations)
    optimizer = AcquisitionOptimizer(data.encoding, FAST, len(data.x), CPU)
    return AcquisitionContext(spec, data, fitted.models, 1, 7, FAST.mc_samples, optimizer)


def memory_below(bound: float) -> StudySpec:
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=bound))
    return gp_spec(X, (SCORE, memory))


def test_one_objective_uses_analytic_logei() -> None:
    spec = gp_spec(X, LOSS)
    context = context_of(spec, observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 6))
    assert isinstance(choose_strategy(context), AnalyticLogEI)


def test_constraints_with_a_feasible_trial_use_the_constrained_analytic_logei() -> None:
    spec = memory_below(0.4)
    context = context_of(spec, observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 8))
    assert context.training.best_feasible() is not None
    assert isinstance(choose_strategy(context), AnalyticLogEI)


def test_constraints_without_a_feasible_trial_use_qlognei() -> None:
    spec = memory_below(-0.1)
    context = context_of(spec, observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 8))
    assert context.training.best_feasible() is None
    assert isinstance(choose_strategy(context), NoisyExpectedImprovement)


def test_constraints_on_a_model_the_cached_logei_does_not_compute_use_qlognei() -> None:
    spec = memory_below(0.4)
    context = context_of(spec, observe(spec, lambda p: {"score": p["x"], "memory": p["x"]}, 8))
    x, y = context.data.x, context.data.tensor(context.training.outcomes[1].values)
    other = MixedSingleTaskGP(x, y.unsqueeze(-1), cat_dims=[0])
    context = replace(context, models=[context.models[0], other])
    assert isinstance(choose_strategy(context), NoisyExpectedImprovement)


def test_several_objectives_use_the_analytic_logehvi() -> None:
    spec = gp_spec(X, (SCORE, MetricSpec("latency", Goal.MINIMIZE)))
    context = context_of(spec, observe(spec, lambda p: {"score": p["x"], "latency": p["x"]}, 6))
    assert isinstance(choose_strategy(context), AnalyticHypervolumeImprovement)


def test_several_objectives_under_constraints_use_qlognehvi() -> None:
    memory = MetricSpec("memory", constraint=OutcomeConstraint(upper_bound=0.4))
    spec = gp_spec(X, (SCORE, MetricSpec("latency", Goal.MINIMIZE), memory))
    measure = lambda p: {"score": p["x"], "latency": p["x"], "memory": p["x"]}  # noqa: E731
    context = context_of(spec, observe(spec, measure, 6))
    assert isinstance(choose_strategy(context), NoisyHypervolumeImprovement)


def test_the_registry_is_tried_in_order() -> None:
    assert [type(s) for s in STRATEGIES] == [
        AnalyticLogEI,
        NoisyExpectedImprovement,
        AnalyticHypervolumeImprovement,
        NoisyHypervolumeImprovement,
    ]


def test_no_strategy_that_applies_is_an_error() -> None:
    spec = gp_spec(X, LOSS)
    context = context_of(spec, observe(spec, lambda p: {"loss": p["x"]}, 6))
    with pytest.raises(LookupError):
        choose_strategy(context, [NoisyHypervolumeImprovement()])


class CentrePoint:
    """A strategy that always applies and always suggests the centre of the space."""

    def applies(self, context: AcquisitionContext) -> bool:
        return True

    def candidates(self, context: AcquisitionContext) -> torch.Tensor:
        dims = context.data.encoding.dims
        return torch.full((context.count, dims), 0.5, dtype=torch.float64)


def test_a_strategy_registered_ahead_of_the_others_is_used() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    request = SuggestionRequest(spec, completed, [], 2, 7, {})
    designer = GpBanditDesigner(FAST, strategies=(CentrePoint(), *STRATEGIES))
    [first, second] = designer.suggest(request).suggestions
    assert first.parameters == {"x": 0.5}
    assert first.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    # The centre twice in one batch is a repeat: the second slot is quasi-random.
    assert second.metadata[METADATA_ALGORITHM] == "QUASI_RANDOM_SEARCH"
    # Registered for that designer only: the engine's default is untouched.
    assert CentrePoint not in [type(s) for s in STRATEGIES]
    [default] = suggest(spec, completed).suggestions
    assert default.parameters != {"x": 0.5}
    assert abs(default.parameters["x"] - 0.3) < 0.1
