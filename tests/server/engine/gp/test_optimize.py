"""Maximizing an acquisition: from the incumbent, in mixed and conditional spaces."""

from __future__ import annotations

import functools

import pytest
import torch
from botorch.acquisition import AcquisitionFunction

from sibyl_server.domain.study import ParameterSpec
from sibyl_server.engine.gp.acquisition.cached import CachedLogExpectedImprovement
from sibyl_server.engine.gp.data import Region
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.optimize import AcquisitionOptimizer, ActiveSubspace
from sibyl_server.engine.interface import METADATA_ALGORITHM
from tests.server.engine.gp.acquisition.test_cached import fitted
from tests.server.engine.gp.studies import (
    FAST,
    LOSS,
    conditional_space,
    gp_spec,
    observe,
    suggest,
)


class _NarrowPeak(AcquisitionFunction):
    """A peak of width 0.002 at `centre`: flat, gradient and all, beyond about 0.1 of it."""

    def __init__(self, centre: torch.Tensor) -> None:
        super().__init__(model=None)  # type: ignore[arg-type]
        self.centre = centre

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        squared = ((X - self.centre) ** 2).sum(dim=-1).squeeze(-1)
        return torch.exp(-squared / (2 * 0.002**2))


@pytest.mark.filterwarnings("ignore::botorch.exceptions.warnings.BadInitialCandidatesWarning")
@pytest.mark.parametrize(
    ("first", "fixed"),
    [
        (ParameterSpec.double("x", 0.0, 1.0), {}),
        (ParameterSpec.integer("n", 0, 4), {}),
        # BoTorch relaxes an integer of more than 20 values to a continuous column...
        (ParameterSpec.integer("n", 0, 40), {}),
        # ...and leaves a fixed one (a budget parameter at its largest) out: with
        # nothing to alternate over, it draws its starts as in a continuous space.
        (ParameterSpec.integer("n", 0, 4), {0: 0.5}),
    ],
)
def test_the_optimizer_climbs_a_peak_next_to_its_given_start(
    first: ParameterSpec, fixed: dict[int, float]
) -> None:
    # The step passes the incumbent as one start: late in a study the improvement is a
    # narrow peak beside it, which raw samples in six dimensions practically never hit.
    # With an integer, it is one more start of the mixed optimizer's alternating search;
    # where there is nothing to alternate over, it gets a run of its own.
    rest = [ParameterSpec.double(f"x{i}", 0.0, 1.0) for i in range(5)]
    encoding = SearchSpaceEncoding([first, *rest])
    centre = torch.tensor([0.5] + [0.3] * 5, dtype=torch.float64)
    optimizer = AcquisitionOptimizer(encoding, FAST, 20, torch.device("cpu"), fixed=fixed)
    optimize = functools.partial(optimizer.maximize, _NarrowPeak(centre), 1)
    torch.manual_seed(0)
    from_start = optimize(centre + torch.tensor([0.0] + [0.004] * 5, dtype=torch.float64))
    without_start = optimize(None)
    assert torch.dist(from_start[0], centre) < 1e-3
    assert torch.dist(without_start[0], centre) > 0.05


def test_inactive_columns_are_evaluated_at_the_inactive_value() -> None:
    model = fitted(30, 3, 7)
    inner = CachedLogExpectedImprovement(model, 0.0)

    def column_2_off_when_column_0_low(x: torch.Tensor) -> torch.Tensor:
        mask = torch.ones_like(x, dtype=torch.bool)
        mask[..., 2] = x[..., 0] >= 0.5
        return mask

    projected = ActiveSubspace(inner, column_2_off_when_column_0_low, inactive=0.0)
    points = torch.rand(16, 1, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(8))
    points[:8, :, 0] = 0.2  # column 2 inactive in the first half
    points[8:, :, 0] = 0.8
    points.requires_grad_(True)
    values = projected(points)
    values.sum().backward()
    assert points.grad is not None
    off = points.detach()[:8].clone()
    off[..., 2] = 0.0
    torch.testing.assert_close(values[:8], inner(off))
    torch.testing.assert_close(values[8:], inner(points.detach()[8:]))
    assert bool((points.grad[:8, :, 2] == 0).all()) and bool((points.grad[8:, :, 2] != 0).all())
    projected.set_X_pending(points.detach()[:2, 0])
    assert projected.X_pending is not None
    assert bool((projected.X_pending[:, 2] == 0).all())


def test_a_branch_already_measured_is_not_reexplored_through_its_inactive_columns() -> None:
    # adam is measured everywhere it exists (beta1 across its range) and is worse than
    # sgd's best. The model has seen adam trials only at momentum = INACTIVE, so an
    # optimizer free to move that column finds high uncertainty at "adam, momentum
    # 0.9", a point that would be recorded as yet another adam trial.
    spec = gp_spec(conditional_space(), LOSS)

    def loss(p: dict) -> dict[str, float]:
        if p["optimizer"] == "sgd":
            return {"loss": 4.0 * (p["momentum"] - 0.6) ** 2}
        return {"loss": 1.0}

    completed = observe(spec, loss, 16)
    result = suggest(spec, completed, count=2)
    assert [s.metadata[METADATA_ALGORITHM] for s in result.suggestions] == ["GP_BANDIT"] * 2
    assert [s.parameters["optimizer"] for s in result.suggestions] == ["sgd"] * 2


@pytest.mark.filterwarnings("ignore::botorch.exceptions.warnings.BadInitialCandidatesWarning")
@pytest.mark.parametrize("mixed", [False, True])
def test_a_region_bounds_the_continuous_columns_only(mixed: bool) -> None:
    # A local model's trust region: the peak lies outside it, so the optimizer stops at
    # the region's edge in the continuous columns; the integer column is not narrowed.
    first = ParameterSpec.integer("n", 0, 4) if mixed else ParameterSpec.double("x", 0.0, 1.0)
    encoding = SearchSpaceEncoding([first, ParameterSpec.double("y", 0.0, 1.0)])
    region = Region((0.1, 0.2), (0.3, 0.4))
    optimizer = AcquisitionOptimizer(encoding, FAST, 20, torch.device("cpu"), region=region)
    peak = _WidePeak(torch.tensor([1.0, 0.9], dtype=torch.float64))
    torch.manual_seed(0)
    [point] = optimizer.maximize(peak, 1).tolist()
    assert point[1] == pytest.approx(0.4, abs=1e-6)
    assert point[0] == (pytest.approx(1.0) if mixed else pytest.approx(0.3, abs=1e-6))
    [unbounded] = AcquisitionOptimizer(encoding, FAST, 20, torch.device("cpu")).maximize(peak, 1)
    assert unbounded[1].item() == pytest.approx(0.9, abs=1e-3)


class _WidePeak(_NarrowPeak):
    """A smooth peak of width 0.5 at `centre`: its gradient reaches everywhere."""

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        squared = ((X - self.centre) ** 2).sum(dim=-1).squeeze(-1)
        return torch.exp(-squared / (2 * 0.5**2))
