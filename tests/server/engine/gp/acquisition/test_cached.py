"""GP_BANDIT's cached LogEI: what BoTorch's LogExpectedImprovement (and constrained
LogEI) computes, and the optimizer's candidates on it."""

from __future__ import annotations

import warnings
from typing import Any

import pytest
import torch
from botorch.acquisition.analytic import (
    LogConstrainedExpectedImprovement,
    LogExpectedImprovement,
)
from botorch.fit import fit_gpytorch_mll
from botorch.generation.gen import gen_candidates_scipy
from botorch.models import MixedSingleTaskGP, ModelListGP, SingleTaskGP
from botorch.optim import optimize_acqf, optimize_mixed
from botorch.optim.optimize_mixed import optimize_acqf_mixed_alternating
from gpytorch.mlls import ExactMarginalLogLikelihood

from sibyl_server.engine.gp import mixed as mixed_module
from sibyl_server.engine.gp.acquisition import cached as cached_module
from sibyl_server.engine.gp.acquisition.analytic import believe
from sibyl_server.engine.gp.acquisition.cached import (
    CachedLogConstrainedExpectedImprovement,
    CachedLogExpectedImprovement,
    gen_candidates_direct,
)
from sibyl_server.engine.gp.mixed import mixed_step_candidates
from sibyl_server.engine.gp.model import surrogate


