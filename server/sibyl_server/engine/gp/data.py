"""A study snapshot as a GP training set: encoded trials and the outcomes observed.

Outcomes are the objectives (turned into "larger is better" here, once), the
outcome-constraint metrics, and, when some trials were infeasible, a feasibility
indicator that steers suggestions away from their region.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

import torch
from botorch.utils.multi_objective.pareto import is_non_dominated

from sibyl_server.domain.optimality import is_feasible
from sibyl_server.domain.study import MetricSpec, StudySpec
from sibyl_server.engine.gp.encoding import SearchSpaceEncoding
from sibyl_server.engine.gp.warping import warp_objective
from sibyl_server.engine.interface import Observation, SuggestionRequest

FEASIBILITY = "sibyl.feasible"
"""The indicator outcome (1 feasible, 0 infeasible) modelled when trials failed."""


@dataclass(frozen=True)
class Outcome:
    """One modelled output: its name, rows of the training set, values (maximized)."""

    name: str
    rows: list[int]
    values: list[float]


@dataclass(frozen=True)
class Bound:
    """A constraint on a modelled outcome: feasible at or below `value` when `upper`,
    at or above it otherwise."""

    outcome: int
    value: float
    upper: bool

    def holds(self, value: float) -> bool:
        return value <= self.value if self.upper else value >= self.value

    def as_callable(self) -> Callable[[torch.Tensor], torch.Tensor]:
        """BoTorch's form: a callable of model outputs (`... x m`), feasible where <= 0."""
        i, b = self.outcome, self.value
        if self.upper:
            return lambda z: z[..., i] - b
        return lambda z: b - z[..., i]


@dataclass(frozen=True)
class TrainingSet:
    """Encoded completed trials and the outcomes observed on them.

    `scales[i]` is what outcome i's values (and bounds) were divided by (see
    `in_modelled_units`): a value in the spec's units, a reference point's, is
    divided by it too.
    """

    x: list[list[float]]
    outcomes: list[Outcome]
    constraints: list[Bound]
    objective_count: int
    scales: tuple[float, ...]

    def best_feasible(self) -> float | None:
        """The first objective's best value among trials that meet every constraint."""
        row = self.best_feasible_row
        return None if row is None else self.outcomes[0].values[self.outcomes[0].rows.index(row)]

    @cached_property
    def best_feasible_row(self) -> int | None:
        """The row of the trial with the first objective's best feasible value (found
        once per step: both the choice of acquisition and the acquisition use it)."""
        objective = self.outcomes[0]
        feasible = dict(zip(objective.rows, objective.values, strict=True))
        for bound in self.constraints:
            outcome = self.outcomes[bound.outcome]
            observed = dict(zip(outcome.rows, outcome.values, strict=True))
            feasible = {
                row: value
                for row, value in feasible.items()
                if row in observed and bound.holds(observed[row])
            }
        return max(feasible, key=feasible.__getitem__, default=None)


@dataclass(frozen=True)
class Region:
    """A box of the encoded space, per column: where a local model's step searches."""

    lower: tuple[float, ...]
    upper: tuple[float, ...]


@dataclass(frozen=True)
class StepData:
    """What a model-based step learns from and must stay away from.

    Attributes:
        encoding: The study's search space as model inputs.
        training: The training set.
        x: `n x d` float64 tensor of the training set's encoded trials, on the device.
        x_pending: `p x d` tensor of the pending trials' encodings, or None when none.
        region: Where to search when the training set is a local one (see
            `local_subset`); None: everywhere.
    """

    encoding: SearchSpaceEncoding
    training: TrainingSet
    x: torch.Tensor
    x_pending: torch.Tensor | None
    region: Region | None = None

    def tensor(self, values: Sequence[object]) -> torch.Tensor:
        """`values` as a float64 tensor on the step's device."""
        return torch.tensor(values, dtype=torch.float64, device=self.x.device)


def step_data(
    request: SuggestionRequest, limit: int, device: torch.device, local: bool = False
) -> StepData:
    """Encodes the snapshot: at most `limit` completed trials (see `exact_subset`, or
    with `local` `local_subset`).

    Raises:
        ValueError: An outcome has fewer than 2 finite values (no GP can be fitted).
    """
    encoding = SearchSpaceEncoding(request.spec.parameters)
    chosen = local_subset(request.completed, request.spec, encoding, limit) if local else None
    completed, region = chosen or (exact_subset(request.completed, request.spec, limit), None)
    training = training_set(request.spec, encoding, completed)
    x = torch.tensor(training.x, dtype=torch.float64, device=device)
    pending = [encoding.encode(p) for p in request.pending]
    x_pending = torch.tensor(pending, dtype=torch.float64, device=device) if pending else None
    return StepData(encoding, training, x, x_pending, region)


