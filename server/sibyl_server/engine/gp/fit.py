"""Fitting GP_BANDIT's GPs: BoTorch's fit, with a direct path for the plain GP.

`fit_gpytorch_mll` spends milliseconds of Python per evaluation whatever the data size
(docs/engine.md#direct-fit). For the one model GP_BANDIT builds (`SingleTaskGP` with a
kernel of gp/kernels.py: Matern-5/2 or RBF, categorical columns or none; constant
mean, homoskedastic Gaussian noise, no input transform) the same objective is written
here in a few tensor operations on a flat parameter vector, using the model's own
priors and constraint transforms, and minimized with the same L-BFGS-B (BoTorch's
bounds, a looser tolerance). Every other model, and any fit that does not end at a
finite loss no worse than where it started, goes through `fit_gpytorch_mll`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from botorch.fit import fit_gpytorch_mll
from botorch.models import SingleTaskGP
from botorch.models.model import Model
from botorch.models.transforms.outcome import Standardize
from gpytorch.constraints import Interval
from gpytorch.likelihoods import GaussianLikelihood
from gpytorch.means import ConstantMean
from gpytorch.mlls import ExactMarginalLogLikelihood
from gpytorch.priors import GammaPrior, LogNormalPrior
from linear_operator.utils.cholesky import psd_safe_cholesky
from scipy.optimize import minimize

from sibyl_server.engine.gp.kernels import categorical_columns, differences, profile_of
from sibyl_server.engine.gp.threads import threadpools

LENGTHSCALE = "covar_module.raw_lengthscale"
CONSTANT = "mean_module.raw_constant"
NOISE = "likelihood.noise_covar.raw_noise"
PRIORS = {"covar_module.lengthscale_prior", "likelihood.noise_covar.noise_prior"}
WARM_START_TOLERANCE = 1e-7
"""A warm-started fit stops when a step improves the loss (per trial) by less than this.

It starts near the optimum, which one new trial moves a little; scipy's default
(2.2e-9) spent most of it on digits that do not move the model
(docs/engine.md#warm-start-tolerance). A cold start keeps the default."""


def fit_model(model: Model, warm_started: bool = False) -> None:
    """Fits `model`'s hyperparameters by maximizing the marginal likelihood (+ priors).

    `warm_started`: the model starts from an earlier fit's optimum (see
    WARM_START_TOLERANCE).
    """
    if (
        is_plain_gp(model)
        and DirectMarginalLikelihood.supports(model)  # type: ignore[arg-type]
        and DirectMarginalLikelihood(model).fit(warm_started)  # type: ignore[arg-type]
    ):
        return
    fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))  # type: ignore[attr-defined]


def is_plain_gp(model: Model) -> bool:
    """Whether `model` is the single-output `SingleTaskGP` that GP_BANDIT builds: a
    kernel of gp/kernels.py, a constant mean, its priors, outcome standardization
    and no input transform."""
    return (
        type(model) is SingleTaskGP  # not a subclass such as MixedSingleTaskGP
        and profile_of(model.covar_module) is not None
        and type(model.mean_module) is ConstantMean
        and type(model.likelihood) is GaussianLikelihood
        and isinstance(getattr(model, "outcome_transform", None), Standardize)
        and getattr(model, "input_transform", None) is None
        and model.num_outputs == 1
        and model.train_inputs[0].dim() == 2
        and {name for name, _ in model.named_parameters()} == {LENGTHSCALE, CONSTANT, NOISE}
        and {name for name, *_ in model.named_priors()} <= PRIORS
    )


