"""Multi-fidelity: one GP over (configuration, step) for a fidelity study (docs/fidelity.md).

A fidelity study's trials are measured at several steps, most of them stopped early at
a low one by successive halving. A GP over the encoded configuration and the step's
place on a log scale learns how a value at a low step foretells the value at
`max_step`; the step's objective model is that GP at `max_step` (`AtStep`), a model of
configurations alone, so every acquisition works on it unchanged. This is BOHB's
schedule (successive halving chooses how far each trial runs) with a model that uses
every budget's results at once, where BOHB fits a density model per budget.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
from botorch.models.model import Model
from botorch.posteriors import Posterior
from gpytorch import settings as gpytorch_settings

from sibyl_server.engine.gp.data import StepData, step_data
from sibyl_server.engine.gp.fit import fit_model
from sibyl_server.engine.gp.model import Hyperparameters, hyperparameters_of, surrogate, warm_start
from sibyl_server.engine.gp.state import GpBanditState
from sibyl_server.engine.gp.warping import warp_objective
from sibyl_server.engine.interface import FidelityPoint, Parameters, SuggestionRequest
from sibyl_server.engine.options import EngineOptions

HYPERPARAMETERS_KEY = "sibyl.fidelity"
"""The fidelity GP's hyperparameters in the step's state (warm start of the next fit)."""
MIN_POINTS = 3
"""Fewer values than this: the step models finished trials alone, as without fidelity."""


def uses_fidelity(request: SuggestionRequest) -> bool:
    return request.spec.fidelity is not None and len(request.fidelity_points) >= MIN_POINTS


def step_position(step: int, max_step: int) -> float:
    """Where `step` lies between step 1 (0.0) and `max_step` (1.0), on a log scale:
    successive halving's rungs are evenly spaced there."""
    return min(1.0, max(0.0, math.log(max(step, 1)) / math.log(max_step)))


@dataclass(frozen=True)
class FidelityFit:
    """The fidelity GP at `max_step`, its hyperparameters (state key
    HYPERPARAMETERS_KEY) and the standard deviation of the values it learned from."""

    model: Model
    hyperparameters: Hyperparameters
    spread: float = 1.0


def fidelity_model(
    request: SuggestionRequest,
    data: StepData,
    saved: Hyperparameters | None,
    limit: int,
    refit: bool = True,
) -> FidelityFit:
    """Fits the GP over (configuration, step) to at most `limit` of the request's
    fidelity points (see `bounded`); with `refit` False, `saved` hyperparameters that
    fit the model are taken as they are (it is fitted only without them)."""
    assert request.spec.fidelity is not None
    max_step = request.spec.fidelity.max_step
    sign = request.spec.objective.sign()
    points = bounded(request.fidelity_points, sign, limit)
    encoding = data.encoding
    rows = [
        [*encoding.encode(point.parameters), step_position(point.step, max_step)]
        for point in points
    ]
    values = warp_objective([sign * point.value for point in points])
    x, y = data.tensor(rows), data.tensor(values).unsqueeze(-1)
    model = surrogate(x, y, sorted(encoding.categorical_dims))
    warm_started = warm_start(model, saved)
    if refit or not warm_started:
        fit_model(model, warm_started=warm_started)
    spread = float(y.std()) if len(y) > 1 else 1.0
    return FidelityFit(AtStep(model, 1.0), hyperparameters_of(model), spread or 1.0)


@dataclass(frozen=True)
class Prospect:
    """What the fidelity GP predicts of one trial's value at `max_step`.

    Attributes:
        probability: That the trial ends better than the best of the other trials'
            predicted values at `max_step`.
        spread: The prediction's standard deviation, in standard deviations of the
            values the GP learns from.
    """

    probability: float
    spread: float


