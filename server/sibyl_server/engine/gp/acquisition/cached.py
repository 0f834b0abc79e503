"""Analytic LogEI (and constrained LogEI) on GP_BANDIT's GPs, with their solves done once.

BoTorch's `LogExpectedImprovement` asks the model for a posterior at every evaluation,
through GPyTorch's lazy kernels and caches: milliseconds of Python per call, which was
most of a suggestion's time at 100 trials (docs/engine.md#cached-acquisition). Here
the Cholesky factor and the weights are computed once, and each evaluation is three
tensor products, with the gradient the optimizer needs in closed form rather than by
autograd.

It computes exactly what `LogExpectedImprovement` (and, for one-sided bounds,
`LogConstrainedExpectedImprovement`) computes on the same models (the tests compare
them) for the one model it supports: `SingleTaskGP` with a kernel of gp/kernels.py,
constant mean, Gaussian likelihood and `Standardize` outcome transform, no input
transform. Other models keep BoTorch's implementation.
"""

from __future__ import annotations

import math
from abc import abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from botorch.acquisition import AcquisitionFunction
from botorch.acquisition.analytic import _log_ei_helper
from botorch.models import SingleTaskGP
from botorch.models.model import Model
from botorch.models.transforms.outcome import Standardize
from botorch.optim.batched_lbfgs_b import fmin_l_bfgs_b_batched
from botorch.utils.transforms import t_batch_mode_transform
from linear_operator.utils.cholesky import psd_safe_cholesky

from sibyl_server.engine.gp.fit import is_plain_gp
from sibyl_server.engine.gp.kernels import (
    categorical_columns,
    differences,
    profile_of,
    squared_distances,
)
from sibyl_server.engine.gp.threads import threadpools

MIN_VARIANCE = 1e-12
"""The floor BoTorch's analytic acquisitions put under the posterior variance."""


@dataclass(frozen=True)
class Moments:
    """A posterior's mean and standard deviation at `points` points (untransformed
    units), and their gradients in x (`points x d`) when asked for."""

    mean: torch.Tensor
    sigma: torch.Tensor
    d_mean: torch.Tensor | None = None
    d_sigma: torch.Tensor | None = None


class CachedPosterior:
    """A plain GP's posterior mean and standard deviation, with its solves done once.

    Args:
        model: A fitted model for which `is_plain_gp(model)` holds.
        x_believed: Points (k x d) to condition on as if observed, or None.
        y_believed: The values (k) believed at them, in untransformed units.
    """

    def __init__(
        self,
        model: SingleTaskGP,
        x_believed: torch.Tensor | None = None,
        y_believed: torch.Tensor | None = None,
    ) -> None:
        transform = model.outcome_transform
        assert isinstance(transform, Standardize)
        self.offset = transform.means.detach().reshape(())
        self.scale = transform.stdvs.detach().reshape(())
        self.lengthscale = model.covar_module.lengthscale.detach().reshape(-1)
        self.profile = profile_of(model.covar_module)
        assert self.profile is not None
        self.categorical = categorical_columns(model.covar_module)
        # Categories are chosen by the optimizer's discrete steps, not along a gradient.
        continuous = torch.ones_like(self.lengthscale)
        continuous[list(self.categorical)] = 0.0
        # d r^2 / dx = 2 (x - x_i) / l^2 on continuous columns: the factor, made once.
        self.slope_factor = 2 * continuous / self.lengthscale.pow(2)
        self.constant = model.mean_module.constant.detach().reshape(())
        x = model.train_inputs[0].detach()
        y = model.train_targets.detach()
        if x_believed is not None and y_believed is not None:
            x = torch.cat([x, x_believed.to(x)])
            believed = (y_believed.to(y).reshape(-1) - self.offset) / self.scale
            y = torch.cat([y, believed.expand(len(x_believed))])
        noise = model.likelihood.noise.detach().reshape(())
        correlation, _ = self.profile(
            squared_distances(differences(x, x, self.categorical), self.lengthscale)
        )
        covariance = correlation + noise * torch.eye(len(x), dtype=x.dtype, device=x.device)
        self.x = x
        self.cholesky = psd_safe_cholesky(covariance)
        self.weights = torch.cholesky_solve((y - self.constant).unsqueeze(-1), self.cholesky)

    def moments(self, x: torch.Tensor, with_gradient: bool = True) -> Moments:
        """Mean and standard deviation at `points x d` points (and their gradients)."""
        difference = differences(x, self.x, self.categorical)  # points x n x d
        cross, slope = self.profile(squared_distances(difference, self.lengthscale))
        mean = self.constant + (cross @ self.weights).squeeze(-1)
        solved = torch.linalg.solve_triangular(self.cholesky, cross.T, upper=False)
        variance = (1.0 - solved.pow(2).sum(0)) * self.scale**2
        sigma = variance.clamp_min(MIN_VARIANCE).sqrt()
        mean = mean * self.scale + self.offset
        if not with_gradient:
            return Moments(mean, sigma)
        # d k(x, x_i) / dx = slope_i * d r^2 / dx = slope_i * 2 (x - x_i) / l^2
        d_cross = difference * self.slope_factor  # over slope_i
        d_mean = self.scale * torch.einsum("pn,pnd->pd", slope * self.weights.T, d_cross)
        k_inverse_cross = torch.linalg.solve_triangular(self.cholesky.T, solved, upper=True)
        d_variance = (
            -2 * self.scale**2 * torch.einsum("pn,pnd->pd", slope * k_inverse_cross.T, d_cross)
        )
        unclamped = (sigma.pow(2) > MIN_VARIANCE).to(sigma)
        d_sigma = unclamped.unsqueeze(-1) * d_variance / (2 * sigma.unsqueeze(-1))
        return Moments(mean, sigma, d_mean, d_sigma)


