"""What an acquisition strategy is given, and what it must do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import torch
from botorch.models.model import Model

from sibyl_server.domain.study import StudySpec
from sibyl_server.engine.gp.data import StepData, TrainingSet

if TYPE_CHECKING:  # gp/optimize.py imports this package: no import at run time
    from sibyl_server.engine.gp.optimize import AcquisitionOptimizer


@dataclass(frozen=True)
class AcquisitionContext:
    """One model-based step, as its acquisition strategy sees it.

    Attributes:
        spec: The study's spec.
        data: The training set and pending trials, as tensors.
        models: The fitted GPs, one per outcome of `data.training`.
        count: Number of points wanted.
        seed: The step's seed (for quasi-Monte-Carlo samplers).
        mc_samples: Quasi-Monte-Carlo samples per acquisition evaluation.
        optimizer: Maximizes an acquisition over the search space.
    """

    spec: StudySpec
    data: StepData
    models: Sequence[Model]
    count: int
    seed: int
    mc_samples: int
    optimizer: AcquisitionOptimizer

    @property
    def training(self) -> TrainingSet:
        return self.data.training


class AcquisitionStrategy(Protocol):
    """A way to choose a step's points; the registry uses the first that applies."""

    def applies(self, context: AcquisitionContext) -> bool:
        """Whether this strategy handles the step (its outcomes, constraints, models)."""
        ...

    def candidates(self, context: AcquisitionContext) -> torch.Tensor:
        """`count x d` encoded points, on the CPU."""
        ...
