"""One objective, constraints and no feasible trial yet: qLogNoisyExpectedImprovement.

Pending trials are its X_pending; constraints are smooth constraint callables on the
joint model's samples.
"""

from __future__ import annotations

import torch
from botorch.acquisition.logei import qLogNoisyExpectedImprovement
from botorch.acquisition.objective import GenericMCObjective

from sibyl_server.engine.gp.acquisition.monte_carlo import (
    baseline,
    joint_model,
    outcome_constraints,
    sampler,
)
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext


class NoisyExpectedImprovement:
    """qLogNEI over the one objective, the batch chosen jointly."""

    def applies(self, context: AcquisitionContext) -> bool:
        return context.training.objective_count == 1

    def candidates(self, context: AcquisitionContext) -> torch.Tensor:
        model, x_baseline, qmc = joint_model(context), baseline(context), sampler(context)
        objective = None
        if len(context.training.outcomes) > 1:
            objective = GenericMCObjective(first_output)
        acquisition = qLogNoisyExpectedImprovement(
            model,
            x_baseline,
            sampler=qmc,
            objective=objective,
            X_pending=context.data.x_pending,
            constraints=outcome_constraints(context),
            prune_baseline=True,
        )
        return context.optimizer.maximize(acquisition, context.count).cpu()


def first_output(samples: torch.Tensor, X: torch.Tensor | None = None) -> torch.Tensor:
    """The objective's samples (`... x q`), out of every modelled outcome's (`... x q x m`)."""
    return samples[..., 0]
