"""The real tasks of gp_quality evaluate every kind of value they may be given."""

from __future__ import annotations

import pytest

from benchmarks.gp.problems import PROBLEMS
from sibyl_server.domain.study import ParameterType


def corner(problem: str, high: bool) -> dict[str, object]:
    """Every parameter at its lowest (or highest) value, categories first (or last)."""
    values: dict[str, object] = {}
    for p in PROBLEMS[problem].parameters:
        if p.type is ParameterType.CATEGORICAL:
            values[p.name] = p.categories[-1 if high else 0]
        elif p.type is ParameterType.INTEGER:
            values[p.name] = int(p.max_value if high else p.min_value)
        else:
            values[p.name] = p.max_value if high else p.min_value
    return values


@pytest.mark.parametrize("problem", ["gbr-diabetes", "sgd-digits"])
def test_a_real_task_gives_the_same_error_twice_and_a_sane_one(problem: str) -> None:
    for high in (False, True):
        values = corner(problem, high)
        first, second = PROBLEMS[problem].evaluate(values), PROBLEMS[problem].evaluate(values)
        assert first == second, "seeded: the same configuration scores the same"
        assert 0.0 <= first <= 1.5
