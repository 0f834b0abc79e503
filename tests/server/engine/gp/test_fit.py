"""GP_BANDIT's direct fit of its plain GP (Matern-5/2 or RBF, categorical columns or
none): the same objective as GPyTorch's marginal likelihood, minimized as far as
BoTorch's fit gets, and a fallback."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from gpytorch.kernels import MaternKernel
from gpytorch.mlls import ExactMarginalLogLikelihood

from sibyl_server.engine.gp.fit import (
    DirectMarginalLikelihood,
    _exponentials,
    fit_model,
    is_plain_gp,
)
from sibyl_server.engine.gp.model import surrogate


def data(
    n: int, d: int, seed: int, categorical: list[int] | None = None
) -> tuple[torch.Tensor, torch.Tensor]:
    """Noisy sin data; `categorical` columns hold category indices 0, 1, 2."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(n, d, generator=generator, dtype=torch.float64)
    for column in categorical or []:
        x[:, column] = (x[:, column] * 3).floor()
    y = torch.sin(5 * x).sum(-1, keepdim=True) + 0.01 * torch.randn(
        n, 1, generator=generator, dtype=torch.float64
    )
    return x, y


def gpytorch_loss_and_gradient(model: SingleTaskGP) -> tuple[float, np.ndarray]:
    """-MLL/n and its gradient in the raw parameters, the way BoTorch's fit sees them."""
    model.train()
    mll = ExactMarginalLogLikelihood(model.likelihood, model)
    model.zero_grad()
    loss = -mll(model(*model.train_inputs), model.train_targets)
    loss.backward()
    grads = dict(model.named_parameters())
    gradient = torch.cat(
        [
            grads["covar_module.raw_lengthscale"].grad.reshape(-1),
            grads["mean_module.raw_constant"].grad.reshape(-1),
            grads["likelihood.noise_covar.raw_noise"].grad.reshape(-1),
        ]
    )
    model.eval()
    return float(loss), gradient.numpy()


def cases(shapes: list[tuple[int, int, int, list[int]]]) -> pytest.MarkDecorator:
    """Each shape (n, d, seed, categorical columns) with each kernel; with categorical
    columns the surrogate is always Matern-5/2."""
    return pytest.mark.parametrize(
        ("n", "d", "seed", "categorical", "kernel"),
        [
            (*shape, kernel)
            for shape in shapes
            for kernel in (("matern52",) if shape[3] else ("matern52", "rbf"))
        ],
    )


@cases([(5, 1, 0, []), (40, 3, 1, []), (150, 6, 2, []), (40, 3, 8, [1]), (90, 5, 9, [0, 4])])
def test_loss_and_gradient_match_gpytorch(
    n: int, d: int, seed: int, categorical: list[int], kernel: str
) -> None:
    model = surrogate(*data(n, d, seed, categorical), categorical, kernel)
    generator = torch.Generator().manual_seed(seed + 10)
    with torch.no_grad():
        model.covar_module.raw_lengthscale.copy_(
            0.05 + torch.rand(1, d, generator=generator, dtype=torch.float64)
        )
        model.mean_module.raw_constant.fill_(0.3)
        model.likelihood.noise_covar.raw_noise.fill_(0.02)
    assert is_plain_gp(model) and DirectMarginalLikelihood.supports(model)
    expected_loss, expected_gradient = gpytorch_loss_and_gradient(model)
    objective = DirectMarginalLikelihood(model)
    loss, gradient = objective(objective.initial())
    assert loss == pytest.approx(expected_loss, rel=1e-7)
    np.testing.assert_allclose(gradient, expected_gradient, rtol=1e-5, atol=1e-7)


@cases([(12, 2, 3, []), (60, 6, 4, []), (60, 4, 11, [2])])
def test_fit_ends_as_low_as_botorchs(
    n: int, d: int, seed: int, categorical: list[int], kernel: str
) -> None:
    x, y = data(n, d, seed, categorical)
    ours, theirs = surrogate(x, y, categorical, kernel), surrogate(x, y, categorical, kernel)
    start, _ = gpytorch_loss_and_gradient(ours)
    fit_model(ours)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(ExactMarginalLogLikelihood(theirs.likelihood, theirs))
    ours_loss, _ = gpytorch_loss_and_gradient(ours)
    theirs_loss, _ = gpytorch_loss_and_gradient(theirs)
    assert ours_loss < start - 0.1
    assert ours_loss <= theirs_loss + 1e-5
    assert not ours.training  # ready for predictions
    # The same optimum of the same objective: the same predictions.
    points = torch.rand(50, d, dtype=torch.float64, generator=torch.Generator().manual_seed(7))
    points[:, categorical] = (points[:, categorical] * 3).floor()
    with torch.no_grad():
        ours_mean, theirs_mean = ours.posterior(points).mean, theirs.posterior(points).mean
    torch.testing.assert_close(ours_mean, theirs_mean, atol=1e-2, rtol=0)


@cases([(40, 3, 5, []), (100, 6, 6, []), (60, 4, 12, [2])])
def test_a_warm_started_fit_ends_where_a_full_one_does(
    n: int, d: int, seed: int, categorical: list[int], kernel: str
) -> None:
    """A study's step: the fit on n trials starts from the fit on the first n - 1, and
    its looser tolerance ends where scipy's default would from the same start."""
    x, y = data(n, d, seed, categorical)
    before = surrogate(x[:-1], y[:-1], categorical, kernel)
    fit_model(before)
    warm, full = surrogate(x, y, categorical, kernel), surrogate(x, y, categorical, kernel)
    for model in (warm, full):
        model.covar_module.load_state_dict(before.covar_module.state_dict())
        model.mean_module.load_state_dict(before.mean_module.state_dict())
        model.likelihood.load_state_dict(before.likelihood.state_dict())
    start, _ = gpytorch_loss_and_gradient(warm)
    fit_model(warm, warm_started=True)
    fit_model(full)  # scipy's default tolerance
    warm_loss, _ = gpytorch_loss_and_gradient(warm)
    full_loss, _ = gpytorch_loss_and_gradient(full)
    assert warm_loss < start
    assert warm_loss <= full_loss + 1e-4  # per trial


def test_a_failed_fit_leaves_the_model_unchanged() -> None:
    model = surrogate(*data(10, 2, 5), [])
    model.train_targets[3] = float("nan")  # a loss that is NaN everywhere
    before = {name: value.clone() for name, value in model.named_parameters()}
    assert not DirectMarginalLikelihood(model).fit()
    for name, value in model.named_parameters():
        torch.testing.assert_close(value, before[name])


def test_other_models_are_fitted_by_botorch() -> None:
    x, y = data(20, 3, 6)
    model = SingleTaskGP(x, y, covar_module=MaternKernel(nu=1.5, ard_num_dims=3))
    assert not is_plain_gp(model)
    before = {name: value.clone() for name, value in model.named_parameters()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_model(model)
    changed = [n for n, v in model.named_parameters() if not torch.equal(v, before[n])]
    assert changed


def test_a_line_search_probe_past_the_float_range_is_infinite_without_a_warning() -> None:
    logged = np.array([True, False, True])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        values = _exponentials(np.array([800.0, 800.0, np.log(2.0)]), logged)
    assert values[0] == np.inf
    assert values[1] == 800.0  # the constant mean is not in logs
    assert values[2] == pytest.approx(2.0)
