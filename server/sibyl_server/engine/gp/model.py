"""The surrogate: one exact GP per outcome, fitted, warm-started from the last step."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import torch
from botorch.models import SingleTaskGP
from botorch.models.model import Model
from botorch.models.utils.gpytorch_modules import get_covar_module_with_dim_scaled_prior
from gpytorch import settings as gpytorch_settings
from gpytorch.constraints import GreaterThan, Interval
from gpytorch.likelihoods import GaussianLikelihood
from gpytorch.priors import GammaPrior

from sibyl_server.engine.gp.data import StepData
from sibyl_server.engine.gp.fit import LENGTHSCALE, fit_model
from sibyl_server.engine.gp.kernels import dim_scaled_categorical_kernel

Hyperparameters = dict[str, Any]
"""A fit's raw learnable parameters by name, JSON-ready (nested lists of floats)."""


@dataclass(frozen=True)
class FittedModels:
    """The step's GPs, one per outcome of its training set, and their hyperparameters.

    Attributes:
        models: Fitted models, in the order of `TrainingSet.outcomes`.
        hyperparameters: Each model's hyperparameters, by outcome name.
    """

    models: list[Model]
    hyperparameters: dict[str, Hyperparameters]


def fit_models(
    data: StepData, saved: Mapping[str, Mapping[str, Any]], max_exact_observations: int
) -> FittedModels:
    """Fits a GP to each outcome, each starting from its `saved` hyperparameters."""
    cat_dims = sorted(data.encoding.categorical_dims)
    models: list[Model] = []
    hyperparameters: dict[str, Hyperparameters] = {}
    with gpytorch_settings.max_cholesky_size(max_exact_observations + 1):
        for outcome in data.training.outcomes:
            x = data.x[outcome.rows]
            y = data.tensor(outcome.values).unsqueeze(-1)
            model = surrogate(x, y, cat_dims)
            fit_model(model, warm_started=warm_start(model, saved.get(outcome.name)))
            models.append(model)
            hyperparameters[outcome.name] = hyperparameters_of(model)
    return FittedModels(models, hyperparameters)


def surrogate(
    x: torch.Tensor,
    y: torch.Tensor,
    cat_dims: list[int],
    kernel: Literal["matern52", "rbf"] = "matern52",
) -> SingleTaskGP:
    """An exact GP on `n x d` inputs x and `n x 1` values y whose fit may find (near)
    zero noise.

    A nearly flat Gamma(1.1, 30) noise prior over a 1e-6 floor (as Optuna's GPSampler
    uses) lets deterministic objectives be interpolated, where BoTorch's default holds
    the noise at or above 1e-4 of the variance (docs/engine.md#noise). Continuous
    spaces get a Matern-5/2 kernel with BoTorch's dimension-scaled lengthscale prior
    (docs/engine.md#kernel); `kernel="rbf"` gives BoTorch's default RBF. Categorical
    columns get `CategoricalMaternKernel` whatever `kernel` says: a SingleTaskGP that
    the direct fit and the cached LogEI compute (docs/engine.md#categories).
    """
    likelihood = GaussianLikelihood(
        noise_prior=GammaPrior(1.1, 30.0),
        noise_constraint=GreaterThan(1e-6, transform=None, initial_value=1e-3),
    ).to(x)
    if cat_dims:
        covar_module = dim_scaled_categorical_kernel(x.shape[-1], cat_dims).to(x)
    else:
        covar_module = get_covar_module_with_dim_scaled_prior(
            x.shape[-1], use_rbf_kernel=kernel == "rbf"
        ).to(x)
    return SingleTaskGP(x, y, likelihood=likelihood, covar_module=covar_module)


def hyperparameters_of(model: Model) -> Hyperparameters:
    """The fitted (raw) kernel, mean and noise parameters, JSON-ready.

    Only learnable parameters: buffers hold data statistics and constraint bounds
    (some infinite), which are not the fit's to carry over.
    """
    return {
        name: value.detach().cpu().tolist()
        for name, value in model.named_parameters()
        if bool(torch.isfinite(value).all())
    }


def saved_lengthscales(saved: Mapping[str, Any] | None) -> list[float] | None:
    """The lengthscales of a fit saved by `hyperparameters_of`, one per input column,
    or None where there is no such fit.

    Stored raw: the kernels' bound (`get_covar_module_with_dim_scaled_prior`'s, which
    the categorical kernel shares) maps them to lengthscales.
    """
    raw = (saved or {}).get(LENGTHSCALE)
    if raw is None:
        return None
    return _lengthscale_bound().transform(torch.tensor(raw, dtype=torch.float64)).flatten().tolist()


@functools.cache
def _lengthscale_bound() -> Interval:
    """The kernels' lengthscale bound, built once (a kernel to read it from costs 0.2 ms);
    only its transform is used, never moved to a device."""
    return get_covar_module_with_dim_scaled_prior(1).raw_lengthscale_constraint


def warm_start(model: Model, saved: Mapping[str, Any] | None) -> bool:
    """Starts the fit from the last fit's hyperparameters when they still fit the model;
    returns whether it did.

    The input/outcome transforms' statistics are never loaded: they belong to the new
    data (loading them would silently rescale it).
    """
    if not saved:
        return False
    current = model.state_dict()
    update = {}
    for name, value in saved.items():
        if name in current:
            tensor = torch.tensor(value, dtype=current[name].dtype, device=current[name].device)
            if tensor.shape == current[name].shape:
                update[name] = tensor
    model.load_state_dict(update, strict=False)
    return bool(update)
