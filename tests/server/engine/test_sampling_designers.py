"""Random, quasi-random and grid designers, without a server."""

from __future__ import annotations

import collections
import itertools
import math

import numpy as np
import pytest

from sibyl_server.domain.study import (
    Algorithm,
    Goal,
    MetricSpec,
    ParameterSpec,
    ScaleType,
    StudySpec,
)
from sibyl_server.domain.validation import check_parameters
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.grid_search import grid_points, grid_points_from, grid_size, grid_values
from sibyl_server.engine.interface import SuggestionRequest
from sibyl_server.engine.sampling import decode_unit_value

SPACE = (
    ParameterSpec.double("lr", 1e-4, 1.0, ScaleType.LOG),
    ParameterSpec.double("dropout", 0.0, 0.5),
    ParameterSpec.integer("layers", 1, 6),
    ParameterSpec.integer("units", 8, 512, ScaleType.LOG),
    ParameterSpec.discrete("batch", [16, 32, 64, 128]),
    ParameterSpec.categorical("opt", ["sgd", "adam", "rmsprop"]),
)


def spec(algorithm: Algorithm, **options: object) -> StudySpec:
    return StudySpec(SPACE, (MetricSpec("loss", Goal.MINIMIZE),), algorithm, seed=3, **options)  # type: ignore[arg-type]


def draw(algorithm: Algorithm, count: int, state: dict | None = None, **options: object):
    request = SuggestionRequest(spec(algorithm, **options), [], [], count, 3, state or {})
    return Engine().suggest(request)


@pytest.mark.parametrize("algorithm", [Algorithm.RANDOM_SEARCH, Algorithm.QUASI_RANDOM_SEARCH])
def test_samples_are_valid_and_continue_across_calls(algorithm: Algorithm) -> None:
    whole = draw(algorithm, 8)
    first = draw(algorithm, 5)
    rest = draw(algorithm, 3, first.state)
    assert [s.parameters for s in first.suggestions + rest.suggestions] == [
        s.parameters for s in whole.suggestions
    ]
    for suggestion in whole.suggestions:
        assert (
            check_parameters(spec(algorithm), suggestion.parameters, "p") == suggestion.parameters
        )
        assert suggestion.metadata["sibyl.algorithm"] == algorithm.value


def test_log_scales_are_sampled_uniformly_in_log_space() -> None:
    values = [s.parameters["lr"] for s in draw(Algorithm.QUASI_RANDOM_SEARCH, 256).suggestions]
    decades = collections.Counter(math.floor(math.log10(v)) for v in values)
    assert sorted(decades) == [-4, -3, -2, -1]
    assert all(abs(count - 64) <= 4 for count in decades.values()), decades


def test_integer_values_get_equal_shares() -> None:
    layers = ParameterSpec.integer("layers", 1, 6)
    counts = collections.Counter(
        decode_unit_value(layers, u) for u in np.linspace(0, 1, 600, endpoint=False)
    )
    assert counts == {v: 100 for v in range(1, 7)}
    units = ParameterSpec.integer("units", 1, 1000, ScaleType.LOG)
    small = sum(decode_unit_value(units, u) <= 10 for u in np.linspace(0, 1, 1000, endpoint=False))
    # Log-uniform on [0.5, 1000.5), rounded: P(value <= 10) = log(10.5 / 0.5) / log(2001).
    expected = 1000 * math.log(21) / math.log(2001)
    assert abs(small - expected) <= 2


def test_grid_values_per_type() -> None:
    assert grid_values(ParameterSpec.double("d", 0, 1), 3) == [0.0, 0.5, 1.0]
    assert grid_values(ParameterSpec.double("d", 1, 100, ScaleType.LOG), 3) == pytest.approx(
        [1, 10, 100]
    )
    assert grid_values(ParameterSpec.integer("i", 1, 4), 5) == [1, 2, 3, 4]
    assert grid_values(ParameterSpec.integer("i", 0, 100), 3) == [0, 50, 100]
    assert grid_values(ParameterSpec.discrete("b", [64, 16]), 2) == [16.0, 64.0]
    assert grid_values(ParameterSpec.categorical("c", ["x", "y"]), 9) == ["x", "y"]


def test_grid_is_walked_in_order_once_then_exhausted() -> None:
    total = grid_size(spec(Algorithm.GRID_SEARCH, grid_resolution=2))
    assert total == 2 * 2 * 2 * 2 * 4 * 3
    seen, state, exhausted = [], {}, False
    while not exhausted:
        result = draw(Algorithm.GRID_SEARCH, 50, state, grid_resolution=2)
        seen += [tuple(s.parameters.values()) for s in result.suggestions]
        state, exhausted = result.state, result.exhausted
    assert len(seen) == len(set(seen)) == total
    assert seen[0] == (1e-4, 0.0, 1, 8, 16.0, "sgd")
    assert seen[1] == (1e-4, 0.0, 1, 8, 16.0, "adam"), "the last parameter varies fastest"
    assert draw(Algorithm.GRID_SEARCH, 5, state, grid_resolution=2).suggestions == []


def test_a_grid_point_from_its_number_is_the_walks() -> None:
    grid = spec(Algorithm.GRID_SEARCH, grid_resolution=3)
    walked = list(grid_points(grid))
    assert list(grid_points_from(grid, 0)) == walked
    assert list(grid_points_from(grid, 100)) == walked[100:]
    assert list(grid_points_from(grid, len(walked))) == []


def test_a_point_deep_in_a_large_grid_is_computed_not_walked_to() -> None:
    nine = StudySpec(
        tuple(ParameterSpec.double(f"x{i}", 0, 1) for i in range(9)),
        (MetricSpec("loss", Goal.MINIMIZE),),
        Algorithm.GRID_SEARCH,
    )
    number = 5**9 - 2  # the last but one of 1,953,125 points
    [point] = itertools.islice(grid_points_from(nine, number), 1)
    assert point == {**{f"x{i}": 1.0 for i in range(8)}, "x8": 0.75}
