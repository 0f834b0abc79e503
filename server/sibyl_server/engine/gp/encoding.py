"""Search space <-> model inputs: one column per parameter.

- DOUBLE and INTEGER: [0, 1] over the parameter's range, in log space for LOG scales.
  INTEGER columns may only take the encodings of integers (optimized over that set).
- DISCRETE: [0, 1] over the span of its values; only their encodings are allowed.
- CATEGORICAL: the category's index (0 .. k-1); the GP gives such columns a
  categorical kernel (equal or not, no order).

Conditional parameters: a parameter inactive in a trial is encoded at a fixed value
(0), so every trial where it is absent agrees on that column and its own kernel term
contributes nothing between them; the parents' columns already tell the model which
branch a trial took. Decoding drops whatever is inactive under the decoded parents.
The acquisition is evaluated at `active_mask`'s projection of each candidate, so a
column the candidate's parents switch off cannot add phantom uncertainty (see
`ActiveSubspace`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sibyl_server.domain.conditions import active_names, keep_active
from sibyl_server.domain.study import (
    ParameterSpec,
    ParameterType,
    ParameterValue,
    ScaleType,
    has_conditions,
)

INACTIVE = 0.0
"""The encoding of a parameter that a trial does not have."""

MAX_ENUMERATED_INTEGERS = 64
"""Above this many values an INTEGER column is optimized as continuous, then rounded."""


@dataclass(frozen=True)
class SearchSpaceEncoding:
    """How a study's parameters map to model inputs and back."""

    parameters: tuple[ParameterSpec, ...]

    @property
    def dims(self) -> int:
        return len(self.parameters)

    @property
    def categorical_dims(self) -> dict[int, list[float]]:
        """Column -> allowed values, for the categorical columns."""
        return {
            i: [float(k) for k in range(len(p.categories))]
            for i, p in enumerate(self.parameters)
            if p.type is ParameterType.CATEGORICAL
        }

    @property
    def discrete_dims(self) -> dict[int, list[float]]:
        """Column -> allowed encodings, for DISCRETE and (not too wide) INTEGER columns."""
        dims: dict[int, list[float]] = {}
        for i, p in enumerate(self.parameters):
            if p.type is ParameterType.DISCRETE and len(p.values) > 1:
                dims[i] = sorted({_encode_number(p, v) for v in p.values})
            elif p.type is ParameterType.INTEGER and 1 < p.cardinality <= MAX_ENUMERATED_INTEGERS:
                low, high = _bounds(p)
                dims[i] = sorted({_encode_number(p, v) for v in range(int(low), int(high) + 1)})
        return dims

    def upper_bounds(self) -> list[float]:
        """Each column's upper bound (every lower bound is 0)."""
        return [
            float(max(len(p.categories) - 1, 0)) if p.type is ParameterType.CATEGORICAL else 1.0
            for p in self.parameters
        ]

    @property
    def is_conditional(self) -> bool:
        return has_conditions(self.parameters)

    def active_mask(self, rows: Sequence[Sequence[float]]) -> list[list[bool]]:
        """For each encoded row, which columns are active given its parents' columns."""
        masks = []
        for row in rows:
            active = self.decode(row).keys()
            masks.append([p.name in active for p in self.parameters])
        return masks

    def encode(self, values: Mapping[str, ParameterValue]) -> list[float]:
        active = active_names(self.parameters, values)
        return [
            _encode(p, values[p.name]) if p.name in active and p.name in values else INACTIVE
            for p in self.parameters
        ]

    def decode(self, row: Sequence[float]) -> dict[str, ParameterValue]:
        values = {p.name: _decode(p, float(x)) for p, x in zip(self.parameters, row, strict=True)}
        return keep_active(self.parameters, values)


def _encode(spec: ParameterSpec, value: ParameterValue) -> float:
    if spec.type is ParameterType.CATEGORICAL:
        return float(spec.categories.index(str(value)))
    return _encode_number(spec, float(value))  # type: ignore[arg-type]


def _encode_number(spec: ParameterSpec, value: float) -> float:
    low, high = _bounds(spec)
    if high <= low:
        return 0.0
    if spec.scale is ScaleType.LOG:
        return (math.log(value) - math.log(low)) / (math.log(high) - math.log(low))
    return (value - low) / (high - low)


def _decode(spec: ParameterSpec, x: float) -> ParameterValue:
    if spec.type is ParameterType.CATEGORICAL:
        return spec.categories[min(max(round(x), 0), len(spec.categories) - 1)]
    x = min(max(x, 0.0), 1.0)
    if spec.type is ParameterType.DISCRETE:
        return min(spec.values, key=lambda v: abs(_encode_number(spec, v) - x))
    low, high = _bounds(spec)
    if x in (0.0, 1.0):
        # The optimizer often ends at a bound, where exp(log(low)) need not be low:
        # such a trial would sit a rounding step inside the range, and would not match
        # a trial entered at the bound itself.
        value = low if x == 0.0 else high
    elif spec.scale is ScaleType.LOG:
        value = math.exp(math.log(low) + x * (math.log(high) - math.log(low)))
    else:
        value = low + x * (high - low)
    value = min(max(value, low), high)
    if spec.type is ParameterType.INTEGER:
        return int(min(max(round(value), low), high))
    return value


def _bounds(spec: ParameterSpec) -> tuple[float, float]:
    if spec.type is ParameterType.DISCRETE:
        return min(spec.values), max(spec.values)
    assert spec.min_value is not None and spec.max_value is not None
    return spec.min_value, spec.max_value
