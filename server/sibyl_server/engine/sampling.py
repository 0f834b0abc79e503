"""Map points of the unit cube onto a search space, uniformly per parameter.

Used by the sampling designers (random, quasi-random) and as the model-based
designers' fallback. Each parameter gets one coordinate; a coordinate u in [0, 1)
picks a value uniformly in the parameter's scale (log-uniform for LOG scales, each
discrete value or category with equal probability).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sibyl_server.domain.study import ParameterSpec, ParameterType, ParameterValue, ScaleType


def decode_unit_point(
    parameters: Sequence[ParameterSpec], point: Sequence[float]
) -> dict[str, ParameterValue]:
    """Turns a point of [0, 1)^d into parameter values (one coordinate per parameter)."""
    return {
        spec.name: decode_unit_value(spec, u) for spec, u in zip(parameters, point, strict=True)
    }


def decode_unit_value(spec: ParameterSpec, u: float) -> ParameterValue:
    u = min(max(float(u), 0.0), math.nextafter(1.0, 0.0))
    if spec.type is ParameterType.DOUBLE:
        return _decode_double(spec, u)
    if spec.type is ParameterType.INTEGER:
        return _decode_integer(spec, u)
    if spec.type is ParameterType.DISCRETE:
        return spec.values[int(u * len(spec.values))]
    return spec.categories[int(u * len(spec.categories))]


def _decode_double(spec: ParameterSpec, u: float) -> float:
    low, high = _bounds(spec)
    if u == 0.0:
        return low  # exp(log(low)) need not be low
    if spec.scale is ScaleType.LOG:
        value = math.exp(math.log(low) + u * (math.log(high) - math.log(low)))
    else:
        value = low + u * (high - low)
    return min(max(value, low), high)


def _decode_integer(spec: ParameterSpec, u: float) -> int:
    low, high = _bounds(spec)
    if spec.scale is ScaleType.LOG:
        # Log-uniform over [low - 0.5, high + 0.5), then rounded: each integer gets the
        # share of log space closest to it. low >= 1 is validated, so low - 0.5 > 0.
        lo, hi = math.log(low - 0.5), math.log(high + 0.5)
        value = round(math.exp(lo + u * (hi - lo)))
    else:
        value = int(low) + int(u * (high - low + 1))
    return int(min(max(value, low), high))


def _bounds(spec: ParameterSpec) -> tuple[float, float]:
    assert spec.min_value is not None and spec.max_value is not None
    return spec.min_value, spec.max_value
