"""The kernel profiles GP_BANDIT's direct paths compute: GPyTorch's kernels, slopes
that are their derivatives, and the Matern kernel with categorical columns."""

from __future__ import annotations

import math

import pytest
import torch
from gpytorch.kernels import MaternKernel, RBFKernel

from sibyl_server.engine.gp.kernels import (
    CategoricalMaternKernel,
    differences,
    dim_scaled_categorical_kernel,
    matern52,
    pairwise_squared_distances,
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


def matern52_by_hand(
    a: list[float], b: list[float], lengthscale: list[float], cat: set[int]
) -> float:
    squared = sum(
        ((float(x != y) if k in cat else x - y) / lengthscale[k]) ** 2
        for k, (x, y) in enumerate(zip(a, b, strict=True))
    )
    r = math.sqrt(squared)
    return (1 + math.sqrt(5) * r + 5 * squared / 3) * math.exp(-math.sqrt(5) * r)


def categorical_points(count: int, generator: torch.Generator) -> torch.Tensor:
    """Points of [0, 1] x {0, 1, 2, 3} x [0, 1] x {0, 1, 2}."""
    x = torch.rand(count, 4, dtype=torch.float64, generator=generator)
    x[:, 1] = (x[:, 1] * 4).floor()
    x[:, 3] = (x[:, 3] * 3).floor()
    return x


def test_categorical_columns_count_whether_categories_differ() -> None:
    kernel = CategoricalMaternKernel([1, 3], ard_num_dims=4).to(torch.float64)
    lengthscale = [0.3, 0.7, 1.1, 2.0]
    with torch.no_grad():
        kernel.lengthscale = torch.tensor([lengthscale], dtype=torch.float64)
    generator = torch.Generator().manual_seed(1)
    a, b = categorical_points(6, generator), categorical_points(5, generator)
    expected = torch.tensor(
        [[matern52_by_hand(p, q, lengthscale, {1, 3}) for q in b.tolist()] for p in a.tolist()],
        dtype=torch.float64,
    )
    with torch.no_grad():
        torch.testing.assert_close(kernel(a, b).to_dense(), expected, rtol=1e-10, atol=1e-12)
        torch.testing.assert_close(kernel(a, a, diag=True), torch.ones(6, dtype=torch.float64))
        # GPyTorch's batched calls (a batch of candidates against the training data).
        batched = kernel(a.reshape(3, 2, 4), b.expand(3, 5, 4)).to_dense()
        torch.testing.assert_close(batched, expected.reshape(3, 2, 5), rtol=1e-10, atol=1e-12)
    assert profile_of(kernel) is matern52


def test_categories_have_no_order() -> None:
    kernel = dim_scaled_categorical_kernel(4, [1, 3]).to(torch.float64)
    base = torch.tensor([[0.5, 0.0, 0.5, 0.0]], dtype=torch.float64)
    next_category = base + torch.tensor([[0.0, 1.0, 0.0, 0.0]], dtype=torch.float64)
    far_category = base + torch.tensor([[0.0, 3.0, 0.0, 0.0]], dtype=torch.float64)
    with torch.no_grad():
        near, far = kernel(base, next_category).to_dense(), kernel(base, far_category).to_dense()
    assert float(near) < 1.0
    torch.testing.assert_close(near, far)


@pytest.mark.parametrize("categorical", [(), (1, 3)])
def test_pairwise_squared_distances_are_those_of_the_differences(categorical) -> None:  # type: ignore[no-untyped-def]
    generator = torch.Generator().manual_seed(2)
    a, b = categorical_points(9, generator), categorical_points(4, generator)
    b = torch.cat([b, a[:2]])  # pairs at distance zero
    lengthscale = torch.tensor([0.3, 0.7, 1.1, 2.0], dtype=torch.float64)
    expected = squared_distances(differences(a, b, categorical), lengthscale)
    actual = pairwise_squared_distances(a, b, lengthscale, categorical)
    torch.testing.assert_close(actual, expected, rtol=1e-12, atol=1e-12)
    assert bool((actual >= 0).all())
