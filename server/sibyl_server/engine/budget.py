"""A budget parameter's schedule: successive halving across trials (docs/fidelity.md).

When a study names a parameter as its budget (a data fraction, epochs trained from
scratch), Sibyl sets that parameter in every suggestion. A configuration among the best
1/reduction_factor of those finished at one budget is promoted: a new trial runs it at
the next budget (ASHA's rule, asynchronous: it needs no rung to fill). Promotions come
first, from the highest budget down; the other points are new configurations from the
study's algorithm, at the smallest budget. GP_BANDIT fits its model on every trial,
the budget a column like any other, and chooses configurations at the largest budget
(`target_columns`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable
from dataclasses import dataclass, replace

from sibyl_server.domain.optimality import is_feasible
from sibyl_server.domain.study import Algorithm, ParameterValue, StudySpec
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    METADATA_BUDGET_RUNG,
    Designer,
    Parameters,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)

Configuration = tuple[tuple[str, Hashable], ...]
"""A trial's parameters other than the budget, comparable and hashable."""


def without_budget(spec: StudySpec, parameters: Parameters) -> dict[str, ParameterValue]:
    """A point's configuration: its parameters but the budget (all of them without one)."""
    budget = spec.budget.name if spec.budget is not None else None
    return {k: v for k, v in parameters.items() if k != budget}


def ran_every_budget(spec: StudySpec, parameters: Parameters) -> bool:
    """Whether a trial's `parameters` are at the largest budget (True without a budget
    parameter): its configuration has no budget left to run at."""
    if spec.budget is None:
        return True
    schedule = BudgetSchedule.of(spec)
    return schedule.rung(parameters) == len(schedule.budgets) - 1


def target_columns(spec: StudySpec) -> dict[int, float]:
    """Encoded columns the acquisition holds fixed: the budget at its largest value
    (encoded 1.0 on any scale), where new configurations are judged."""
    if spec.budget is None:
        return {}
    names = [p.name for p in spec.parameters]
    return {names.index(spec.budget.name): 1.0}


@dataclass(frozen=True)
class BudgetSchedule:
    """Which budget each suggestion of a study with a budget parameter runs at.

    Attributes:
        name: The budget parameter.
        budgets: Its budgets, ascending (`BudgetParameter.budgets`).
        reduction_factor: The best 1/reduction_factor of a budget's trials are promoted.
        sign: +1 when the first objective is maximized, -1 when minimized.
        objective: The first objective's name.
        spec: The study's spec (its outcome constraints).
    """

    name: str
    budgets: tuple[ParameterValue, ...]
    reduction_factor: int
    sign: float
    objective: str
    spec: StudySpec

    @staticmethod
    def of(spec: StudySpec) -> BudgetSchedule:
        assert spec.budget is not None
        return BudgetSchedule(
            spec.budget.name,
            spec.budget.budgets(spec.parameter(spec.budget.name)),
            spec.budget.reduction_factor,
            spec.objective.sign(),
            spec.objective.name,
            spec,
        )

    def rung(self, parameters: Parameters) -> int | None:
        """The index of the budget `parameters` ran at; None for a budget off the
        schedule (a trial added by hand), which the model uses and the schedule does not."""
        value = parameters.get(self.name)
        if isinstance(value, str) or value is None:
            return None
        for index, budget in enumerate(self.budgets):
            if math.isclose(float(value), float(budget), rel_tol=1e-9, abs_tol=1e-12):
                return index
        return None

    def configuration(self, parameters: Parameters) -> Configuration:
        return tuple(sorted((k, v) for k, v in parameters.items() if k != self.name))

    def at(self, parameters: Parameters, rung: int) -> dict[str, ParameterValue]:
        return {**parameters, self.name: self.budgets[rung]}

    def reached(self, request: SuggestionRequest) -> set[tuple[int, Configuration]]:
        """(rung, configuration) of every finished or pending trial on the schedule."""
        points = [o.parameters for o in request.completed] + list(request.pending)
        return {(rung, self.configuration(p)) for p in points if (rung := self.rung(p)) is not None}

    def promotions(self, request: SuggestionRequest) -> list[tuple[dict[str, ParameterValue], int]]:
        """Every promotion due, highest budget first, the better values first within one:
        (parameters at the next budget, its rung). A trial that breaks an outcome
        constraint counts among its budget's trials but is never promoted."""
        finished: dict[int, list[tuple[bool, float, Parameters]]] = {}
        for observation in request.completed:
            rung = self.rung(observation.parameters)
            value = observation.metrics.get(self.objective)
            if rung is None or observation.infeasible or value is None:
                continue
            feasible = is_feasible(self.spec, observation.metrics)
            ranking = (feasible, self.sign * value, observation.parameters)
            finished.setdefault(rung, []).append(ranking)
        reached = self.reached(request)
        due = []
        for rung in reversed(range(len(self.budgets) - 1)):
            ranked = sorted(finished.get(rung, []), key=lambda item: (not item[0], -item[1]))
            for feasible, _, parameters in ranked[: len(ranked) // self.reduction_factor]:
                if not feasible:
                    break
                key = (rung + 1, self.configuration(parameters))
                if key not in reached:
                    reached.add(key)
                    due.append((self.at(parameters, rung + 1), rung + 1))
        return due

    def first_budget_for(
        self, parameters: Parameters, reached: set[tuple[int, Configuration]]
    ) -> int:
        """The lowest rung a configuration has not run at (0 for a new one); the
        largest budget again when it ran at every one."""
        configuration = self.configuration(parameters)
        for rung in range(len(self.budgets)):
            if (rung, configuration) not in reached:
                return rung
        return len(self.budgets) - 1


def suggest_with_budget(request: SuggestionRequest, designer: Designer) -> SuggestionResult:
    """Due promotions first; the rest of `request.count` from `designer`, each at the
    lowest budget its configuration has not run at (the smallest for a new one)."""
    schedule = BudgetSchedule.of(request.spec)
    algorithm = request.spec.algorithm.value
    chosen = [
        Suggestion(parameters, {METADATA_ALGORITHM: algorithm, METADATA_BUDGET_RUNG: str(rung)})
        for parameters, rung in schedule.promotions(request)[: request.count]
    ]
    remaining = request.count - len(chosen)
    if not remaining:
        return SuggestionResult(chosen, dict(request.state))
    pending = [*request.pending, *(s.parameters for s in chosen)]
    result = designer.suggest(replace(request, count=remaining, pending=pending))
    reached = schedule.reached(replace(request, pending=pending))
    for suggestion in result.suggestions:
        # GP_BANDIT judges configurations at the largest budget and may pick one that ran
        # at a smaller one (its repeats of pending trials are replaced): it runs at the
        # next budget it has not had. Other algorithms' repeats are draws, not choices,
        # and run at the smallest budget, as any new configuration.
        rung = 0
        if suggestion.metadata.get(METADATA_ALGORITHM) == Algorithm.GP_BANDIT.value:
            rung = schedule.first_budget_for(suggestion.parameters, reached)
        parameters = schedule.at(suggestion.parameters, rung)
        reached.add((rung, schedule.configuration(parameters)))
        metadata = {**suggestion.metadata, METADATA_BUDGET_RUNG: str(rung)}
        chosen.append(Suggestion(parameters, metadata))
    return SuggestionResult(chosen, result.state, result.exhausted, result.timings)
