"""The acquisition strategies, in the order they are tried: the first that applies is used.

Adding one: a module with a class implementing `AcquisitionStrategy`, and its entry
here, ahead of the strategies it should take over from.
"""

from __future__ import annotations

from collections.abc import Sequence

from sibyl_server.engine.gp.acquisition.analytic import AnalyticLogEI
from sibyl_server.engine.gp.acquisition.analytic_hypervolume import AnalyticHypervolumeImprovement
from sibyl_server.engine.gp.acquisition.hypervolume import NoisyHypervolumeImprovement
from sibyl_server.engine.gp.acquisition.noisy_expected_improvement import (
    NoisyExpectedImprovement,
)
from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext, AcquisitionStrategy

STRATEGIES: tuple[AcquisitionStrategy, ...] = (
    AnalyticLogEI(),
    NoisyExpectedImprovement(),
    AnalyticHypervolumeImprovement(),
    NoisyHypervolumeImprovement(),
)


def choose_strategy(
    context: AcquisitionContext, strategies: Sequence[AcquisitionStrategy] = STRATEGIES
) -> AcquisitionStrategy:
    """The first of `strategies` that applies to the step.

    Raises:
        LookupError: None applies.
    """
    for strategy in strategies:
        if strategy.applies(context):
            return strategy
    raise LookupError("no acquisition strategy applies to this step")
