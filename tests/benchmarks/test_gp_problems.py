"""The real tasks of gp_quality evaluate every kind of value they may be given."""

from __future__ import annotations

import math

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


CEILINGS = {
    "gbr-diabetes": 1.5,
    "sgd-digits": 1.0,
    "rf-breast-cancer": 1.0,
    "kr-diabetes": math.inf,  # 1 - R^2 of a diverged kernel reaches the thousands
}
"""The largest error each task can report (classification errors are at most 1)."""


@pytest.mark.parametrize("problem", list(CEILINGS))
def test_a_real_task_gives_the_same_error_twice_and_a_sane_one(problem: str) -> None:
    for high in (False, True):
        values = corner(problem, high)
        first, second = PROBLEMS[problem].evaluate(values), PROBLEMS[problem].evaluate(values)
        assert first == second, "seeded: the same configuration scores the same"
        assert math.isfinite(first) and 0.0 <= first <= CEILINGS[problem]
