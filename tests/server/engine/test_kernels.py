"""The kernel profiles GP_BANDIT's direct paths compute: GPyTorch's kernels, and slopes
that are their derivatives."""

from __future__ import annotations

import pytest
import torch
from gpytorch.kernels import MaternKernel, RBFKernel

from sibyl_server.engine.kernels import (
    differences,
    matern52,
    profile_of,
    rbf,
    squared_distances,
)


@pytest.mark.parametrize(
    ("kernel", "profile"),
    [(RBFKernel(ard_num_dims=3), rbf), (MaternKernel(2.5, ard_num_dims=3), matern52)],
)
def test_profiles_compute_gpytorchs_kernels(kernel, profile) -> None:  # type: ignore[no-untyped-def]
    kernel = kernel.to(torch.float64)
    with torch.no_grad():
        kernel.lengthscale = torch.tensor([[0.2, 0.5, 1.5]], dtype=torch.float64)
    generator = torch.Generator().manual_seed(0)
    a = torch.rand(7, 3, dtype=torch.float64, generator=generator)
    b = torch.cat([a[:2], torch.rand(5, 3, dtype=torch.float64, generator=generator)])
    assert profile_of(kernel) is profile
    value, _ = profile(squared_distances(differences(a, b), kernel.lengthscale.reshape(-1)))
    torch.testing.assert_close(value, kernel(a, b).to_dense().detach(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("profile", [rbf, matern52])
def test_slopes_are_derivatives_in_squared_distance(profile) -> None:  # type: ignore[no-untyped-def]
    squared = torch.tensor([0.0, 1e-8, 0.3, 1.0, 4.0, 25.0], dtype=torch.float64)
    _, slope = profile(squared)
    step = 1e-6
    above, _ = profile(squared + step)
    below, _ = profile((squared - step).clamp_min(0))
    finite = (above - below) / (squared + step - (squared - step).clamp_min(0))
    torch.testing.assert_close(slope, finite, rtol=1e-3, atol=1e-6)


def test_other_kernels_have_no_profile() -> None:
    assert profile_of(MaternKernel(nu=1.5)) is None
    assert profile_of(MaternKernel(nu=0.5)) is None
