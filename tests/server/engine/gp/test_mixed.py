"""The mixed optimizer's steps: BoTorch's neighbour search and spray points, every start
at once, and the incumbent as one more start."""

from __future__ import annotations

import dataclasses
import warnings

import pytest
import torch
from botorch.acquisition import AcquisitionFunction
from botorch.fit import fit_gpytorch_mll
from botorch.generation.gen import gen_candidates_scipy
from botorch.optim import optimize_mixed
from botorch.optim.optimize import OptimizeAcqfInputs
from gpytorch.mlls import ExactMarginalLogLikelihood

from sibyl_server.engine.gp import optimize  # noqa: F401  (installs the steps)
from sibyl_server.engine.gp.acquisition.cached import CachedLogExpectedImprovement
from sibyl_server.engine.gp.mixed import (
    BOTORCH_SPRAY,
    BOTORCH_STEP,
    STOP_AFTER_SHARE_CONVERGED,
    TOLERANCE,
    MixedSteps,
    alternates,
    batchable,
    discrete_step,
    install,
    mixed_step_candidates,
    neighbours_of,
    spray_points,
    starting_points,
    with_start,
)
from sibyl_server.engine.gp.model import surrogate

# Columns: 0 continuous, 1 a category of 3, 2 an integer 0..4, 3 a category of 4.
CATEGORIES = {1: [0.0, 1.0, 2.0], 3: [0.0, 1.0, 2.0, 3.0]}
INTEGERS = {2: [0.0, 1.0, 2.0, 3.0, 4.0]}
BOUNDS = torch.tensor([[0.0, 0.0, 0.0, 0.0], [1.0, 2.0, 4.0, 3.0]], dtype=torch.float64)


def random_points(count: int, seed: int) -> torch.Tensor:
    """`count` valid points of the space above."""
    generator = torch.Generator().manual_seed(seed)
    x = torch.rand(count, 4, generator=generator, dtype=torch.float64)
    x[:, 1] = (x[:, 1] * 3).floor()
    x[:, 2] = (x[:, 2] * 5).floor()
    x[:, 3] = (x[:, 3] * 4).floor()
    return x


def acquisition(seed: int) -> CachedLogExpectedImprovement:
    """LogEI on a GP fitted to a function of every column."""
    x = random_points(30, seed)
    y = -((x[:, 0] - 0.3) ** 2 + (x[:, 1] - 1) ** 2 + 0.2 * (x[:, 2] - 3) ** 2 + x[:, 3])
    model = surrogate(x, y.unsqueeze(-1), list(CATEGORIES), "matern52")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit_gpytorch_mll(ExactMarginalLogLikelihood(model.likelihood, model))
    return CachedLogExpectedImprovement(model, float(y.max()))