def final_prospect(
    request: SuggestionRequest, parameters: Parameters, options: EngineOptions
) -> Prospect | None:
    """The fidelity GP's prospect of the trial with `parameters` (one of the request's
    fidelity points); None where there is no model yet (`uses_fidelity`, 2 finished
    trials).

    The GP takes the hyperparameters of the study's last step (in `request.state`) as
    they are: a decision per rung costs a posterior, not a fit.
    """
    if not uses_fidelity(request) or len(request.completed) < 2:
        return None
    limit = options.max_exact_observations
    request = _keeping(request, parameters, limit)
    device = torch.device(options.device_for(len(request.fidelity_points)))
    data = step_data(request, limit, device)
    saved = GpBanditState.read(request.state).saved_hyperparameters().get(HYPERPARAMETERS_KEY)
    with gpytorch_settings.max_cholesky_size(limit + 1):  # exact, as the step's own fits
        return _prospect(request, parameters, data, saved, limit)


def _prospect(
    request: SuggestionRequest,
    parameters: Parameters,
    data: StepData,
    saved: Hyperparameters | None,
    limit: int,
) -> Prospect | None:
    """The prospect from the GP at max_step, against every other configuration's."""
    fit = fidelity_model(request, data, saved, limit, refit=False)
    mine = tuple(data.encoding.encode(parameters))
    others = {tuple(data.encoding.encode(p.parameters)) for p in request.fidelity_points} - {mine}
    if not others:
        return None
    rows = data.tensor([list(mine), *map(list, others)]).unsqueeze(-2)
    with torch.no_grad():
        posterior = fit.model.posterior(rows)
        mean = posterior.mean.reshape(-1)
        spread = posterior.variance.clamp_min(1e-12).sqrt().reshape(-1)
    gap = float(mean[1:].max() - mean[0]) / float(spread[0])
    probability = 0.5 * math.erfc(gap / math.sqrt(2.0))
    return Prospect(float(probability), float(spread[0]) / fit.spread)


def _keeping(request: SuggestionRequest, parameters: Parameters, limit: int) -> SuggestionRequest:
    """The request with at most `limit` fidelity points, the judged trial's all among
    them: `bounded` alone would drop a poor trial's low steps first, and its prospect
    would then not depend on what it measured."""
    mine = [p for p in request.fidelity_points if p.parameters == parameters]
    rest = [p for p in request.fidelity_points if p.parameters != parameters]
    kept = bounded(rest, request.spec.objective.sign(), max(0, limit - len(mine)))
    return replace(request, fidelity_points=[*kept, *mine])


def bounded(points: Sequence[FidelityPoint], sign: float, limit: int) -> list[FidelityPoint]:
    """At most `limit` points, so that a step's exact fit stays bounded: those of the
    highest steps (closest to what is predicted), the better values first among equals."""
    if len(points) <= limit:
        return list(points)
    return sorted(points, key=lambda p: (-p.step, -sign * p.value))[:limit]


class AtStep(Model):
    """A GP over (configuration, step position) seen at one step position: a model of
    configurations alone (inputs `... x d`, the position appended as column d)."""

    def __init__(self, model: Model, position: float) -> None:
        super().__init__()
        self.model = model
        self.position = position

    @property
    def num_outputs(self) -> int:
        return 1

    @property
    def batch_shape(self) -> torch.Size:
        return self.model.batch_shape

    def with_position(self, X: torch.Tensor) -> torch.Tensor:
        column = torch.full((*X.shape[:-1], 1), self.position, dtype=X.dtype, device=X.device)
        return torch.cat([X, column], dim=-1)

    def posterior(
        self,
        X: torch.Tensor,
        output_indices: list[int] | None = None,
        observation_noise: bool | torch.Tensor = False,
        posterior_transform: Any = None,
        **kwargs: Any,
    ) -> Posterior:
        return self.model.posterior(
            self.with_position(X),
            output_indices=output_indices,
            observation_noise=observation_noise,
            posterior_transform=posterior_transform,
            **kwargs,
        )

    def condition_on_observations(self, X: torch.Tensor, Y: torch.Tensor, **kwargs: Any) -> Model:
        conditioned = self.model.condition_on_observations(self.with_position(X), Y, **kwargs)
        return AtStep(conditioned, self.position)
