"""Several objectives without constraints: analytic LogEHVI on cached posteriors."""

from __future__ import annotations

from itertools import pairwise

import pytest
import torch
from botorch.acquisition.multi_objective.analytic import ExpectedHypervolumeImprovement
from botorch.acquisition.multi_objective.monte_carlo import qExpectedHypervolumeImprovement
from botorch.models import ModelListGP, SingleTaskGP
from botorch.sampling import SobolQMCNormalSampler
from botorch.utils.multi_objective.box_decompositions.non_dominated import (
    FastNondominatedPartitioning,
)
from botorch.utils.multi_objective.pareto import is_non_dominated

from sibyl_server.domain.study import Goal, MetricSpec, ParameterSpec
from sibyl_server.engine.gp.acquisition.analytic_hypervolume import (
    CachedLogExpectedHypervolumeImprovement,
)
from sibyl_server.engine.gp.fit import fit_model
from sibyl_server.engine.gp.model import surrogate
from sibyl_server.engine.interface import METADATA_ALGORITHM, METADATA_FALLBACK_REASON
from tests.server.engine.gp.studies import gp_spec, observe, suggest

PLANE = (ParameterSpec.double("a", 0.0, 1.0), ParameterSpec.double("b", 0.0, 1.0))


def fitted_objectives(
    objectives: int, seed: int = 0
) -> tuple[list[SingleTaskGP], torch.Tensor, torch.Tensor]:
    """GPs fitted to `objectives` conflicting functions of 16 random points in [0, 1]^3,
    their observed values (`16 x m`) and a reference point below them all."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(16, 3, generator=generator, dtype=torch.float64)
    columns = [-(x - 0.4 * j).pow(2).sum(-1) + 0.1 * x[:, (j + 1) % 3] for j in range(objectives)]
    y = torch.stack(columns, dim=-1)
    models = [surrogate(x, y[:, j : j + 1], []) for j in range(objectives)]
    for model in models:
        fit_model(model)
    return models, y, y.min(0).values - 0.1


def botorch_ehvi(
    models: list[SingleTaskGP], y: torch.Tensor, reference: torch.Tensor
) -> ExpectedHypervolumeImprovement:
    partitioning = FastNondominatedPartitioning(ref_point=reference, Y=y[is_non_dominated(y)])
    return ExpectedHypervolumeImprovement(ModelListGP(*models), reference.tolist(), partitioning)


@pytest.mark.parametrize("objectives", [2, 3])
def test_values_and_gradients_match_botorchs_analytic_ehvi(objectives: int) -> None:
    models, y, reference = fitted_objectives(objectives)
    ours = CachedLogExpectedHypervolumeImprovement(models, reference, y)
    theirs = botorch_ehvi(models, y, reference)
    x = torch.rand(64, 1, 3, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    with torch.no_grad():
        expected = theirs(x)
    # BoTorch's EHVI (not in logs) cancels digits deep in the tails (its gradient off by
    # 1% at values of 1e-17): compare where it is well away from that.
    kept = x[expected > 1e-8]
    assert len(kept) >= 8
    ours_at, theirs_at = kept.clone().requires_grad_(), kept.clone().requires_grad_()
    value = ours(ours_at)
    value.sum().backward()
    theirs(theirs_at).log().sum().backward()
    assert torch.allclose(value.exp(), theirs(kept).detach(), rtol=1e-6)
    assert torch.allclose(ours_at.grad, theirs_at.grad, rtol=1e-5, atol=1e-8)  # type: ignore[arg-type]


def test_agrees_with_monte_carlo_ehvi() -> None:
    models, y, reference = fitted_objectives(2, seed=3)
    ours = CachedLogExpectedHypervolumeImprovement(models, reference, y)
    partitioning = FastNondominatedPartitioning(ref_point=reference, Y=y[is_non_dominated(y)])
    monte_carlo = qExpectedHypervolumeImprovement(
        ModelListGP(*models),
        reference.tolist(),
        partitioning,
        sampler=SobolQMCNormalSampler(torch.Size([4096]), seed=0),
    )
    x = torch.rand(32, 1, 3, generator=torch.Generator().manual_seed(2), dtype=torch.float64)
    with torch.no_grad():
        analytic, sampled = ours(x).exp(), monte_carlo(x)
    kept = sampled > 1e-3 * sampled.max()
    assert kept.sum() >= 8
    assert torch.allclose(analytic[kept], sampled[kept], rtol=0.05)


def test_far_from_the_front_the_value_and_gradient_stay_finite() -> None:
    models, y, reference = fitted_objectives(3)
    ours = CachedLogExpectedHypervolumeImprovement(models, reference, y)
    # Observed points (no improvement, tiny variance) and a far corner.
    x = torch.cat([models[0].train_inputs[0][:4], torch.ones(1, 3, dtype=torch.float64)])
    x = x.unsqueeze(1).clone().requires_grad_()
    value = ours(x)
    value.sum().backward()
    assert torch.isfinite(value).all()
    assert torch.isfinite(x.grad).all()  # type: ignore[arg-type]


def trade_off(p: dict) -> dict[str, float]:
    """Accuracy and latency that trade off along a; any b > 0 is dominated."""
    return {"accuracy": p["a"] - 0.2 * p["b"], "latency": p["a"] ** 2 + p["b"]}


@pytest.mark.parametrize("pending", [0, 2])
def test_a_two_objective_batch_is_model_based_and_on_the_front(pending: int) -> None:
    metrics = (MetricSpec("accuracy", Goal.MAXIMIZE), MetricSpec("latency", Goal.MINIMIZE))
    spec = gp_spec(PLANE, metrics)
    completed = observe(spec, trade_off, 12)
    pending_points = [{"a": 0.1 + 0.3 * i, "b": 0.0} for i in range(pending)]
    result = suggest(spec, completed, pending_points, count=3)
    assert [s.metadata for s in result.suggestions] == [{METADATA_ALGORITHM: "GP_BANDIT"}] * 3
    assert all(METADATA_FALLBACK_REASON not in s.metadata for s in result.suggestions)
    assert all(s.parameters["b"] < 0.2 for s in result.suggestions)
    # Believed points are left alone: the batch spreads along the front.
    chosen = sorted(s.parameters["a"] for s in result.suggestions)
    assert min(b - a for a, b in pairwise(chosen)) > 0.02


def test_three_objectives_are_model_based() -> None:
    metrics = tuple(MetricSpec(f"f{j}", Goal.MINIMIZE) for j in range(3))
    spec = gp_spec(PLANE, metrics)

    def measure(p: dict) -> dict[str, float]:
        return {
            "f0": p["a"] + p["b"],
            "f1": (1 - p["a"]) + p["b"],
            "f2": (p["a"] - 0.5) ** 2 + p["b"],
        }

    result = suggest(spec, observe(spec, measure, 12))
    [suggestion] = result.suggestions
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert suggestion.parameters["b"] < 0.2
