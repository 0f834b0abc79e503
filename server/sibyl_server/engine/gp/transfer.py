"""Transfer from prior studies: the priors' GPs, ranking-weighted, as the mean of the
study's GP.

Each prior study gets a GP fitted to its trials on the parameters it shares with the
study. Each is weighted as in a ranking-weighted ensemble (RGPE; Feurer, Letham, Hutter
and Bakshy, 2018): a model's weight is the share of posterior samples in which it
orders the study's trials best (fewest pairs the wrong way round; the study's own GP
judged leave-one-out), so a prior that orders them no better than chance gets (almost)
none, and one whose median loss is worse than the study's own GP's gets none at all.
The step's model is then the study's GP fitted to what the priors' weighted means,
mapped into the study's units, leave of its values (`ResidualOverPriors`, after OSS
Vizier's stacked GPs): the priors give the shape, the study's trials the uncertainty.
The acquisition stays the study's (docs/transfer.md).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import torch
from botorch.models.model import Model
from botorch.posteriors import GPyTorchPosterior
from gpytorch import settings as gpytorch_settings
from gpytorch.distributions import MultivariateNormal
from linear_operator.utils.cholesky import psd_safe_cholesky

from sibyl_server.domain.study import (
    ParameterSpec,
    ParameterType,
    ParameterValue,
    StudySpec,
    shared_parameters,
)
from sibyl_server.engine.gp.data import StepData, exact_subset
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.fit import fit_model
from sibyl_server.engine.gp.model import Hyperparameters, hyperparameters_of, surrogate, warm_start
from sibyl_server.engine.gp.warping import warp_objective
from sibyl_server.engine.interface import Observation, PriorObservations, SuggestionRequest

MIN_PRIOR_TRIALS = 3
"""A prior needs this many usable trials (finite objective, inside the study's space)."""
MAX_PRIOR_OBSERVATIONS = 200
"""Each prior's GP sees at most this many of its trials (see `exact_subset`)."""
MIN_RANKED_TRIALS = 3
"""Below this many study trials no ranking says anything: every model weighs the same."""
MAX_RANKED_TRIALS = 100
"""The weights are computed on the study's newest trials, at most this many."""
RANKING_SAMPLES = 256
"""Posterior samples per model from which the weights are counted."""
DILUTION_QUANTILE = 0.5
"""A prior whose median ranking loss exceeds this quantile of the study's own GP's
losses gets weight 0: the paper's weight-dilution prevention, with its median rather
than its 95th percentile, so that an unrelated prior is dropped sooner
(docs/transfer.md#measured)."""
HYPERPARAMETERS_PREFIX = "sibyl.prior:"
"""A prior GP's hyperparameters are saved under this prefix and the prior's name."""
RESIDUAL_KEY = "sibyl.prior_residual"
"""The residual GP's hyperparameters (`ResidualOverPriors`) in the step's state."""


@dataclass(frozen=True)
class PriorData:
    """A prior's trials as a training set on the study's encoding.

    Attributes:
        name: The prior's name, as the spec gives it.
        columns: The study's encoded columns this prior has (its GP's inputs).
        x: `n x len(columns)` encoded trials.
        y: `n x 1` objective values, larger is better, warped as the study's are.
    """

    name: str
    columns: list[int]
    x: torch.Tensor
    y: torch.Tensor


@dataclass(frozen=True)
class Member:
    """A prior's GP mapped into the study's outcome units, with its weight.

    Attributes:
        model: The prior's fitted single-output GP.
        columns: The study's encoded columns it takes as inputs.
        weight: Its weight (the study's own GP has the rest).
        offset: Added to its mean after `scale`.
        scale: Multiplies its mean.
    """

    model: Model
    columns: list[int]
    weight: float
    offset: float = 0.0
    scale: float = 1.0

    def mean(self, X: torch.Tensor) -> torch.Tensor:
        """Its mapped mean at `... x d` X (the study's columns), shape `...`."""
        posterior = self.model.posterior(X[..., self.columns])
        return self.offset + self.scale * posterior.mean.squeeze(-1)


def weighted_mean(members: Sequence[Member], X: torch.Tensor) -> torch.Tensor:
    """The sum of the members' mapped means at `... x d` X times their weights (`...`)."""
    total = torch.zeros(X.shape[:-1], dtype=X.dtype, device=X.device)
    for member in members:
        if member.weight > 0.0:
            total = total + member.weight * member.mean(X)
    return total


class ResidualOverPriors(Model):
    """The study's GP fitted to what the weighted priors' means leave unexplained.

    Its mean is `prior_mean(x)`, the sum of the priors' mapped means times their
    weights, plus the residual GP's mean; its covariance is the residual GP's alone.
    A prior lends the study the shape of its function, not its certainty: next to a
    prior's optimum, where the prior's GP is sure, the study's own optimum may lie a
    little apart, and only the study's trials can tell (OSS Vizier's stacked GPs, each
    prior's share weighted by how well it ranks the study's trials). With every prior
    at weight 0 this is the study's plain GP. Believing a point conditions the residual
    GP, so a batch spreads as it does without priors.
    """

    def __init__(self, residual: Model, priors: Sequence[Member]) -> None:
        super().__init__()
        self.residual = residual
        self.priors = list(priors)

    @property
    def num_outputs(self) -> int:
        return 1

    @property
    def batch_shape(self) -> torch.Size:
        return torch.Size()

    def prior_mean(self, X: torch.Tensor) -> torch.Tensor:
        """The weighted priors' means at `... x d` X, in the study's units (`...`)."""
        return weighted_mean(self.priors, X)

    def posterior(
        self,
        X: torch.Tensor,
        output_indices: list[int] | None = None,
        observation_noise: bool | torch.Tensor = False,
        posterior_transform: Any = None,
        **kwargs: Any,
    ) -> GPyTorchPosterior:
        """The posterior at `batch x q x d` (or `q x d`) points X."""
        distribution = self.residual.posterior(X, observation_noise=observation_noise).distribution
        mean = distribution.mean + self.prior_mean(X)
        result = GPyTorchPosterior(MultivariateNormal(mean, distribution.lazy_covariance_matrix))
        return posterior_transform(result) if posterior_transform is not None else result

    def condition_on_observations(
        self, X: torch.Tensor, Y: torch.Tensor, **kwargs: Any
    ) -> ResidualOverPriors:
        """The model with its residual GP conditioned on what the priors leave of Y
        (`k x 1`, the study's units) at X (`k x d`)."""
        with torch.no_grad():
            self.residual.posterior(X)  # conditioning updates the prediction caches this builds
            # Detached: believed values are data, not a function of the priors' fits.
            residual = Y - self.prior_mean(X).unsqueeze(-1)
        conditioned = self.residual.condition_on_observations(X, residual, **kwargs)
        return ResidualOverPriors(conditioned, self.priors)


@dataclass(frozen=True)
class Transfer:
    """A step's transfer model.

    Attributes:
        model: The study's GP over the priors (`ResidualOverPriors`), or the study's own
            GP where every prior has weight 0; in the study's outcome units.
        weights: Each prior's weight by name (the study's own GP has the rest).
        hyperparameters: The priors' fitted hyperparameters, by state key.
    """

    model: Model
    weights: dict[str, float]
    hyperparameters: dict[str, Hyperparameters]


def uses_priors(request: SuggestionRequest) -> bool:
    """Whether the step transfers: the spec says so and a prior has trials."""
    if not request.spec.transfers:
        return False
    return any(len(p.completed) >= MIN_PRIOR_TRIALS for p in request.priors)


def transfer_model(
    request: SuggestionRequest,
    data: StepData,
    own: Model,
    saved: Mapping[str, Mapping[str, Any]],
) -> Transfer:
    """The study's GP over the priors' weighted means, the weights ranking-weighted
    (RGPE) between the priors' GPs and the study's fitted GP `own` (its objective's).

    Priors with fewer than MIN_PRIOR_TRIALS usable trials get weight 0.
    """
    weights = {prior.name: 0.0 for prior in request.priors}
    usable = [
        found
        for found in (prior_data(p, request.spec, data.encoding, data.x) for p in request.priors)
        if found is not None
    ]
    models: list[Model] = []
    hyperparameters: dict[str, Hyperparameters] = {}
    for prior in usable:
        key = HYPERPARAMETERS_PREFIX + prior.name
        model = surrogate(prior.x, prior.y, _categorical(data.encoding, prior.columns))
        fit_model(model, warm_started=warm_start(model, saved.get(key)))
        models.append(model)
        hyperparameters[key] = hyperparameters_of(model)
    columns = [prior.columns for prior in usable]
    shares = ranking_weights(list(zip(models, columns, strict=True)), own)
    weights.update({prior.name: share for prior, share in zip(usable, shares, strict=False)})
    if not any(shares[:-1]):
        return Transfer(own, weights, hyperparameters)  # the plain GP: nothing to stack
    x, y = _own_training(data)
    members = [
        mapped(model, cols, share, x, y)
        for model, cols, share in zip(models, columns, shares, strict=False)
    ]
    start = saved.get(RESIDUAL_KEY) or hyperparameters_of(own)
    residual = _fit_residual(x, y, members, data, start)
    hyperparameters[RESIDUAL_KEY] = hyperparameters_of(residual)
    return Transfer(ResidualOverPriors(residual, members), weights, hyperparameters)


def _own_training(data: StepData) -> tuple[torch.Tensor, torch.Tensor]:
    """The study's objective's training inputs (`n x d`) and values (`n x 1`)."""
    objective = data.training.outcomes[0]
    return data.x[objective.rows], data.tensor(objective.values).unsqueeze(-1)


def mapped(
    model: Model, columns: list[int], weight: float, x: torch.Tensor, y: torch.Tensor
) -> Member:
    """The prior's GP mapped into the study's units: the least-squares line of the
    study's values `y` on the prior's means at the study's trials `x` (a slope of at
    least 0); with fewer than MIN_RANKED_TRIALS trials, or means all alike, the line
    through the values' mean with their spread as slope (the prior's GP predicts in
    standardized units of its own)."""
    with torch.no_grad():
        mean = model.posterior(x[..., columns]).mean.reshape(-1)
    values = y.reshape(-1)
    centred = mean - mean.mean()
    if len(values) < MIN_RANKED_TRIALS or float(centred.square().sum()) <= 0.0:
        offset, scale = _units(values)
        return Member(model, columns, weight, offset, scale)
    slope = float((centred * (values - values.mean())).sum() / centred.square().sum())
    slope = max(0.0, slope)
    return Member(model, columns, weight, float(values.mean() - slope * mean.mean()), slope)


def _fit_residual(
    x: torch.Tensor,
    y: torch.Tensor,
    members: Sequence[Member],
    data: StepData,
    saved: Mapping[str, Any] | None,
) -> Model:
    """The study's GP fitted to `y` less the weighted priors' means, warm-started from
    `saved` (its last fit, else the study's own GP's)."""
    with torch.no_grad():
        residual = y - weighted_mean(members, x).unsqueeze(-1)
    model = surrogate(x, residual, sorted(data.encoding.categorical_dims))
    with gpytorch_settings.max_cholesky_size(len(x) + 1):  # exact, as the study's own fit
        fit_model(model, warm_started=warm_start(model, saved))
    return model


def prior_data(
    prior: PriorObservations,
    spec: StudySpec,
    encoding: SearchSpaceEncoding,
    like: torch.Tensor,
) -> PriorData | None:
    """The prior's trials on the study's shared columns (dtype and device of `like`),
    or None with fewer than MIN_PRIOR_TRIALS usable ones.

    Parameters the study lacks are dropped (the trials are taken as if those were
    fixed); trials with a shared value outside the study's space are left out.
    """
    shared = set(shared_parameters(spec.parameters, prior.parameters))
    columns = [i for i, p in enumerate(encoding.parameters) if p.name in shared]
    if not columns or prior.objective.goal is None:
        return None
    space = tuple(_unconditional(encoding.parameters[i], shared) for i in columns)
    sub = SearchSpaceEncoding(space)
    # The usable trials first, then the subset of them: a subset taken first could keep
    # few of a prior whose best trials lie outside the study's space.
    usable = [
        o
        for o in prior.completed
        if _objective_value(o, prior.objective.name) is not None and _inside(space, o.parameters)
    ]
    observed = exact_subset(
        usable, StudySpec(prior.parameters, (prior.objective,)), MAX_PRIOR_OBSERVATIONS
    )
    if len(observed) < MIN_PRIOR_TRIALS:
        return None
    rows = [sub.encode(o.parameters) for o in observed]
    values = [prior.objective.sign() * float(o.metrics[prior.objective.name]) for o in observed]
    x = torch.tensor(rows, dtype=like.dtype, device=like.device)
    y = torch.tensor(warp_objective(values), dtype=like.dtype, device=like.device)
    return PriorData(prior.name, columns, x, y.unsqueeze(-1))


def ranking_weights(priors: Sequence[tuple[Model, list[int]]], own: Model) -> list[float]:
    """Each prior's weight, then the study's own GP's: they sum to 1.

    Counted on the newest MAX_RANKED_TRIALS trials of `own`'s training set; below
    MIN_RANKED_TRIALS trials every model weighs the same.
    """
    x, y = own.train_inputs[0], own.train_targets  # type: ignore[attr-defined]
    if len(y) < MIN_RANKED_TRIALS:
        return [1.0 / (len(priors) + 1)] * (len(priors) + 1)
    x, y = x[-MAX_RANKED_TRIALS:], y[-MAX_RANKED_TRIALS:]
    losses = [pair_losses(posterior_samples(model, x[..., cols]), y) for model, cols in priors]
    losses.append(leave_one_out_losses(own, x, y))
    return weights_from_losses(torch.stack(losses, dim=-1))


def weights_from_losses(losses: torch.Tensor) -> list[float]:
    """Weights from `samples x models` ranking losses, the study's own GP last.

    Each sample's credit goes to the models with the lowest loss (split on ties);
    priors whose median loss exceeds the DILUTION_QUANTILE of the last model's get none.
    """
    losses = losses.to(torch.float64)
    threshold = torch.quantile(losses[:, -1], DILUTION_QUANTILE)
    diluting = losses.median(dim=0).values > threshold
    diluting[-1] = False
    losses[:, diluting] = math.inf
    best = losses == losses.min(dim=1, keepdim=True).values
    credit = best.to(torch.float64) / best.sum(dim=1, keepdim=True)
    return [float(w) for w in credit.mean(dim=0)]


def posterior_samples(model: Model, x: torch.Tensor) -> torch.Tensor:
    """`RANKING_SAMPLES x n` joint samples of the model's latent function at `n x d` x."""
    with torch.no_grad():
        distribution = model.posterior(x).distribution
        mean, covariance = distribution.mean.reshape(-1), distribution.covariance_matrix
        factor = psd_safe_cholesky(covariance)
        normal = torch.randn(RANKING_SAMPLES, len(mean), dtype=x.dtype, device=x.device)
        return mean + normal @ factor.transpose(-1, -2)


def leave_one_out_losses(model: Model, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """`RANKING_SAMPLES` ranking losses of the GP's leave-one-out predictions at x.

    Each trial's value is drawn from the GP fitted to the others (same hyperparameters,
    in closed form: Rasmussen and Williams, eq. 5.12) and compared with the others'
    observed values `y` (in the GP's own standardized units).
    """
    with torch.no_grad():
        gp: Any = model
        noise = gp.likelihood.noise.reshape(-1)[0]
        covariance = gp.covar_module(x).to_dense() + noise * torch.eye(len(y)).to(x)
        inverse = torch.cholesky_inverse(psd_safe_cholesky(covariance))
        diagonal = inverse.diagonal()
        mean = y - (inverse @ (y - gp.mean_module.constant)) / diagonal
        normal = torch.randn(RANKING_SAMPLES, len(y), dtype=x.dtype, device=x.device)
        samples = mean + normal * diagonal.rsqrt()
    wrong = (samples.unsqueeze(-1) < y) ^ (y.unsqueeze(-1) < y)
    return (wrong & ~torch.eye(len(y), dtype=torch.bool, device=x.device)).sum(dim=(-2, -1))


def pair_losses(samples: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Per sample (`s x n`), the ordered pairs of trials it ranks otherwise than `y`."""
    wrong = (samples.unsqueeze(-1) < samples.unsqueeze(-2)) ^ (y.unsqueeze(-1) < y)
    return wrong.sum(dim=(-2, -1))


def _units(values: torch.Tensor) -> tuple[float, float]:
    """The mean and standard deviation of the study's training values: a prior GP's
    standardized prediction times the second plus the first is in the study's units."""
    spread = float(values.std()) if len(values) > 1 else 0.0
    return float(values.mean()), spread if spread > 0 and math.isfinite(spread) else 1.0


def _categorical(encoding: SearchSpaceEncoding, columns: list[int]) -> list[int]:
    categorical = encoding.categorical_dims
    return [i for i, column in enumerate(columns) if column in categorical]


def _unconditional(parameter: ParameterSpec, shared: set[str]) -> ParameterSpec:
    """The parameter, its condition dropped when its parent is not shared."""
    condition = parameter.condition
    if condition is not None and condition.parent not in shared:
        return replace(parameter, condition=None)
    return parameter


def _objective_value(observation: Observation, name: str) -> float | None:
    value = observation.metrics.get(name)
    if observation.infeasible or value is None or not math.isfinite(value):
        return None
    return float(value)


def _inside(space: Sequence[ParameterSpec], values: Mapping[str, ParameterValue]) -> bool:
    """Whether `values` is a point of `space`: each parameter it has lies in its domain,
    and it has each that `space` always has (a parameter conditional in the prior but
    not in the study has no value where it was inactive: that trial says nothing of
    the study's point, which must have one)."""
    return all(
        _holds(p, values[p.name]) if p.name in values else p.condition is not None for p in space
    )


def _holds(parameter: ParameterSpec, value: ParameterValue) -> bool:
    if parameter.type is ParameterType.CATEGORICAL:
        return value in parameter.categories
    if isinstance(value, str):
        return False
    if parameter.type is ParameterType.DISCRETE:
        return min(parameter.values) <= float(value) <= max(parameter.values)
    assert parameter.min_value is not None and parameter.max_value is not None
    return parameter.min_value <= float(value) <= parameter.max_value
