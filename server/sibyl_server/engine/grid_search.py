"""GRID_SEARCH: every combination of per-parameter grids, in a fixed order."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from sibyl_server.domain.study import (
    Algorithm,
    ParameterSpec,
    ParameterType,
    ParameterValue,
    ScaleType,
    StudySpec,
)
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)

STATE_KEY = "grid_search"


def grid_values(spec: ParameterSpec, resolution: int) -> list[ParameterValue]:
    """The values one parameter takes on the grid, in ascending (declared) order.

    DOUBLE parameters get `resolution` evenly spaced values in their scale, ends
    included; INTEGER parameters all their values when there are at most
    `resolution`, else that many spaced values rounded; DISCRETE and CATEGORICAL
    parameters all their values.
    """
    if spec.type is ParameterType.DISCRETE:
        return list(spec.values)
    if spec.type is ParameterType.CATEGORICAL:
        return list(spec.categories)
    assert spec.min_value is not None and spec.max_value is not None
    low, high = spec.min_value, spec.max_value
    if spec.type is ParameterType.INTEGER and spec.cardinality <= resolution:
        return list(range(int(low), int(high) + 1))
    if spec.scale is ScaleType.LOG:
        points = np.exp(np.linspace(math.log(low), math.log(high), resolution))
    else:
        points = np.linspace(low, high, resolution)
    # exp(log(x)) is not always x: pin the ends to the exact bounds.
    points = np.clip(points, low, high)
    points[0], points[-1] = low, high
    if spec.type is ParameterType.INTEGER:
        return sorted({int(round(p)) for p in points})
    return [float(p) for p in points]


def grid_size(spec: StudySpec) -> int:
    return math.prod(len(grid_values(p, spec.grid_resolution)) for p in spec.parameters)


def grid_point(axes: Sequence[Sequence[ParameterValue]], index: int) -> list[ParameterValue]:
    """The index-th combination, the last parameter varying fastest."""
    values: list[ParameterValue] = []
    for axis in reversed(axes):
        index, digit = divmod(index, len(axis))
        values.append(axis[digit])
    return values[::-1]


class GridSearchDesigner:
    uses_history = False

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        spec = request.spec
        axes = [grid_values(p, spec.grid_resolution) for p in spec.parameters]
        total = math.prod(len(axis) for axis in axes)
        position = int(request.state.get(STATE_KEY, {}).get("position", 0))
        end = min(position + request.count, total)
        names = [p.name for p in spec.parameters]
        suggestions = [
            Suggestion(
                dict(zip(names, grid_point(axes, index), strict=True)),
                {METADATA_ALGORITHM: Algorithm.GRID_SEARCH.value},
            )
            for index in range(position, end)
        ]
        state = {**request.state, STATE_KEY: {"position": end}}
        return SuggestionResult(suggestions, state, exhausted=end >= total)