def inputs(acquisition: CachedLogExpectedImprovement, **options: float) -> OptimizeAcqfInputs:
    return OptimizeAcqfInputs(
        acq_function=acquisition,
        bounds=BOUNDS,
        q=1,
        num_restarts=8,
        raw_samples=64,
        options=dict(options),
        inequality_constraints=None,
        equality_constraints=None,
        nonlinear_inequality_constraints=None,
        fixed_features=None,
        post_processing_func=None,
        batch_initial_conditions=None,
        return_best_only=False,
        gen_candidates=None,  # type: ignore[arg-type]
        sequential=True,
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("rounds", [1, 4])
def test_discrete_step_matches_botorch(seed: int, rounds: int) -> None:
    """From the same starts, both steps move every start to the same point."""
    options = inputs(acquisition(seed), maxiter_discrete=rounds, tol=1e-4)
    starts = random_points(8, seed + 10)
    ours, our_values = discrete_step(options, INTEGERS, CATEGORIES, starts.clone())
    theirs, their_values = BOTORCH_STEP(options, INTEGERS, CATEGORIES, starts.clone())
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(our_values, their_values)
    assert not torch.equal(ours, starts), "some start moved"
    assert (ours[:, 0] == starts[:, 0]).all(), "the continuous column stays"


def test_neighbours_are_one_column_away_and_exclude_the_point() -> None:
    point = torch.tensor([[0.5, 2.0, 4.0, 0.0]], dtype=torch.float64)
    neighbours, real = neighbours_of(point, INTEGERS, CATEGORIES)
    found = {tuple(row.tolist()) for row in neighbours[0][real[0]]}
    assert found == {
        (0.5, 0.0, 4.0, 0.0),
        (0.5, 1.0, 4.0, 0.0),
        (0.5, 2.0, 4.0, 1.0),
        (0.5, 2.0, 4.0, 2.0),
        (0.5, 2.0, 4.0, 3.0),
        (0.5, 2.0, 3.0, 0.0),  # 4 is the integer's top: only the step down
    }
    assert int(real.sum()) == len(found)


def test_spaces_botorch_treats_differently_keep_its_step() -> None:
    options = inputs(acquisition(0))
    assert batchable(options, CATEGORIES)
    assert not batchable(options, {1: [float(v) for v in range(21)]})  # it samples those
    constraint = (torch.tensor([0]), torch.tensor([1.0]), 0.1)
    constrained = dataclasses.replace(options, inequality_constraints=[constraint])
    assert not batchable(constrained, CATEGORIES)


def test_the_mixed_optimizer_calls_these_steps() -> None:
    assert optimize_mixed.discrete_step is discrete_step
    assert optimize_mixed.get_spray_points is spray_points
    assert optimize_mixed.generate_starting_points is starting_points
    assert optimize_mixed.gen_candidates_scipy is mixed_step_candidates
    assert optimize_mixed.CONVERGENCE_TOL == TOLERANCE
    assert optimize_mixed.STOP_AFTER_SHARE_CONVERGED == STOP_AFTER_SHARE_CONVERGED


def test_install_restores_botorch_and_back() -> None:
    install(MixedSteps(closed_form=False, batched_discrete=False, early_stop=False))
    try:
        assert optimize_mixed.discrete_step is BOTORCH_STEP
        assert optimize_mixed.get_spray_points is BOTORCH_SPRAY
        assert optimize_mixed.gen_candidates_scipy is gen_candidates_scipy
        assert optimize_mixed.CONVERGENCE_TOL == 1e-8
        assert optimize_mixed.STOP_AFTER_SHARE_CONVERGED == 1.0
    finally:
        install()
    assert optimize_mixed.discrete_step is discrete_step


class TowardsFiveNinths(AcquisitionFunction):
    """-(x_1 - 5/9)^2: each discrete step moves a start one value towards 5/9."""

    def __init__(self) -> None:
        super().__init__(model=None)  # type: ignore[arg-type]

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return -((X[..., 0, 1] - 5 / 9) ** 2)


def test_discrete_values_stay_exactly_the_allowed_ones() -> None:
    """Allowed values float32 cannot hold (an integer 0..9 encoded as k / 9) come back
    bit for bit as BoTorch's step gives them."""
    allowed = {1: [k / 9 for k in range(10)]}
    bounds = torch.tensor([[0.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    options = dataclasses.replace(inputs(TowardsFiveNinths()), bounds=bounds)  # type: ignore[arg-type]
    starts = torch.tensor([[0.3, 1 / 9], [0.7, 8 / 9], [0.5, 0.0]], dtype=torch.float64)
    ours, _ = discrete_step(options, allowed, {}, starts.clone())
    theirs, _ = BOTORCH_STEP(options, allowed, {}, starts.clone())
    assert torch.equal(ours, theirs)
    assert torch.equal(ours[:, 1], torch.tensor([5 / 9, 5 / 9, 4 / 9], dtype=torch.float64))


def test_spray_points_move_one_integer_and_one_category_and_the_rest_a_little() -> None:
    baseline = random_points(6, 3)
    torch.manual_seed(0)
    sprayed = spray_points(baseline, torch.tensor([0]), INTEGERS, CATEGORIES, BOUNDS, 50)
    assert sprayed.shape == (6 * 50, 4)
    around = baseline.repeat_interleave(50, dim=0)
    categories_changed = (sprayed[:, [1, 3]] != around[:, [1, 3]]).sum(-1)
    assert (categories_changed == 1).all(), "every point has a category of another value"
    steps = (sprayed[:, 2] - around[:, 2]).abs()
    assert (steps == 1).all(), "every point has the integer one value up or down"
    assert ((sprayed[:, 0] >= 0) & (sprayed[:, 0] <= 1)).all()
    assert (sprayed[:, 0] != around[:, 0]).float().mean() > 0.9
    assert set(sprayed[:, 3].tolist()) == {0.0, 1.0, 2.0, 3.0}


def test_the_incumbent_is_one_more_start_of_the_alternation() -> None:
    options = dataclasses.replace(inputs(acquisition(0)), gen_candidates=gen_candidates_scipy)
    incumbent = torch.tensor([0.31, 1.0, 3.0, 0.0], dtype=torch.float64)
    torch.manual_seed(0)
    plain, plain_values = starting_points(options, INTEGERS, CATEGORIES, torch.tensor([0]))
    torch.manual_seed(0)
    with with_start(incumbent):
        starts, values = starting_points(options, INTEGERS, CATEGORIES, torch.tensor([0]))
    assert torch.equal(starts[:-1], plain) and torch.equal(values[:-1], plain_values)
    assert torch.equal(starts[-1], incumbent)
    torch.testing.assert_close(values[-1:], options.acq_function(incumbent.view(1, 1, -1)))
    torch.manual_seed(0)
    after, _ = starting_points(options, INTEGERS, CATEGORIES, torch.tensor([0]))
    assert torch.equal(after, plain), "the start stays inside its block"


def test_the_search_alternates_while_a_small_discrete_column_is_free() -> None:
    assert alternates(INTEGERS, CATEGORIES, {})
    assert alternates(INTEGERS, {}, {})
    assert not alternates(INTEGERS, {}, {2: 0.5})  # held fixed
    assert not alternates({2: [float(v) for v in range(21)]}, {}, {})  # relaxed
    assert alternates({}, {1: [float(v) for v in range(30)]}, {})  # sampled, still searched


def test_spray_points_around_a_large_categorical_are_botorchs(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    large = {1: [float(v) for v in range(25)]}
    called = []
    monkeypatch.setattr(
        "sibyl_server.engine.gp.mixed.BOTORCH_SPRAY", lambda *a: called.append(a) or a[0]
    )
    spray_points(random_points(2, 0), torch.tensor([0]), {}, large, BOUNDS, 5)
    assert len(called) == 1
