"""The joint model of several outcomes the quasi-Monte-Carlo acquisitions sample."""

from __future__ import annotations

import torch
from botorch.models import ModelListGP, SingleTaskGP

from sibyl_server.engine.gp.acquisition.monte_carlo import IndependentOutcomes


def gp(seed: int) -> SingleTaskGP:
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(8, 2, dtype=torch.float64, generator=generator)
    y = torch.rand(8, 1, dtype=torch.float64, generator=generator)
    return SingleTaskGP(x, y).eval()


def test_independent_outcomes_is_model_list_gps_posterior_for_plain_gps() -> None:
    models = [gp(0), gp(1), gp(2)]
    points = torch.rand(4, 3, 2, dtype=torch.float64)  # batch x q x d
    with torch.no_grad():
        expected = ModelListGP(*models).posterior(points)
        joint = IndependentOutcomes(models).posterior(points)
        one = IndependentOutcomes(models).posterior(points, output_indices=[1])
        single = models[1].posterior(points)
    assert joint.mean.shape == expected.mean.shape == (4, 3, 3)
    torch.testing.assert_close(joint.mean, expected.mean)
    torch.testing.assert_close(joint.variance, expected.variance)
    torch.testing.assert_close(
        joint.distribution.covariance_matrix, expected.distribution.covariance_matrix
    )
    torch.testing.assert_close(one.mean, single.mean)
    assert IndependentOutcomes(models).num_outputs == 3