def training_set(
    spec: StudySpec, encoding: SearchSpaceEncoding, completed: Sequence[Observation]
) -> TrainingSet:
    """Encodes the completed trials; objectives are flipped so that larger is better.

    A single objective is also warped (see gp/warping.py; its worse half by rank only
    when nothing constrains the incumbent: no outcome constraints and no infeasible
    trial); several objectives are not, as their reference point is given or inferred
    in their own units.
    """
    x = [encoding.encode(o.parameters) for o in completed]
    outcomes = [_outcome(m.name, completed, m.sign()) for m in spec.objectives]
    constraints: list[Bound] = []
    for metric in spec.constraints:
        constraints += _metric_bounds(metric, len(outcomes))
        outcomes.append(_outcome(metric.name, completed, 1.0))
    if any(o.infeasible for o in completed):
        index = len(outcomes)
        values = [0.0 if o.infeasible else 1.0 for o in completed]
        outcomes.append(Outcome(FEASIBILITY, list(range(len(completed))), values))
        constraints.append(Bound(index, 0.5, upper=False))
    scales = tuple(modelled_scale(o.values) for o in outcomes)
    outcomes, constraints = in_modelled_units(outcomes, constraints, scales)
    if len(spec.objectives) == 1:
        objective = outcomes[0]
        warped = warp_objective(objective.values, rank_worse_half=not constraints)
        outcomes[0] = Outcome(objective.name, objective.rows, warped)
    for outcome in outcomes:
        if len(outcome.rows) < 2:
            raise ValueError(f"fewer than 2 finite values of {outcome.name!r}")
    return TrainingSet(x, outcomes, constraints, len(spec.objectives), scales)


MODELLED_MAGNITUDES = (2.0**-10, 2.0**10)
"""The largest magnitude an outcome's values may have and be modelled as they are."""


def modelled_scale(values: Sequence[float]) -> float:
    """1.0, or for values whose largest magnitude lies outside MODELLED_MAGNITUDES, the
    power of two that brings it into [0.5, 1): the acquisitions' smoothing is absolute
    (docs/engine.md#warping). A power of two divides exactly: order, dominance and ties
    are kept."""
    largest = max((abs(v) for v in values), default=0.0)
    low, high = MODELLED_MAGNITUDES
    if largest == 0.0 or low <= largest <= high:
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1])


def in_modelled_units(
    outcomes: list[Outcome], bounds: list[Bound], scales: Sequence[float]
) -> tuple[list[Outcome], list[Bound]]:
    """The outcomes' values and the bounds on them divided by the outcomes' scales."""
    scaled = [
        o if scale == 1.0 else Outcome(o.name, o.rows, [v / scale for v in o.values])
        for o, scale in zip(outcomes, scales, strict=True)
    ]
    divided = [Bound(b.outcome, b.value / scales[b.outcome], b.upper) for b in bounds]
    return scaled, divided


def _outcome(name: str, completed: Sequence[Observation], sign: float) -> Outcome:
    rows, values = [], []
    for i, observation in enumerate(completed):
        value = observation.metrics.get(name)
        if not observation.infeasible and value is not None and math.isfinite(value):
            rows.append(i)
            values.append(sign * value)
    return Outcome(name, rows, values)


def _metric_bounds(metric: MetricSpec, index: int) -> list[Bound]:
    """The bounds of a metric modelled as outcome `index`."""
    assert metric.constraint is not None
    upper, lower = metric.constraint.upper_bound, metric.constraint.lower_bound
    bounds: list[Bound] = []
    if upper is not None:
        bounds.append(Bound(index, upper, upper=True))
    if lower is not None:
        bounds.append(Bound(index, lower, upper=False))
    return bounds


