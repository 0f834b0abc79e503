"""One objective: analytic LogEI, one point at a time, earlier points believed.

Pending trials and points already chosen for the batch are "believed" observed at
the GP's mean there, capped (`believed_values`), which leaves little improvement at
them. With constraints (metric bounds, the feasibility indicator) and a trial that
meets them all: LogEI over the best feasible trial plus each constraint's
log-probability under its GP, as Optuna's GPSampler does
(docs/engine.md#constrained-logei). Analytic EI is exact and cheap to evaluate (no
Monte-Carlo samples over the baseline), so the optimizer converges further in less
time than with qLogNEI.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch
from botorch.acquisition import AcquisitionFunction
from botorch.acquisition.analytic import LogExpectedImprovement
from botorch.models.model import Model

from sibyl_server.engine.gp.acquisition.cached import (
    CachedLogConstrainedExpectedImprovement,
    CachedLogExpectedImprovement,
)
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext
from sibyl_server.engine.gp.fit import is_plain_gp

BELIEVED_QUANTILE = 0.9
"""Points of a batch are believed to score at most this quantile of the trials' values
(see `believed_values`)."""


class AnalyticLogEI:
    """LogEI, one point at a time, with the pending and chosen points believed."""

    def applies(self, context: AcquisitionContext) -> bool:
        """One objective alone; with constraints, once a trial meets them all and every
        model is a plain GP (whose cached posteriors the constrained LogEI uses)."""
        training = context.training
        if training.objective_count != 1:
            return False
        if len(context.models) == 1:
            return True
        return training.best_feasible() is not None and all(map(is_plain_gp, context.models))

    def candidates(self, context: AcquisitionContext) -> torch.Tensor:
        """`count` points, each chosen with the earlier ones believed."""
        training, models = context.training, context.models
        model, values = models[0], training.outcomes[0].values
        best, row = training.best_feasible(), training.best_feasible_row
        assert best is not None and row is not None
        ceiling = float(np.quantile(values, BELIEVED_QUANTILE))
        constraints = [(models[b.outcome], b.value, b.upper) for b in training.constraints]
        start = context.data.tensor(training.x[row])  # the incumbent starts the optimizer
        x_believed: list[torch.Tensor] = []
        believed: list[torch.Tensor] = []
        if context.data.x_pending is not None:
            x_believed.append(context.data.x_pending)
            believed.append(believed_values(model, context.data.x_pending, best))
        chosen: list[torch.Tensor] = []
        for _ in range(context.count):
            if chosen:  # each chosen point's belief is computed once, when it joins
                x_believed.append(chosen[-1])
                believed.append(believed_values(model, chosen[-1], ceiling))
            acquisition = self.acquisition(
                model,
                best,
                torch.cat(x_believed) if x_believed else None,
                torch.cat(believed) if believed else None,
                constraints,
            )
            chosen.append(context.optimizer.maximize(acquisition, 1, start))
        return torch.cat(chosen).cpu()

    def acquisition(
        self,
        model: Model,
        best: float,
        x_believed: torch.Tensor | None,
        values: torch.Tensor | None,
        constraints: Sequence[tuple[Model, float, bool]],
    ) -> AcquisitionFunction:
        """The acquisition of one point (see `log_expected_improvement`): a subclass
        that overrides it keeps the beliefs and the incumbent start."""
        return log_expected_improvement(model, best, x_believed, values, constraints)


def log_expected_improvement(
    model: Model,
    best: float,
    x_believed: torch.Tensor | None,
    values: torch.Tensor | None,
    constraints: Sequence[tuple[Model, float, bool]] = (),
) -> AcquisitionFunction:
    """LogEI over `best`, with `values` (`k`) believed at x_believed (`k x d`), plus
    each constraint's log-probability (its model, bound, and whether the bound is an
    upper one)."""
    if constraints:
        return CachedLogConstrainedExpectedImprovement(
            model,  # type: ignore[arg-type]
            best,
            constraints,  # type: ignore[arg-type]
            x_believed,
            values,
        )
    if CachedLogExpectedImprovement.supports(model):
        return CachedLogExpectedImprovement(model, best, x_believed, values)  # type: ignore[arg-type]
    believed = model
    if x_believed is not None and values is not None:
        believed = believe(model, x_believed, values)
    return LogExpectedImprovement(believed, best_f=best)


def believed_values(model: Model, x: torch.Tensor, cap: float) -> torch.Tensor:
    """What the `k x d` points x, which the next point must stay away from, are believed
    to score (`k`): the GP's mean there, capped at `cap`.

    Other workers' pending trials are capped at the best observed value (a Kriging
    believer: no improvement expected at them); points already chosen in this batch
    at the BELIEVED_QUANTILE of the observed values, a pessimistic lie where the model
    expects good values, so a batch spreads yet can still refine the incumbent's
    region. Either way a point where the model expects a poor value is believed poor
    (docs/engine.md#beliefs).
    """
    with torch.no_grad():
        return model.posterior(x).mean.reshape(-1).clamp_max(cap)


def believe(model: Model, x: torch.Tensor, values: torch.Tensor) -> Model:
    """The model conditioned on `values` (`k`) observed at x (`k x d`)."""
    with torch.no_grad():
        model.posterior(x)  # conditioning updates the prediction caches this builds
    return model.condition_on_observations(x, values.reshape(-1, 1).to(x))
