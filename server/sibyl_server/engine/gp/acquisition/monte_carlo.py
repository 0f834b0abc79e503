"""What the quasi-Monte-Carlo acquisitions share: one model, baseline, sampler, constraints."""

from __future__ import annotations

from collections.abc import Callable

import torch
from botorch.models import ModelListGP
from botorch.models.model import Model
from botorch.sampling import SobolQMCNormalSampler

from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext


def joint_model(context: AcquisitionContext) -> Model:
    """The outcomes' GPs as one model (its outputs in the order of the outcomes)."""
    models = context.models
    return ModelListGP(*models) if len(models) > 1 else models[0]


def baseline(context: AcquisitionContext) -> torch.Tensor:
    """The distinct training inputs (`b x d`): the noisy acquisitions' incumbents."""
    return torch.unique(context.data.x, dim=0)


def sampler(context: AcquisitionContext) -> SobolQMCNormalSampler:
    """`mc_samples` scrambled Sobol normal samples, seeded by the step."""
    return SobolQMCNormalSampler(torch.Size([context.mc_samples]), seed=context.seed)


def outcome_constraints(
    context: AcquisitionContext,
) -> list[Callable[[torch.Tensor], torch.Tensor]] | None:
    """Each bound as a smooth constraint on the joint model's samples, or None."""
    return [bound.as_callable() for bound in context.training.constraints] or None