def fitted(
    n: int, d: int, seed: int, kernel: str = "matern52", categorical: list[int] | None = None
) -> SingleTaskGP:
    """A GP fitted to a noisy quadratic; `categorical` columns hold indices 0, 1, 2."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(n, d, generator=generator, dtype=torch.float64)
    x[:, categorical or []] = (x[:, categorical or []] * 3).floor()
    y = (x - 0.3).pow(2).sum(-1, keepdim=True) * -10 + 0.01 * torch.randn(
        n, 1, generator=generator, dtype=torch.float64
    )
    model = surrogate(x, y, categorical or [], kernel)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
    return model


@pytest.mark.parametrize(
    ("n", "d", "seed", "kernel", "categorical"),
    [
        *[
            (*shape, kernel, [])
            for shape in [(8, 1, 0), (30, 3, 1), (120, 6, 2)]
            for kernel in ("matern52", "rbf")
        ],
        (30, 3, 3, "matern52", [1]),
        (80, 5, 4, "matern52", [0, 3]),
    ],
)
def test_values_and_gradients_match_botorch(
    n: int, d: int, seed: int, kernel: str, categorical: list[int]
) -> None:
    model = fitted(n, d, seed, kernel, categorical)
    best = float(model.outcome_transform.untransform(model.train_targets.unsqueeze(-1))[0].max())
    points = torch.rand(64, 1, d, dtype=torch.float64, generator=torch.Generator().manual_seed(9))
    points[..., categorical] = (points[..., categorical] * 3).floor()
    points = torch.cat([points, model.train_inputs[0][:4].unsqueeze(-2)])  # at data: tiny sigma
    expected_x = points.clone().requires_grad_(True)
    expected = LogExpectedImprovement(model, best_f=best)(expected_x)
    actual_x = points.clone().requires_grad_(True)
    actual = CachedLogExpectedImprovement(model, best)(actual_x)
    # Noise fits near 1e-6 here, so the kernel matrices have condition numbers up to
    # ~1e7: the two ways of solving with them agree to about seven digits.
    torch.testing.assert_close(actual, expected, rtol=1e-6, atol=1e-7)
    expected.sum().backward()
    actual.sum().backward()
    torch.testing.assert_close(actual_x.grad, expected_x.grad, rtol=1e-5, atol=1e-7)
    # Categories are searched by the optimizer's discrete steps, never along a gradient.
    assert not actual_x.grad[..., categorical].any()


@pytest.mark.parametrize(("n", "d", "seed"), [(12, 2, 5), (60, 6, 6)])
def test_direct_candidates_are_botorchs(n: int, d: int, seed: int) -> None:
    """The same L-BFGS-B runs from the same starts end at the same points."""
    model = fitted(n, d, seed)
    best = float(model.outcome_transform.untransform(model.train_targets.unsqueeze(-1))[0].max())
    acquisition = CachedLogExpectedImprovement(model, best)
    starts = torch.rand(8, 1, d, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    bounds = {"lower_bounds": torch.zeros(d, dtype=torch.float64), "upper_bounds": 1.0}
    ours, our_values = gen_candidates_direct(starts, acquisition, **bounds)
    theirs, their_values = gen_candidates_scipy(starts, acquisition, **bounds)
    torch.testing.assert_close(ours, theirs, atol=1e-4, rtol=0)
    torch.testing.assert_close(our_values, their_values, atol=1e-6, rtol=1e-6)
    assert (our_values > acquisition(starts)).all()  # every start moved uphill
    assert ((ours >= 0) & (ours <= 1)).all()
    # Through optimize_acqf, as GP_BANDIT calls it: the same best point.
    best = []
    for generator in (gen_candidates_direct, None):  # None: BoTorch's default
        torch.manual_seed(0)
        candidate, _ = optimize_acqf(
            acquisition,
            torch.tensor([[0.0] * d, [1.0] * d], dtype=torch.float64),
            q=1,
            num_restarts=4,
            raw_samples=64,
            gen_candidates=generator,
        )
        best.append(candidate)
    torch.testing.assert_close(best[0], best[1], atol=1e-4, rtol=0)


def test_direct_candidates_hold_fixed_features_as_botorch_does() -> None:
    """The mixed optimizer's continuous steps hold the discrete and categorical columns,
    one value per start: the direct run ends where BoTorch's run without them ends."""
    model = fitted(50, 4, 7, categorical=[2])
    best = float(model.outcome_transform.untransform(model.train_targets.unsqueeze(-1))[0].max())
    acquisition = CachedLogExpectedImprovement(model, best)
    starts = torch.rand(6, 1, 4, dtype=torch.float64, generator=torch.Generator().manual_seed(8))
    starts[..., 2] = (starts[..., 2] * 3).floor()
    fixed = {2: starts[:, 0, 2].clone(), 3: starts[:, 0, 3].clone()}
    arguments = {
        "lower_bounds": torch.zeros(4, dtype=torch.float64),
        "upper_bounds": torch.tensor([1.0, 1.0, 2.0, 1.0], dtype=torch.float64),
        "options": {"maxiter": 8, "tol": 1e-5},
        "fixed_features": fixed,
    }
    ours, our_values = gen_candidates_direct(starts, acquisition, **arguments)
    theirs, their_values = gen_candidates_scipy(starts, acquisition, **arguments)
    torch.testing.assert_close(ours, theirs, atol=1e-6, rtol=0)
    torch.testing.assert_close(our_values, their_values, atol=1e-8, rtol=1e-8)
    assert torch.equal(ours[:, 0, 2], fixed[2]) and torch.equal(ours[:, 0, 3], fixed[3])
    assert not torch.equal(ours[..., :2], starts[..., :2])  # the free columns did move


def test_mixed_steps_find_the_point_botorchs_generator_finds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`optimize_acqf_mixed_alternating` with the direct generator in its continuous
    steps (as GP_BANDIT runs it) against the same search with BoTorch's own."""
    model = fitted(40, 4, 9, categorical=[1])
    best = float(model.outcome_transform.untransform(model.train_targets.unsqueeze(-1))[0].max())
    acquisition = CachedLogExpectedImprovement(model, best)
    bounds = torch.tensor([[0.0] * 4, [1.0, 2.0, 1.0, 1.0]], dtype=torch.float64)
    found = []
    direct_runs = []

    def counted(*args: Any, **kwargs: Any) -> Any:
        direct_runs.append(1)
        return gen_candidates_direct(*args, **kwargs)

    monkeypatch.setattr(cached_module, "gen_candidates_direct", counted)
    monkeypatch.setattr(mixed_module, "gen_candidates_direct", counted)
    for generator in (mixed_step_candidates, gen_candidates_scipy):
        optimize_mixed.gen_candidates_scipy = generator
        try:
            torch.manual_seed(0)
            candidate, value = optimize_acqf_mixed_alternating(
                acquisition, bounds, cat_dims={1: [0, 1, 2]}, num_restarts=4, raw_samples=64
            )
        finally:
            optimize_mixed.gen_candidates_scipy = mixed_step_candidates
        found.append((candidate, value))
    torch.testing.assert_close(found[0][0], found[1][0], atol=1e-5, rtol=0)
    torch.testing.assert_close(found[0][1], found[1][1], atol=1e-7, rtol=1e-7)
    assert direct_runs, "the continuous steps took the closed-form run"