def exact_subset(
    completed: Sequence[Observation], spec: StudySpec, limit: int
) -> Sequence[Observation]:
    """At most `limit` trials for an exact GP: the best half, the newest, a sample.

    Exact GP fits cost O(n^3); beyond `limit` a study keeps its best trials (where the
    optimum is being refined), its newest (what the pending ones were chosen against)
    and, for the global shape, the rest's trials of lowest `sample_rank`: one new trial
    changes the subset by a trial or two, so the warm-started fit has little to move
    (docs/engine.md#subset).
    """
    if len(completed) <= limit:
        return completed
    best = best_first(completed, spec, limit // 2)
    newest = list(range(len(completed) - limit // 4, len(completed)))
    chosen = set(best) | set(newest)
    rest = sorted((i for i in range(len(completed)) if i not in chosen), key=sample_rank)
    chosen |= set(rest[: max(limit - len(chosen), 0)])
    return [completed[i] for i in sorted(chosen)]


def best_first(completed: Sequence[Observation], spec: StudySpec, wanted: int) -> list[int]:
    """The indices of the `wanted` best trials with a value of every objective.

    Those meeting every outcome constraint come first: ranked by value alone, a
    constrained study's best half could all break a constraint, leaving out its best
    feasible trial (the step's incumbent). With several objectives, the Pareto front
    comes first, so that the hypervolume and its reference point see all of it.
    """
    objectives = spec.objectives
    scored = [
        i
        for i, o in enumerate(completed)
        if not o.infeasible and all(m.name in o.metrics for m in objectives)
    ]
    feasible = [i for i in scored if is_feasible(spec, completed[i].metrics)]
    kept = set(feasible)
    ranked: list[int] = []
    for group in (feasible, [i for i in scored if i not in kept]):
        if len(ranked) >= wanted:
            break
        values = torch.tensor(
            [[m.sign() * completed[i].metrics[m.name] for m in objectives] for i in group],
            dtype=torch.float64,
        ).reshape(len(group), len(objectives))
        ranked += [group[j] for j in _front_first(values)]
    return ranked[:wanted]


def _front_first(values: torch.Tensor) -> list[int]:
    """The rows of `values` (`n x m`, maximized), best first: with several columns the
    Pareto front (by its first column), then the others by the sum of their ranks in
    each column; with one, by it. Ties keep the rows' order.

    One front, not a front at a time: each front is a pass over every row, and with
    objectives that move together a front holds a trial or two, so peeling enough of
    them for a subset of 400 of 10,000 trials took seconds.
    """
    firsts = values[:, 0].tolist()
    if values.shape[-1] == 1 or len(values) == 0:
        return sorted(range(len(values)), key=lambda row: -firsts[row])
    on_front = is_non_dominated(values, deduplicate=False).tolist()
    order = torch.argsort(values, dim=0, descending=True, stable=True)
    ranks = torch.argsort(order, dim=0).sum(-1).tolist()
    front = sorted((row for row in range(len(values)) if on_front[row]), key=lambda r: -firsts[r])
    rest = sorted(
        (row for row in range(len(values)) if not on_front[row]),
        key=lambda row: (ranks[row], -firsts[row]),
    )
    return front + rest


def local_subset(
    completed: Sequence[Observation],
    spec: StudySpec,
    encoding: SearchSpaceEncoding,
    limit: int,
) -> tuple[list[Observation], Region] | None:
    """The `limit` trials nearest the best feasible one and their bounding box (a trust
    region).

    An exact GP on them resolves the incumbent's neighbourhood as finely as a study
    of `limit` trials there would, and the step searches only where they are. Distances
    are Euclidean over the encoded columns (each in [0, 1]), a categorical column
    counting 1 where the categories differ (they have no order). None (the caller keeps
    `exact_subset`) at most `limit` trials, with several objectives, in a conditional
    space, or with no finite objective value that meets every outcome constraint.
    """
    if len(completed) <= limit or len(spec.objectives) > 1 or encoding.is_conditional:
        return None
    objective = spec.objective
    scored = [
        (objective.sign() * o.metrics[objective.name], i)
        for i, o in enumerate(completed)
        if not o.infeasible
        and math.isfinite(o.metrics.get(objective.name, math.nan))
        and is_feasible(spec, o.metrics)
    ]
    if not scored:
        return None
    rows = [encoding.encode(o.parameters) for o in completed]
    best = rows[max(scored)[1]]
    categorical = set(encoding.categorical_dims)
    distance = [_distance(row, best, categorical) for row in rows]
    nearest = sorted(range(len(completed)), key=distance.__getitem__)[:limit]
    columns = list(zip(*(rows[i] for i in nearest), strict=True))
    region = Region(tuple(min(c) for c in columns), tuple(max(c) for c in columns))
    return [completed[i] for i in sorted(nearest)], region


def _distance(a: Sequence[float], b: Sequence[float], categorical: set[int]) -> float:
    squares = (
        float(x != y) if column in categorical else (x - y) ** 2
        for column, (x, y) in enumerate(zip(a, b, strict=True))
    )
    return math.sqrt(sum(squares))


def sample_rank(index: int) -> int:
    """A fixed pseudo-random rank of a trial number (Knuth's multiplicative hash)."""
    return (index * 2654435761) % 2**32