class DirectMarginalLikelihood:
    """-(log marginal likelihood + log priors) / n of a plain GP, as GPyTorch's
    `ExactMarginalLogLikelihood` computes it, and its gradient in closed form, over the
    raw parameters as one vector (lengthscales, constant mean, noise).

    Closed form because autograd's backward pass through the Cholesky factor cost more
    than the whole forward computation at these sizes.
    """

    def __init__(self, model: SingleTaskGP) -> None:
        self.model = model
        self.kernel = model.covar_module
        self.noise_covar = model.likelihood.noise_covar  # type: ignore[attr-defined]
        profile = profile_of(self.kernel)
        assert profile is not None, "fit_model checks is_plain_gp first"
        self.profile = profile
        x = model.train_inputs[0].detach()
        self.y = model.train_targets.detach()
        self.dims = x.shape[-1]
        # (n * n) x d: the scaled distances and the lengthscale gradient are then two
        # matrix-vector products (8 us each at n = 50, against 22 and 15 us broadcast).
        squared = differences(x, x, categorical_columns(self.kernel)).pow(2)
        self.squared_differences = squared.reshape(-1, self.dims)
        self.identity = torch.eye(len(x), dtype=x.dtype, device=x.device)
        self.priors = _Priors.of(model, x)

    @staticmethod
    def supports(model: SingleTaskGP) -> bool:
        """Whether the closed form holds: raw parameters are the values themselves
        (bounded by L-BFGS-B, as BoTorch does, from below by a positive bound), priors
        LogNormal on the lengthscales and Gamma on the noise, or none."""
        kernel, noise = model.covar_module, model.likelihood.noise_covar  # type: ignore[attr-defined]
        return (
            not kernel.raw_lengthscale_constraint.enforced
            and not noise.raw_noise_constraint.enforced
            and _positive_lower_bound(kernel.raw_lengthscale_constraint)
            and _positive_lower_bound(noise.raw_noise_constraint)
            and isinstance(getattr(kernel, "lengthscale_prior", None), LogNormalPrior | None)
            and isinstance(getattr(noise, "noise_prior", None), GammaPrior | None)
        )

    def initial(self) -> np.ndarray:
        """The model's current raw parameters, flattened."""
        parts = [
            self.kernel.raw_lengthscale,
            self.model.mean_module.raw_constant,
            self.noise_covar.raw_noise,
        ]
        return torch.cat([p.detach().reshape(-1) for p in parts]).cpu().numpy()

    def bounds(self) -> list[tuple[float | None, float | None]]:
        """The constraints' bounds on each raw parameter (none on the mean)."""
        return (
            [_bounds(self.kernel.raw_lengthscale_constraint)] * self.dims
            + [(None, None)]
            + [_bounds(self.noise_covar.raw_noise_constraint)]
        )

    def __call__(self, vector: np.ndarray) -> tuple[float, np.ndarray]:
        """The loss and its gradient at `vector`."""
        theta = torch.from_numpy(np.asarray(vector, dtype=np.float64)).to(self.y)
        lengthscale, constant, noise = theta[: self.dims], theta[self.dims], theta[-1]
        n = len(self.y)
        scaled = (self.squared_differences @ lengthscale.pow(-2)).reshape(n, n)
        correlation, slope = self.profile(scaled)
        cholesky = psd_safe_cholesky(correlation + noise * self.identity)
        residual = (self.y - constant).unsqueeze(-1)
        alpha = torch.cholesky_solve(residual, cholesky)  # K^-1 r
        log_likelihood = (
            -0.5 * (residual * alpha).sum()
            - cholesky.diagonal().log().sum()
            - 0.5 * n * math.log(2 * math.pi)
        )
        # d log_likelihood / d theta = 0.5 tr((alpha alpha^T - K^-1) dK/d theta), and
        # dK/d lengthscale_k = slope * d r^2 / d lengthscale_k = slope * -2 diff_k^2 / l_k^3
        inner = alpha @ alpha.T - torch.cholesky_inverse(cholesky)
        d_lengthscale = -(inner * slope).reshape(-1) @ self.squared_differences
        d_lengthscale = d_lengthscale / lengthscale.pow(3)
        d_constant = alpha.sum()
        d_noise = 0.5 * inner.diagonal().sum()
        prior, d_prior_lengthscale, d_prior_noise = self.priors(lengthscale, noise)
        loss = -(log_likelihood + prior) / n
        gradient = torch.cat(
            [
                d_lengthscale + d_prior_lengthscale,
                d_constant.reshape(1),
                (d_noise + d_prior_noise).reshape(1),
            ]
        )
        return float(loss), (-gradient / n).cpu().numpy()

    def fit(self, warm_started: bool = False) -> bool:
        """Minimizes the loss from the current parameters; sets them on the model.

        Returns False (leaving the model as it was) when the fit failed: a non-finite
        loss, a Cholesky failure, or an end worse than the start.
        """
        start = self.initial()
        logged = self.positive()
        start_in_logs = _logs(start, logged)
        try:
            start_loss, start_gradient = self(start)

            def objective(in_logs: np.ndarray) -> tuple[float, np.ndarray]:
                # L-BFGS-B evaluates the start first: that one is known already.
                if np.array_equal(in_logs, start_in_logs):
                    loss, gradient = start_loss, start_gradient
                    vector = start
                else:
                    vector = _exponentials(in_logs, logged)
                    loss, gradient = self(vector)
                return loss, np.where(logged, gradient * vector, gradient)  # chain rule

            # L-BFGS-B's own steps are tiny; multithreaded BLAS only adds contention
            # (measured 3x slower on 2 busy cores), as BoTorch's optimizers also find.
            with threadpools().limit(limits=1, user_api="blas"):
                result = minimize(
                    objective,
                    start_in_logs,
                    jac=True,
                    method="L-BFGS-B",
                    bounds=_logs_of_bounds(self.bounds(), logged),
                    options={"ftol": WARM_START_TOLERANCE} if warm_started else None,
                )
        except (RuntimeError, ValueError):  # e.g. NotPSDError, a NaN in the line search
            return False
        if not (math.isfinite(result.fun) and np.isfinite(result.x).all()):
            return False
        if math.isfinite(start_loss) and result.fun > start_loss:
            return False
        self._set(_exponentials(result.x, logged))
        return True

    def positive(self) -> np.ndarray:
        """Which raw parameters (the lengthscales and the noise, not the mean) the fit
        moves in log coordinates.

        Lengthscales span 0.03 to 30 and the noise 1e-6 to 1: a step in their logs is
        a step of the same relative size for each, so warm fits take fewer evaluations
        to the same optimum (docs/engine.md#log-coordinates).
        """
        mask = np.ones(self.dims + 2, dtype=bool)
        mask[self.dims] = False
        return mask

    def _set(self, vector: np.ndarray) -> None:
        theta = torch.from_numpy(vector).to(self.y)
        kernel, noise = self.kernel, self.noise_covar
        with torch.no_grad():
            kernel.raw_lengthscale.copy_(theta[: self.dims].reshape_as(kernel.raw_lengthscale))
            self.model.mean_module.raw_constant.copy_(theta[self.dims])
            noise.raw_noise.copy_(theta[-1:].reshape_as(noise.raw_noise))
        self.model.train()  # drops prediction caches built with the old parameters
        self.model.eval()