def test_believed_points_match_a_conditioned_model() -> None:
    model = fitted(30, 3, 4)
    pending = torch.rand(3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    worst = float(model.outcome_transform.untransform(model.train_targets.unsqueeze(-1))[0].min())
    best = worst + 5.0
    # A value of its own at each point, as GP_BANDIT believes pending trials.
    believed = torch.tensor([worst, worst + 0.5, worst + 1.0], dtype=torch.float64)
    points = torch.rand(32, 1, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(6))
    expected = LogExpectedImprovement(believe(model, pending, believed), best_f=best)(points)
    actual = CachedLogExpectedImprovement(model, best, pending, believed)(points)
    # GPyTorch conditions by a low-rank update of its caches, this by a new Cholesky
    # factor; at a noise of 1e-6 they agree to about six digits.
    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)
    at_pending = pending.unsqueeze(-2)
    at_believed = CachedLogExpectedImprovement(model, best, pending, believed)(at_pending)
    plain = CachedLogExpectedImprovement(model, best)(at_pending)
    assert bool((at_believed < plain - 1.0).all()), "a believed point promises far less"


@pytest.mark.parametrize("believed", [False, True])
def test_constrained_values_and_gradients_match_botorch(believed: bool) -> None:
    """LogEI plus log P(constraint) per one-sided bound: LogConstrainedExpectedImprovement
    on the list of the outcomes' GPs, the objective's conditioned on believed points."""
    objective, upper, lower = fitted(40, 3, 10), fitted(40, 3, 11), fitted(40, 3, 12)
    # Bounds inside each constraint's range, so that points fall on both sides.
    upper_bound, lower_bound = -1.0, -1.5
    best = -0.5
    pending = torch.rand(3, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(13))
    values = torch.tensor([-0.6, -0.7, -0.8], dtype=torch.float64)
    x_believed, y_believed = (pending, values) if believed else (None, None)
    conditioned = believe(objective, pending, values) if believed else objective
    expected_acquisition = LogConstrainedExpectedImprovement(
        ModelListGP(conditioned, upper, lower),
        best_f=best,
        objective_index=0,
        constraints={1: (None, upper_bound), 2: (lower_bound, None)},
    )
    actual_acquisition = CachedLogConstrainedExpectedImprovement(
        objective,
        best,
        [(upper, upper_bound, True), (lower, lower_bound, False)],
        x_believed,
        y_believed,
    )
    points = torch.rand(64, 1, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(14))
    expected_x = points.clone().requires_grad_(True)
    expected = expected_acquisition(expected_x)
    actual_x = points.clone().requires_grad_(True)
    actual = actual_acquisition(actual_x)
    torch.testing.assert_close(actual, expected, rtol=1e-5, atol=1e-5)
    expected.sum().backward()
    actual.sum().backward()
    torch.testing.assert_close(actual_x.grad, expected_x.grad, rtol=1e-4, atol=1e-5)
    # The probabilities matter: some points are likely feasible, some are not.
    log_feasible = actual - CachedLogExpectedImprovement(objective, best, x_believed, y_believed)(
        points
    )
    assert log_feasible.max() > -0.1 and log_feasible.min() < -5.0


def test_other_models_keep_botorch() -> None:
    x = torch.rand(6, 2, dtype=torch.float64)
    x[:, 1] = torch.tensor([0.0, 1.0, 2.0, 0.0, 1.0, 2.0])
    y = torch.rand(6, 1, dtype=torch.float64)
    assert CachedLogExpectedImprovement.supports(surrogate(x, y, []))
    assert not CachedLogExpectedImprovement.supports(MixedSingleTaskGP(x, y, cat_dims=[1]))
