"""The stationary kernels GP_BANDIT's direct fit and cached LogEI compute themselves.

Each kernel is a function of the squared scaled distance r² = Σ_k (δ_k / l_k)² with
unit outputscale (no `ScaleKernel`: outcomes are standardized), where δ_k is
x_k - x'_k on a continuous or ordered column and, on a categorical column, 1 when the
categories differ and 0 when they agree (the Hamming distance Optuna's GPSampler also
uses). On continuous columns the kernels are GPyTorch's `RBFKernel` and
`MaternKernel(nu=2.5)`; `CategoricalMaternKernel` is the Matern-5/2 kernel with
categorical columns. Each profile returns k(r²) and its slope dk/d(r²), from which the
gradients in the lengthscales and in x both follow, so one function per kernel serves
the marginal likelihood and the acquisition.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any

import torch
from botorch.models.utils.gpytorch_modules import get_covar_module_with_dim_scaled_prior
from gpytorch.kernels import Kernel, MaternKernel, RBFKernel

Profile = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
SQRT5 = math.sqrt(5.0)
MIN_SQUARED_DISTANCE = 1e-30
"""Where r² is clamped before its square root, as GPyTorch's distances are, so that the
gradient of k in x stays finite at r = 0."""


def rbf(squared_distance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """exp(-r²/2) and its slope in r²."""
    value = torch.exp(-0.5 * squared_distance)
    return value, -0.5 * value


def matern52(squared_distance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(1 + √5 r + 5r²/3) exp(-√5 r) and its slope in r², -(5/6)(1 + √5 r) exp(-√5 r).

    The slope in r² stays finite at r = 0, where the slope in r would not.
    """
    scaled = squared_distance.clamp_min(MIN_SQUARED_DISTANCE).sqrt() * SQRT5  # √5 r
    decay = torch.exp(-scaled)
    linear = 1 + scaled
    value = (linear + (5.0 / 3.0) * squared_distance) * decay
    return value, (-5.0 / 6.0) * linear * decay


class CategoricalMaternKernel(MaternKernel):
    """Matern-5/2 with ARD lengthscales, whose categorical columns (category indices)
    count 1 / l_k² in r² when the categories differ and nothing when they agree.

    Args:
        categorical: The categorical columns.
        **kwargs: As for `MaternKernel` (nu is 2.5).
    """

    def __init__(self, categorical: Sequence[int], **kwargs: Any) -> None:
        super().__init__(nu=2.5, **kwargs)
        self.categorical = tuple(sorted(categorical))

    def forward(
        self, x1: torch.Tensor, x2: torch.Tensor, diag: bool = False, **params: Any
    ) -> torch.Tensor:
        if params.get("last_dim_is_batch"):
            raise NotImplementedError("CategoricalMaternKernel with last_dim_is_batch")
        if diag:
            difference = categorical_differences(x1 - x2, self.categorical)
            return matern52(squared_distances(difference, self.lengthscale))[0]
        lengthscale = self.lengthscale.unsqueeze(-2)  # ... x 1 x 1 x d
        return matern52(squared_distances(differences(x1, x2, self.categorical), lengthscale))[0]


def dim_scaled_categorical_kernel(dims: int, categorical: Sequence[int]) -> CategoricalMaternKernel:
    """`CategoricalMaternKernel` with the lengthscale prior and bound of BoTorch's
    `get_covar_module_with_dim_scaled_prior`, on every column alike."""
    continuous = get_covar_module_with_dim_scaled_prior(dims, use_rbf_kernel=False)
    return CategoricalMaternKernel(
        categorical,
        ard_num_dims=dims,
        lengthscale_prior=continuous.lengthscale_prior,
        lengthscale_constraint=continuous.raw_lengthscale_constraint,
    )


def profile_of(kernel: Kernel) -> Profile | None:
    """The profile computing `kernel`, or None for a kernel not written here."""
    if type(kernel) is RBFKernel:
        return rbf
    if type(kernel) in (MaternKernel, CategoricalMaternKernel) and kernel.nu == 2.5:
        return matern52
    return None


def categorical_columns(kernel: Kernel) -> tuple[int, ...]:
    """The columns `kernel` treats as categories (none for the plain kernels)."""
    return getattr(kernel, "categorical", ())


def differences(a: torch.Tensor, b: torch.Tensor, categorical: Sequence[int] = ()) -> torch.Tensor:
    """δ between every pair of rows (... x len(a) x len(b) x d): a_i - b_j, and on the
    `categorical` columns 1 where the categories differ, 0 where they agree."""
    return categorical_differences(a.unsqueeze(-2) - b.unsqueeze(-3), categorical)


def categorical_differences(difference: torch.Tensor, categorical: Sequence[int]) -> torch.Tensor:
    """`difference` with its `categorical` columns replaced by 1 (differ) or 0 (agree)."""
    if not categorical:
        return difference
    mask = _column_mask(difference.shape[-1], tuple(categorical), difference.device)
    # Category indices are whole numbers; half a unit apart is already "different".
    return torch.where(mask, (difference.abs() > 0.5).to(difference), difference)


@functools.lru_cache(maxsize=64)
def _column_mask(dims: int, columns: tuple[int, ...], device: torch.device) -> torch.Tensor:
    """A boolean vector, True at `columns`: made once, not at every kernel evaluation
    (the acquisition's optimizer evaluates some 40 times a suggestion)."""
    mask = torch.zeros(dims, dtype=torch.bool, device=device)
    mask[list(columns)] = True
    return mask


def squared_distances(differences: torch.Tensor, lengthscale: torch.Tensor) -> torch.Tensor:
    """Σ_k (difference_k / l_k)² over the last dimension."""
    return (differences / lengthscale).pow(2).sum(-1)


def pairwise_squared_distances(
    a: torch.Tensor, b: torch.Tensor, lengthscale: torch.Tensor, categorical: Sequence[int] = ()
) -> torch.Tensor:
    """`squared_distances(differences(a, b, categorical), lengthscale)` (len(a) x len(b))
    without the len(a) x len(b) x d tensor of differences.

    On continuous columns |a_i - b_j|² = |a_i|² + |b_j|² - 2 a_i·b_j, one matrix product
    (docs/engine.md#pairwise-distances). The subtraction loses the last digits of
    distances near zero (about 1e-14 of |a|²), so gradients, which need the differences
    anyway, keep `differences`.
    """
    continuous = _continuous_columns(a.shape[-1], tuple(categorical), a.device)
    scaled_a = a[..., continuous] / lengthscale[continuous]
    scaled_b = b[..., continuous] / lengthscale[continuous]
    squared = (
        scaled_a.pow(2).sum(-1).unsqueeze(-1)
        + scaled_b.pow(2).sum(-1).unsqueeze(-2)
        - 2 * scaled_a @ scaled_b.transpose(-1, -2)
    ).clamp_min(0.0)
    if categorical:
        columns = list(categorical)
        differ = differences(a[..., columns], b[..., columns], range(len(columns)))
        squared = squared + squared_distances(differ, lengthscale[columns])
    return squared


@functools.lru_cache(maxsize=64)
def _continuous_columns(
    dims: int, categorical: tuple[int, ...], device: torch.device
) -> torch.Tensor:
    """The indices of the columns not in `categorical`, made once per space."""
    return torch.tensor([k for k in range(dims) if k not in categorical], device=device)
