"""Maximizing an acquisition over a study's mixed search space.

Continuous columns are optimized by L-BFGS-B from raw-sample starts; integer, discrete
and categorical columns only take their valid values (BoTorch's alternating mixed
optimizer, with the steps of gp/mixed.py). In conditional spaces the acquisition is
evaluated with each point's inactive columns at their fixed encoding (`ActiveSubspace`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import torch
from botorch.acquisition import AcquisitionFunction
from botorch.optim import optimize_acqf
from botorch.optim.initializers import gen_batch_initial_conditions
from botorch.optim.optimize_mixed import optimize_acqf_mixed_alternating
from gpytorch import settings as gpytorch_settings

from sibyl_server.engine.gp import mixed  # also puts its steps in BoTorch's optimizer
from sibyl_server.engine.gp.acquisition.cached import (
    CachedAnalyticAcquisition,
    gen_candidates_direct,
)
from sibyl_server.engine.gp.data import Region
from sibyl_server.engine.gp.encoding import INACTIVE, SearchSpaceEncoding
from sibyl_server.engine.options import EngineOptions


@dataclass(frozen=True)
class AcquisitionOptimizer:
    """Maximizes acquisitions over one step's search space.

    Attributes:
        encoding: The search space as model inputs.
        options: Restarts, raw samples and the exact-GP size.
        observations: Size of the step's training set (large ones get fewer restarts).
        device: Where the candidates are made.
        fixed: Columns held at one encoded value (a budget parameter at its largest).
        region: A box the continuous columns stay in (a local model's trust region);
            None: their whole range.
    """

    encoding: SearchSpaceEncoding
    options: EngineOptions
    observations: int
    device: torch.device
    fixed: Mapping[int, float] = field(default_factory=dict)
    region: Region | None = None

    def maximize(
        self, acquisition: AcquisitionFunction, q: int = 1, start: torch.Tensor | None = None
    ) -> torch.Tensor:
        """The acquisition's maximizer: a `q x d` tensor of valid encodings.

        `start` (a `d` tensor: the incumbent, where late in a study the improvement is a
        narrow peak that raw samples rarely hit) replaces the last starting point drawn
        from the raw samples; in mixed spaces it is one more start of the alternating
        search (`mixed.with_start`, one point at a time only), or gets a run of its own
        where there is nothing to alternate over (`better_from`); conditional spaces
        ignore it (docs/engine.md#incumbent-start).
        """
        encoding = self.encoding
        bounds = torch.tensor(
            [[0.0] * encoding.dims, encoding.upper_bounds()],
            dtype=torch.float64,
            device=self.device,
        )
        if self.region is not None:
            bounds = self._within_region(bounds)
        if encoding.is_conditional:
            acquisition = ActiveSubspace(acquisition, active_mask(encoding), INACTIVE)
            start = None  # its inactive values are not the optimizer's to move
        if start is not None and self.fixed:
            start = start.clone()
            start[list(self.fixed)] = torch.tensor(list(self.fixed.values())).to(start)
        with gpytorch_settings.max_cholesky_size(self.options.max_exact_observations + 1):
            if encoding.discrete_dims or encoding.categorical_dims:
                candidates = self._mixed(acquisition, bounds, q, start)
            else:
                candidates = self._continuous(acquisition, bounds, q, start)
        return candidates.detach()

    @property
    def fixed_features(self) -> dict[int, float] | None:
        """`fixed` as BoTorch's optimizers take it (None when nothing is held)."""
        return dict(self.fixed) or None

    def _within_region(self, bounds: torch.Tensor) -> torch.Tensor:
        """`bounds` with the continuous columns narrowed to the region (the others take
        their valid values or stay fixed wherever the region is)."""
        assert self.region is not None
        held = {*self.encoding.discrete_dims, *self.encoding.categorical_dims, *self.fixed}
        narrowed = bounds.clone()
        for column in range(self.encoding.dims):
            if column not in held:
                narrowed[0, column] = self.region.lower[column]
                narrowed[1, column] = self.region.upper[column]
        return narrowed

    def _mixed(
        self,
        acquisition: AcquisitionFunction,
        bounds: torch.Tensor,
        q: int,
        start: torch.Tensor | None,
    ) -> torch.Tensor:
        restarts, raw_samples = self.options.restarts_for(self.observations)
        discrete, categorical = self.encoding.discrete_dims, self.encoding.categorical_dims
        alternating = mixed.alternates(discrete, categorical, self.fixed)
        with mixed.with_start(start if q == 1 and alternating else None):
            candidates, value = optimize_acqf_mixed_alternating(
                acquisition,
                bounds,
                discrete_dims=discrete,
                cat_dims=categorical,
                q=q,
                num_restarts=restarts,
                raw_samples=raw_samples,
                fixed_features=self.fixed_features,
            )
        if start is not None and q == 1 and not alternating:
            held = [*discrete, *categorical, *self.fixed]
            candidates = better_from(start, held, acquisition, bounds, candidates, value)
        return candidates

    def _continuous(
        self,
        acquisition: AcquisitionFunction,
        bounds: torch.Tensor,
        q: int,
        start: torch.Tensor | None,
    ) -> torch.Tensor:
        restarts, raw_samples = self.options.restarts_for(self.observations)
        starts = None
        if start is not None:
            starts = gen_batch_initial_conditions(
                acquisition,
                bounds,
                q=q,
                num_restarts=restarts,
                raw_samples=raw_samples,
                fixed_features=self.fixed_features,
            )
            starts[-1] = start
        candidates, _ = optimize_acqf(
            acquisition,
            bounds,
            q=q,
            num_restarts=restarts,
            raw_samples=raw_samples,
            batch_initial_conditions=starts,
            sequential=q > 1,
            gen_candidates=candidate_generator(acquisition),
            fixed_features=self.fixed_features,
        )
        return candidates


def candidate_generator(acquisition: AcquisitionFunction) -> Callable[..., Any] | None:
    """The closed-form L-BFGS-B for cached analytic acquisitions; else BoTorch's default."""
    return gen_candidates_direct if isinstance(acquisition, CachedAnalyticAcquisition) else None


def better_from(
    start: torch.Tensor,
    held: list[int],
    acquisition: AcquisitionFunction,
    bounds: torch.Tensor,
    candidates: torch.Tensor,
    value: torch.Tensor | None,
) -> torch.Tensor:
    """The local maximizer from `start` (`d`) with its `held` (discrete and categorical)
    values fixed, where it beats the mixed optimizer's `candidates` (`1 x d`, of
    acquisition `value`).

    Where the mixed optimizer has nothing to alternate over (`mixed.alternates`), it
    draws its starts without `mixed.starting_points`, so the incumbent's neighbourhood
    gets this one extra continuous run instead (docs/engine.md#incumbent-start).
    """
    pinned = bounds.clone()
    pinned[:, held] = start[held]
    refined, refined_value = optimize_acqf(
        acquisition,
        pinned,
        q=1,
        num_restarts=1,
        batch_initial_conditions=start.view(1, 1, -1),
        gen_candidates=candidate_generator(acquisition),
    )
    if value is None or float(refined_value.max()) > float(value.max()):
        return refined
    return candidates


def active_mask(encoding: SearchSpaceEncoding) -> Callable[[torch.Tensor], torch.Tensor]:
    """Which entries of a `... x d` tensor of encoded points are active parameters."""

    def mask(x: torch.Tensor) -> torch.Tensor:
        rows = x.detach().reshape(-1, x.shape[-1]).cpu().tolist()
        return torch.tensor(encoding.active_mask(rows), device=x.device).reshape(x.shape)

    return mask


class ActiveSubspace(AcquisitionFunction):
    """An acquisition evaluated with each point's inactive columns set to INACTIVE.

    Trials encode a parameter their parents switch off at INACTIVE, so the model has
    seen such columns only there. Left free, the optimizer would move them to where
    the model is unsure and count that uncertainty as promise, yet the trial it
    suggests is recorded at INACTIVE again: a step spent exploring a parameter the
    trial does not have (docs/engine.md#active-subspace).

    Args:
        acquisition: The acquisition to evaluate.
        active_mask: Maps a `... x d` tensor to a boolean tensor of the same shape,
            True where the column is active for that point.
        inactive: The value inactive columns are encoded at.
    """

    def __init__(
        self,
        acquisition: AcquisitionFunction,
        active_mask: Callable[[torch.Tensor], torch.Tensor],
        inactive: float,
    ) -> None:
        super().__init__(model=acquisition.model)
        self.acquisition = acquisition
        self.active_mask = active_mask
        self.inactive = inactive

    @property
    def X_pending(self) -> torch.Tensor | None:
        return getattr(self.acquisition, "X_pending", None)

    def set_X_pending(self, X_pending: torch.Tensor | None = None) -> None:
        self.acquisition.set_X_pending(None if X_pending is None else self.project(X_pending))

    def project(self, X: torch.Tensor) -> torch.Tensor:
        """X (`... x d`) with its inactive columns at the inactive value."""
        return torch.where(self.active_mask(X), X, torch.full_like(X, self.inactive))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return self.acquisition(self.project(X))