class CachedAnalyticAcquisition(AcquisitionFunction):
    """An analytic acquisition on cached posteriors, one point at a time, with its
    gradient in closed form (see gen_candidates_direct)."""

    @t_batch_mode_transform(expected_q=1)
    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """The value at a `batch x 1 x d` tensor of points; returns `batch` values.

        When X requires a gradient, the gradient is computed in closed form and
        attached to the value: autograd's backward pass through these products cost
        more than the products themselves.
        """
        x = X.detach().reshape(-1, X.shape[-1])
        value, gradient = self.value_and_gradient(x, with_gradient=X.requires_grad)
        if gradient is not None:  # adds zero, with the gradient as its derivative in X
            value = value + (gradient * (X.reshape(x.shape) - x)).sum(-1)
        return value.reshape(X.shape[:-2])

    @abstractmethod
    def value_and_gradient(
        self, x: torch.Tensor, with_gradient: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """The value at `points x d` points, and (if asked) its gradient, `points x d`."""


class CachedLogExpectedImprovement(CachedAnalyticAcquisition):
    """log E[max(f(x) - best_f, 0)] under the GP posterior, maximized.

    Args:
        model: A fitted model for which `supports(model)` holds.
        best_f: The incumbent, in the model's (untransformed) outcome units.
        x_believed: Points (k x d) to condition on as if observed, or None.
        y_believed: The values (k) believed at them, in untransformed units.
    """

    def __init__(
        self,
        model: SingleTaskGP,
        best_f: float,
        x_believed: torch.Tensor | None = None,
        y_believed: torch.Tensor | None = None,
    ) -> None:
        super().__init__(model)
        self.best_f = best_f
        self.posterior = CachedPosterior(model, x_believed, y_believed)

    @staticmethod
    def supports(model: Model) -> bool:
        """Whether `model` is the one GP this computes exactly."""
        return is_plain_gp(model)

    def value_and_gradient(
        self, x: torch.Tensor, with_gradient: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        return log_expected_improvement(self.posterior.moments(x, with_gradient), self.best_f)


class CachedLogConstrainedExpectedImprovement(CachedAnalyticAcquisition):
    """LogEI of the objective plus the log-probability that each constraint holds,
    each outcome's GP taken as independent: BoTorch's LogConstrainedExpectedImprovement
    for one-sided bounds.

    A metric with both bounds counts as two one-sided constraints, the product of their
    probabilities (exact when the interval is wide against the posterior's spread).

    Args:
        objective: The objective's model (`supports` holds), maximized.
        best_f: The best feasible value observed, in the objective's units.
        constraints: (model, bound, upper) for each constraint: the metric's model, its
            bound, and whether the bound is an upper one (feasible where below it).
        x_believed: Points (k x d) to condition the objective on, or None.
        y_believed: The objective values (k) believed at them.
    """

    def __init__(
        self,
        objective: SingleTaskGP,
        best_f: float,
        constraints: Sequence[tuple[SingleTaskGP, float, bool]],
        x_believed: torch.Tensor | None = None,
        y_believed: torch.Tensor | None = None,
    ) -> None:
        super().__init__(objective)
        self.best_f = best_f
        self.objective = CachedPosterior(objective, x_believed, y_believed)
        # Bounds grouped by model: both bounds of a metric share one posterior.
        grouped: dict[int, tuple[CachedPosterior, list[tuple[float, bool]]]] = {}
        for model, bound, upper in constraints:
            if id(model) not in grouped:
                grouped[id(model)] = (CachedPosterior(model), [])
            grouped[id(model)][1].append((bound, upper))
        self.constraints = list(grouped.values())

    def value_and_gradient(
        self, x: torch.Tensor, with_gradient: bool = True
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        value, gradient = log_expected_improvement(
            self.objective.moments(x, with_gradient), self.best_f
        )
        for posterior, bounds in self.constraints:
            at_x = posterior.moments(x, with_gradient)
            for bound, upper in bounds:
                log_p, d_log_p = log_probability_below(at_x, bound, upper)
                value = value + log_p
                if gradient is not None and d_log_p is not None:
                    gradient = gradient + d_log_p
        return value, gradient


def log_expected_improvement(
    moments: Moments, best_f: float
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """log E[max(f - best_f, 0)] for f ~ N(mean, sigma^2), and its gradient in x."""
    sigma = moments.sigma
    z = (moments.mean - best_f) / sigma
    log_h = _log_ei_helper(z)
    log_ei = log_h + sigma.log()
    if moments.d_mean is None or moments.d_sigma is None:
        return log_ei, None
    d_sigma = moments.d_sigma / sigma.unsqueeze(-1)
    d_z = moments.d_mean / sigma.unsqueeze(-1) - z.unsqueeze(-1) * d_sigma
    # d log h(z) / dz = Phi(z) / h(z), with h(z) = phi(z) + z Phi(z)
    ratio = torch.exp(torch.special.log_ndtr(z) - log_h).unsqueeze(-1)
    return log_ei, ratio * d_z + d_sigma


def log_probability_below(
    moments: Moments, bound: float, upper: bool
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """log P(f <= bound) (or P(f >= bound) when not `upper`) for f ~ N(mean, sigma^2),
    and its gradient in x."""
    sign = 1.0 if upper else -1.0
    sigma = moments.sigma
    z = sign * (bound - moments.mean) / sigma
    log_p = torch.special.log_ndtr(z)
    if moments.d_mean is None or moments.d_sigma is None:
        return log_p, None
    d_z = (-sign * moments.d_mean - z.unsqueeze(-1) * moments.d_sigma) / sigma.unsqueeze(-1)
    # d log Phi(z) / dz = phi(z) / Phi(z)
    log_phi = -0.5 * z.pow(2) - 0.5 * math.log(2 * math.pi)
    return log_p, torch.exp(log_phi - log_p).unsqueeze(-1) * d_z


def gen_candidates_direct(
    initial_conditions: torch.Tensor,
    acquisition_function: AcquisitionFunction,
    lower_bounds: float | torch.Tensor | None = None,
    upper_bounds: float | torch.Tensor | None = None,
    options: dict[str, Any] | None = None,
    fixed_features: dict[int, float | torch.Tensor] | None = None,
    **_: Any,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BoTorch's `gen_candidates_scipy` for a `CachedAnalyticAcquisition`: the same
    batched L-BFGS-B from each starting point (`restarts x 1 x d`), with the same
    stopping rules (`maxiter`, and `tol` as the projected-gradient tolerance), given
    the closed-form value and gradient directly.

    `gen_candidates_scipy` wraps every evaluation in autograd and feature fixing and
    inspects the loaded BLAS libraries on every call, which cost more than the
    acquisition (docs/engine.md#cached-acquisition). Pass it to `optimize_acqf` as
    `gen_candidates`.

    `fixed_features` (column -> a value, or one value per start, as the mixed
    optimizer's continuous steps hold the discrete columns) stay where they are: their
    gradient is zero, so no L-BFGS-B direction moves them, which is the run BoTorch
    makes with those columns left out.
    """
    assert isinstance(acquisition_function, CachedAnalyticAcquisition)
    restarts, q, dims = initial_conditions.shape
    assert q == 1, "one point at a time"
    like = initial_conditions
    lower = torch.as_tensor(0.0 if lower_bounds is None else lower_bounds).to(like).expand(dims)
    upper = torch.as_tensor(1.0 if upper_bounds is None else upper_bounds).to(like).expand(dims)
    starts = initial_conditions.detach().reshape(restarts, dims).clone()
    fixed = list(fixed_features or {})
    for column, value in (fixed_features or {}).items():
        starts[:, column] = torch.as_tensor(value).to(like).reshape(-1)
    moving = torch.ones(dims, dtype=like.dtype, device=like.device)
    moving[fixed] = 0.0
    options = options or {}

    # Inference mode: no autograd bookkeeping (version counters, views) on the few
    # dozen small tensor operations of each evaluation, a fifth of their time.
    @torch.inference_mode()
    def negative(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        value, gradient = acquisition_function.value_and_gradient(
            torch.from_numpy(x).to(like).reshape(-1, dims)
        )
        assert gradient is not None
        return -value.cpu().numpy(), -(gradient * moving).cpu().numpy()

    with threadpools().limit(limits=1, user_api="blas"):
        xs, _, _ = fmin_l_bfgs_b_batched(
            func=negative,
            x0=starts.cpu().numpy(),
            bounds=list(zip(lower.tolist(), upper.tolist(), strict=True)),
            maxiter=options.get("maxiter", 2000),
            tol=options.get("tol"),
        )
    candidates = torch.from_numpy(np.asarray(xs)).to(like).clamp(lower, upper)
    candidates[:, fixed] = starts[:, fixed]
    candidates = candidates.reshape(restarts, 1, dims)
    with torch.no_grad():
        return candidates, acquisition_function(candidates)
