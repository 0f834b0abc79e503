"""BoTorch's alternating mixed optimizer, with GP_BANDIT's faster steps in it.

`optimize_acqf_mixed_alternating` takes neither a generator for its continuous steps
nor a discrete step of its own, and reads both, and its stopping rules, from its
module's names at each call. `install` puts GP_BANDIT's in those names, once, at import
(gp/optimize.py imports this module):

- `mixed_step_candidates`: the closed-form L-BFGS-B for cached analytic acquisitions;
- `discrete_step`: the same neighbour search as BoTorch's, for every start at once;
- `spray_points`: the same perturbed trials as BoTorch's, for every trial at once;
- `starting_points`: BoTorch's starts, and the incumbent (`with_start`) as one more;
- `TOLERANCE` and `STOP_AFTER_SHARE_CONVERGED`: when a start, and the search, stop.

docs/engine.md#mixed-optimizer has the measurements behind each.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import torch
from botorch.acquisition import AcquisitionFunction
from botorch.generation.gen import gen_candidates_scipy
from botorch.optim import optimize_mixed
from botorch.optim.optimize import OptimizeAcqfInputs

from sibyl_server.engine.gp.acquisition.cached import (
    CachedAnalyticAcquisition,
    gen_candidates_direct,
)

TOLERANCE = 1e-4
"""A start stops alternating once a round (discrete step, then continuous step) gains
less than this, and the continuous steps stop at this projected gradient. BoTorch's
1e-8 kept starts going for gains in log EI of a millionth of a percent, which did not
change the point suggested."""

STOP_AFTER_SHARE_CONVERGED = 0.9
"""The alternation ends once this share of the starts has stopped (BoTorch's module
constant, 1.0: every start). One slow start otherwise kept nine finished ones waiting
for up to six more rounds, each costing as much as a round of all ten. With fewer than
ten starts (studies of over 100 trials, `EngineOptions.restarts_for`) it means all."""


def mixed_step_candidates(
    initial_conditions: torch.Tensor, acquisition_function: AcquisitionFunction, **arguments: Any
) -> tuple[torch.Tensor, torch.Tensor]:
    """The generator of the mixed optimizer's continuous steps: the closed-form L-BFGS-B
    for cached analytic acquisitions (one point per start, no linear constraints),
    else BoTorch's `gen_candidates_scipy`.

    On a mixed space at 40 trials autograd and feature fixing around each evaluation
    were about a fifth of the step (docs/engine.md#cached-acquisition).
    """
    direct = (
        isinstance(acquisition_function, CachedAnalyticAcquisition)
        and initial_conditions.dim() == 3
        and initial_conditions.shape[1] == 1
        and not any(arguments.get(key) for key in NOT_DIRECT)
    )
    generator = gen_candidates_direct if direct else gen_candidates_scipy
    return generator(initial_conditions, acquisition_function, **arguments)


NOT_DIRECT = (
    "inequality_constraints",
    "equality_constraints",
    "nonlinear_inequality_constraints",
    "timeout_sec",
)
"""What `gen_candidates_direct` does not do: such calls keep `gen_candidates_scipy`."""


def discrete_step(
    opt_inputs: OptimizeAcqfInputs,
    discrete_dims: Mapping[int, Sequence[float]],
    cat_dims: Mapping[int, Sequence[float]],
    current_x: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BoTorch's `discrete_step` with every start's neighbours made and evaluated at once.

    Each round moves each start (a row of `current_x`, `b x d`) to its best neighbour
    (one integer column a value up or down, or one categorical column another value)
    where that improves the acquisition, and stops a start once it gains no more than
    `tol`, for up to `maxiter_discrete` rounds. BoTorch builds each start's neighbours
    in a Python loop, a quarter of a step on the real tasks; the result is the same
    (ties between neighbours aside). Spaces BoTorch handles differently (linear
    constraints, a categorical column with more values than it enumerates) keep its
    own step.

    Returns the moved starts (`current_x`, updated in place as BoTorch's is) and their
    acquisition values (`b`).
    """
    if not batchable(opt_inputs, cat_dims):
        return BOTORCH_STEP(opt_inputs, discrete_dims, cat_dims, current_x)
    options = opt_inputs.options or {}
    tolerance = options.get("tol", optimize_mixed.CONVERGENCE_TOL)
    chunk = options.get("init_batch_limit", optimize_mixed.MAX_BATCH_SIZE)
    acquisition = opt_inputs.acq_function
    with torch.no_grad():
        values = acquisition(current_x.unsqueeze(1))
        going = torch.arange(len(current_x), device=current_x.device)
        for _ in range(options.get("maxiter_discrete", optimize_mixed.MAX_ITER_DISCRETE)):
            if len(going) == 0:
                break
            neighbours, valid = neighbours_of(current_x[going], discrete_dims, cat_dims)
            flat = neighbours.reshape(-1, 1, current_x.shape[-1])
            scores = torch.cat([acquisition(part) for part in flat.split(chunk)])
            scores = scores.reshape(valid.shape).masked_fill(~valid, -torch.inf)
            best, best_at = scores.max(-1)
            gain = best - values[going]
            moved = gain > 0
            rows = torch.arange(len(going), device=going.device)[moved]
            current_x[going[moved]] = neighbours[rows, best_at[moved]]
            values[going[moved]] = best[moved]
            going = going[gain > tolerance]
    return current_x, values


INCUMBENT: ContextVar[torch.Tensor | None] = ContextVar("incumbent", default=None)
"""The point `starting_points` adds to BoTorch's starts (`with_start`), if any."""


@contextmanager
def with_start(start: torch.Tensor | None) -> Iterator[None]:
    """The mixed optimizer's runs in this block also start from `start` (a `d` tensor
    of valid encodings), when given."""
    token = INCUMBENT.set(start)
    try:
        yield
    finally:
        INCUMBENT.reset(token)


def alternates(
    discrete_dims: Mapping[int, Sequence[float]],
    cat_dims: Mapping[int, Sequence[float]],
    fixed: Mapping[int, float],
) -> bool:
    """Whether BoTorch's mixed optimizer runs its alternating search (which draws its
    starts with `starting_points`): some categorical column, or integer or discrete one
    of at most `MAX_DISCRETE_VALUES` values, is not held fixed. It relaxes larger ones
    to continuous columns, rounded at the end, and with none left optimizes as over a
    continuous space."""
    most = optimize_mixed.MAX_DISCRETE_VALUES
    small = [column for column, values in discrete_dims.items() if len(values) <= most]
    return any(column not in fixed for column in [*small, *cat_dims])


def starting_points(
    opt_inputs: OptimizeAcqfInputs,
    discrete_dims: Mapping[int, Sequence[float]],
    cat_dims: Mapping[int, Sequence[float]],
    cont_dims: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """BoTorch's starting points (`b x d`) and their acquisition values (`b`), with the
    incumbent set by `with_start` as one more.

    Late in a study the improvement is a narrow peak beside the incumbent, which the
    relaxed run and the raw samples rarely reach (docs/engine.md#incumbent-start); as
    a start of the alternation, its neighbourhood gets the same discrete and continuous
    steps as the others, in the same batched calls.
    """
    points, values = BOTORCH_STARTS(opt_inputs, discrete_dims, cat_dims, cont_dims)
    start = INCUMBENT.get()
    if start is None:
        return points, values
    start = start.to(points).reshape(1, -1)
    with torch.no_grad():
        value = opt_inputs.acq_function(start.unsqueeze(1))
    return torch.cat([points, start]), torch.cat([values, value.reshape(1).to(values)])


def spray_points(
    X_baseline: torch.Tensor,
    cont_dims: torch.Tensor,
    discrete_dims: Mapping[int, Sequence[float]],
    cat_dims: Mapping[int, Sequence[float]],
    bounds: torch.Tensor,
    num_spray_points: int,
    std_cont_perturbation: float = optimize_mixed.STD_CONT_PERTURBATION,
) -> torch.Tensor:
    """BoTorch's `get_spray_points`, for every baseline point at once: around each
    (`n x d`), `num_spray_points` points whose integer columns are those of a random
    neighbour (one column a value up or down), whose categorical columns are those of
    another random neighbour (one column another category), and whose continuous
    columns are perturbed by N(0, std) and clamped to `bounds`.

    BoTorch builds them in a Python loop over the baseline points, which on sgd-digits
    (40 trials) took 7 ms of each step. A categorical column of more values than BoTorch
    enumerates (it samples them) keeps BoTorch's. Returns `(n * num_spray_points) x d`.
    """
    if any(len(values) > optimize_mixed.MAX_DISCRETE_VALUES for values in cat_dims.values()):
        return BOTORCH_SPRAY(
            X_baseline,
            cont_dims,
            dict(discrete_dims),
            dict(cat_dims),
            bounds,
            num_spray_points,
            std_cont_perturbation,
        )
    x = X_baseline.detach()
    points = x.unsqueeze(1).repeat(1, num_spray_points, 1)
    for integers, categories in ((discrete_dims, {}), ({}, cat_dims)):
        columns = [*integers, *categories]
        if not columns:
            continue
        neighbours, valid = neighbours_of(x, integers, categories)
        picked = _random_valid(valid, num_spray_points)
        chosen = neighbours.gather(1, picked.unsqueeze(-1).expand(-1, -1, x.shape[-1]))
        points[:, :, columns] = chosen[:, :, columns]
    if len(cont_dims):
        noise = std_cont_perturbation * torch.randn(
            *points.shape[:2], len(cont_dims), dtype=x.dtype, device=x.device
        )
        moved = x[:, None, cont_dims] + noise
        points[:, :, cont_dims] = moved.clamp(bounds[0, cont_dims], bounds[1, cont_dims])
    return points.reshape(-1, x.shape[-1])


def _random_valid(valid: torch.Tensor, count: int) -> torch.Tensor:
    """For each row of `valid` (`n x m`), `count` indices drawn uniformly (with
    replacement) from its True entries; index 0 for a row without any."""
    weights = valid.to(torch.float64)
    weights[~valid.any(-1), 0] = 1.0
    return torch.multinomial(weights, count, replacement=True)


def batchable(opt_inputs: OptimizeAcqfInputs, cat_dims: Mapping[int, Sequence[float]]) -> bool:
    """Whether `discrete_step` computes BoTorch's step here: no linear constraints to
    filter neighbours by, and no categorical column BoTorch would sample values of."""
    constrained = opt_inputs.inequality_constraints or opt_inputs.equality_constraints
    most = optimize_mixed.MAX_DISCRETE_VALUES
    sampled = any(len(values) > most for values in cat_dims.values())
    return not constrained and not sampled


def neighbours_of(
    x: torch.Tensor,
    discrete_dims: Mapping[int, Sequence[float]],
    cat_dims: Mapping[int, Sequence[float]],
) -> tuple[torch.Tensor, torch.Tensor]:
    """Every neighbour of each row of `x` (`b x d`): `b x m x d`, and which of them
    are real (`b x m`: not the row itself, as a value clamped at its end or a category
    set to the one it has is).

    A categorical column gives one neighbour per category; an integer or discrete
    column the next allowed value up and down from its nearest allowed value.
    """
    blocks = []
    for column, categories in cat_dims.items():
        block = x.unsqueeze(1).repeat(1, len(categories), 1)
        block[:, :, column] = torch.as_tensor(categories, dtype=x.dtype, device=x.device)
        blocks.append(block)
    for column, allowed in discrete_dims.items():
        # In x's dtype from the start: values like 5/9 must stay exactly what BoTorch
        # (and the encoding) hold, not pass through the default float32.
        values = torch.as_tensor(allowed, dtype=x.dtype, device=x.device)
        nearest = (x[:, column, None] - values).abs().argmin(-1)
        for step in (-1, 1):
            block = x.unsqueeze(1).clone()
            block[:, 0, column] = values[(nearest + step).clamp(0, len(values) - 1)]
            blocks.append(block)
    neighbours = torch.cat(blocks, dim=1)
    return neighbours, (neighbours != x.unsqueeze(1)).any(-1)


@dataclass(frozen=True)
class MixedSteps:
    """Which of GP_BANDIT's changes the mixed optimizer runs with (all, unless a
    benchmark compares them with BoTorch's own)."""

    closed_form: bool = True
    batched_discrete: bool = True
    early_stop: bool = True


def install(steps: MixedSteps = MixedSteps()) -> None:
    """Puts `steps` in the names `optimize_acqf_mixed_alternating` reads at each call."""
    optimize_mixed.gen_candidates_scipy = (
        mixed_step_candidates if steps.closed_form else gen_candidates_scipy
    )
    optimize_mixed.discrete_step = discrete_step if steps.batched_discrete else BOTORCH_STEP
    optimize_mixed.generate_starting_points = starting_points
    optimize_mixed.get_spray_points = spray_points if steps.batched_discrete else BOTORCH_SPRAY
    optimize_mixed.CONVERGENCE_TOL = TOLERANCE if steps.early_stop else BOTORCH_TOLERANCE
    optimize_mixed.STOP_AFTER_SHARE_CONVERGED = (
        STOP_AFTER_SHARE_CONVERGED if steps.early_stop else BOTORCH_SHARE
    )


BOTORCH_STEP = optimize_mixed.discrete_step
BOTORCH_STARTS = optimize_mixed.generate_starting_points
BOTORCH_SPRAY = optimize_mixed.get_spray_points
BOTORCH_TOLERANCE = optimize_mixed.CONVERGENCE_TOL
BOTORCH_SHARE = optimize_mixed.STOP_AFTER_SHARE_CONVERGED
assert optimize_mixed.gen_candidates_scipy is gen_candidates_scipy, "BoTorch moved its name"
install()
