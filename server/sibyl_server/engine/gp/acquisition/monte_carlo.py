"""What the quasi-Monte-Carlo acquisitions share: one model, baseline, sampler, constraints."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import torch
from botorch.models import ModelListGP
from botorch.models.gpytorch import GPyTorchModel
from botorch.models.model import Model
from botorch.posteriors import GPyTorchPosterior
from botorch.sampling import SobolQMCNormalSampler
from gpytorch.distributions import MultitaskMultivariateNormal
from torch.nn import ModuleList

from sibyl_server.engine.gp.acquisition.strategy import AcquisitionContext


def joint_model(context: AcquisitionContext) -> Model:
    """The outcomes' GPs as one model (its outputs in the order of the outcomes)."""
    models = context.models
    if len(models) == 1:
        return models[0]
    if all(isinstance(m, GPyTorchModel) for m in models):
        return ModelListGP(*models)
    return IndependentOutcomes(models)


class IndependentOutcomes(Model):
    """Models of one output each as one model of independent outputs, where one of them
    is not a plain GP, which ModelListGP refuses: the fidelity GP seen at `max_step`
    beside a constraint's (or the feasibility indicator's) GP."""

    def __init__(self, models: Sequence[Model]) -> None:
        super().__init__()
        self.models = ModuleList(models)

    @property
    def num_outputs(self) -> int:
        return len(self.models)

    @property
    def batch_shape(self) -> torch.Size:
        return self.models[0].batch_shape

    def posterior(
        self,
        X: torch.Tensor,
        output_indices: list[int] | None = None,
        observation_noise: bool | torch.Tensor = False,
        posterior_transform: Any = None,
        **kwargs: Any,
    ) -> GPyTorchPosterior:
        indices = range(len(self.models)) if output_indices is None else output_indices
        distributions = [
            self.models[i].posterior(X, observation_noise=observation_noise).distribution
            for i in indices
        ]
        joint = (
            distributions[0]
            if len(distributions) == 1
            else MultitaskMultivariateNormal.from_independent_mvns(distributions)
        )
        result = GPyTorchPosterior(joint)
        return posterior_transform(result) if posterior_transform is not None else result


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
