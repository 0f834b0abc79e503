"""The stationary kernels GP_BANDIT's direct fit and cached LogEI compute themselves.

Both kernels are functions of the squared scaled distance r² = Σ_k ((x_k - x'_k) / l_k)²
with unit outputscale, as GPyTorch's `RBFKernel` and `MaternKernel(nu=2.5)` compute them
(no `ScaleKernel`: outcomes are standardized). Each profile returns k(r²) and its slope
dk/d(r²), from which the gradients in the lengthscales and in x both follow, so one
function per kernel serves the marginal likelihood and the acquisition.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import torch
from gpytorch.kernels import Kernel, MaternKernel, RBFKernel

Profile = Callable[[torch.Tensor], tuple[torch.Tensor, torch.Tensor]]
SQRT5 = math.sqrt(5.0)


def rbf(squared_distance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """exp(-r²/2) and its slope in r²."""
    value = torch.exp(-0.5 * squared_distance)
    return value, -0.5 * value


def matern52(squared_distance: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(1 + √5 r + 5r²/3) exp(-√5 r) and its slope in r², -(5/6)(1 + √5 r) exp(-√5 r).

    The slope in r² stays finite at r = 0, where the slope in r would not.
    """
    distance = squared_distance.clamp_min(0).sqrt()
    decay = torch.exp(-SQRT5 * distance)
    value = (1 + SQRT5 * distance + (5.0 / 3.0) * squared_distance) * decay
    return value, -(5.0 / 6.0) * (1 + SQRT5 * distance) * decay


def profile_of(kernel: Kernel) -> Profile | None:
    """The profile computing `kernel`, or None for a kernel not written here."""
    if type(kernel) is RBFKernel:
        return rbf
    if type(kernel) is MaternKernel and kernel.nu == 2.5:
        return matern52
    return None


def differences(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """a_i - b_j for every pair of rows (len(a) x len(b) x d)."""
    return a.unsqueeze(-2) - b.unsqueeze(-3)


def squared_distances(differences: torch.Tensor, lengthscale: torch.Tensor) -> torch.Tensor:
    """Σ_k (difference_k / l_k)² over the last dimension."""
    return (differences / lengthscale).pow(2).sum(-1)
