"""Several objectives: qLogNoisyExpectedHypervolumeImprovement.

The reference point is the spec's, or one inferred from the observed front; pending
trials are its X_pending; constraints are smooth constraint callables.
"""

from __future__ import annotations

import torch
from botorch.acquisition.multi_objective.logei import (
    qLogNoisyExpectedHypervolumeImprovement,
)
from botorch.acquisition.multi_objective.objective import IdentityMCMultiOutputObjective
from botorch.utils.multi_objective.hypervolume import infer_reference_point
from botorch.utils.multi_objective.pareto import is_non_dominated

from sibyl_server.engine.gp.acquisition.monte_carlo import (
    baseline,
    joint_model,
    outcome_constraints,
    sampler,
)
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext


class NoisyHypervolumeImprovement:
    """qLogNEHVI over every objective, the batch chosen jointly."""

    def applies(self, context: AcquisitionContext) -> bool:
        return context.training.objective_count > 1

    def candidates(self, context: AcquisitionContext) -> torch.Tensor:
        model, x_baseline, qmc = joint_model(context), baseline(context), sampler(context)
        objectives = context.training.objective_count
        acquisition = qLogNoisyExpectedHypervolumeImprovement(
            model,
            ref_point=reference_point(context),
            X_baseline=x_baseline,
            sampler=qmc,
            objective=IdentityMCMultiOutputObjective(outcomes=list(range(objectives))),
            constraints=outcome_constraints(context),
            X_pending=context.data.x_pending,
            prune_baseline=True,
        )
        return context.optimizer.maximize(acquisition, context.count).cpu()


def reference_point(context: AcquisitionContext) -> torch.Tensor:
    """The spec's reference point (`k`, in maximized modelled units), or one inferred
    from the front.

    Inferred as BoTorch does: the nadir of the observed Pareto front of the trials that
    report every objective, pushed 10% of the front's range further out.
    """
    objectives, training = context.spec.objectives, context.training
    given = [
        None if m.reference_value is None else m.sign() * m.reference_value / training.scales[i]
        for i, m in enumerate(objectives)
    ]
    if all(value is not None for value in given):
        return context.data.tensor(given)
    common = set(training.outcomes[0].rows)
    for outcome in training.outcomes[1 : training.objective_count]:
        common &= set(outcome.rows)
    rows = sorted(common)
    front = training.outcomes[: training.objective_count]
    y = context.data.tensor([[o.values[o.rows.index(r)] for o in front] for r in rows])
    inferred = infer_reference_point(y[is_non_dominated(y)])
    return context.data.tensor(
        [float(inferred[i]) if value is None else value for i, value in enumerate(given)]
    )