def _logs(vector: np.ndarray, logged: np.ndarray) -> np.ndarray:
    result = vector.copy()
    result[logged] = np.log(vector[logged])
    return result


def _exponentials(in_logs: np.ndarray, logged: np.ndarray) -> np.ndarray:
    """The inverse of `_logs`. A log beyond ~709 gives inf without a warning: L-BFGS-B's
    line search may probe such a step (the lengthscales have no upper bound). An
    infinite lengthscale gives an infinite loss, from which the search steps back; an
    infinite noise fails the Cholesky factorization, a failed fit like any other. The
    overflow is expected, not something to print in a server's log."""
    result = in_logs.copy()
    with np.errstate(over="ignore"):
        result[logged] = np.exp(in_logs[logged])
    return result


def _logs_of_bounds(
    bounds: list[tuple[float | None, float | None]], logged: np.ndarray
) -> list[tuple[float | None, float | None]]:
    """`bounds` in the fit's coordinates (see DirectMarginalLikelihood.positive)."""

    def log(bound: float | None) -> float | None:
        return None if bound is None else math.log(bound)

    return [
        (log(lower), log(upper)) if is_logged else (lower, upper)
        for (lower, upper), is_logged in zip(bounds, logged, strict=True)
    ]


@dataclass(frozen=True)
class _Priors:
    """The LogNormal lengthscale prior's and the Gamma noise prior's parameters, read
    from the model once per fit rather than at every evaluation, where their reading
    and conversion cost a fifth of it (docs/engine.md#direct-fit)."""

    loc: torch.Tensor | None
    scale: torch.Tensor | None
    concentration: float | None
    rate: float | None
    constant: float
    """The log densities' terms free of the parameters, summed."""

    @staticmethod
    def of(model: SingleTaskGP, like: torch.Tensor) -> _Priors:
        """`model`'s priors, for lengthscales of `like`'s last dimension."""
        lengthscale = getattr(model.covar_module, "lengthscale_prior", None)
        noise = getattr(model.likelihood.noise_covar, "noise_prior", None)  # type: ignore[attr-defined]
        loc = scale = concentration = rate = None
        constant = 0.0
        if lengthscale is not None:
            loc = lengthscale.loc.to(like).reshape(-1)
            scale = lengthscale.scale.to(like).reshape(-1)
            per_dim = -scale.log() - 0.5 * math.log(2 * math.pi)
            constant += float(per_dim.expand(like.shape[-1]).sum())
        if noise is not None:
            concentration, rate = float(noise.concentration), float(noise.rate)
            constant += concentration * math.log(rate) - math.lgamma(concentration)
        return _Priors(loc, scale, concentration, rate, constant)

    def __call__(
        self, lengthscale: torch.Tensor, noise: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """log p(lengthscale) + log p(noise), and its derivatives in each."""
        value = torch.full((), self.constant, dtype=noise.dtype, device=noise.device)
        d_lengthscale, d_noise = torch.zeros_like(lengthscale), torch.zeros_like(noise)
        if self.loc is not None and self.scale is not None:
            log_lengthscale = lengthscale.log()
            z = (log_lengthscale - self.loc) / self.scale
            value = value - (log_lengthscale + 0.5 * z.pow(2)).sum()
            d_lengthscale = -(1 + z / self.scale) / lengthscale
        if self.concentration is not None and self.rate is not None:
            a, b = self.concentration, self.rate
            value = value + (a - 1) * noise.log() - b * noise
            d_noise = (a - 1) / noise - b
        return value, d_lengthscale, d_noise


def _positive_lower_bound(constraint: Interval) -> bool:
    """Whether the constraint keeps its parameter above a positive bound (the fit moves
    it in log coordinates)."""
    lower, _ = _bounds(constraint)
    return lower is not None and lower > 0


def _bounds(constraint: Interval) -> tuple[float | None, float | None]:
    lower, upper = float(constraint.lower_bound.min()), float(constraint.upper_bound.max())
    return (lower if math.isfinite(lower) else None, upper if math.isfinite(upper) else None)
