"""Conditional parameters: which ones a trial has, given its parents' values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sibyl_server.domain.study import ParameterSpec, ParameterValue


def parents_first(parameters: Sequence[ParameterSpec]) -> list[ParameterSpec]:
    """The parameters with every parent before its children (declared order otherwise).

    Assumes there is no cycle (validation rejects them).
    """
    by_name = {p.name: p for p in parameters}
    ordered: list[ParameterSpec] = []
    placed: set[str] = set()

    def place(parameter: ParameterSpec) -> None:
        if parameter.name in placed:
            return
        if parameter.condition is not None and parameter.condition.parent in by_name:
            place(by_name[parameter.condition.parent])
        placed.add(parameter.name)
        ordered.append(parameter)

    for parameter in parameters:
        place(parameter)
    return ordered


def active_names(
    parameters: Sequence[ParameterSpec], values: Mapping[str, ParameterValue]
) -> set[str]:
    """Names of the parameters that exist in a trial with these values.

    A parameter is active when it has no condition, or its parent is active and
    the parent's value satisfies the condition.
    """
    active: set[str] = set()
    for parameter in parents_first(parameters):
        condition = parameter.condition
        if condition is None or (
            condition.parent in active
            and condition.parent in values
            and condition.holds(values[condition.parent])
        ):
            active.add(parameter.name)
    return active


def keep_active(
    parameters: Sequence[ParameterSpec], values: Mapping[str, ParameterValue]
) -> dict[str, ParameterValue]:
    """`values` without the parameters that are inactive given the others."""
    active = active_names(parameters, values)
    return {name: value for name, value in values.items() if name in active}
