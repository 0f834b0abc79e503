"""The sampling designers' stored state: {"<designer>": {"position": n}}, others kept."""

from __future__ import annotations

import pytest

from sibyl_server.engine.grid_search import GridSearchState
from sibyl_server.engine.quasi_random import QuasiRandomState
from sibyl_server.engine.random_search import RandomSearchState
from sibyl_server.engine.state import SequenceState


@pytest.mark.parametrize(
    ("state_type", "key"),
    [
        (RandomSearchState, "random_search"),
        (QuasiRandomState, "quasi_random"),
        (GridSearchState, "grid_search"),
    ],
)
def test_each_designer_stores_its_position_under_its_own_key(
    state_type: type[SequenceState], key: str
) -> None:
    assert state_type.read({}) == state_type(0)
    stored = {"other": {"position": 7}, key: {"position": 3}}
    position = state_type.read(stored)
    assert position == state_type(3)
    assert position.advanced(2).write(stored) == {"other": {"position": 7}, key: {"position": 5}}
    assert list(position.advanced(2).write({"a": 1})) == ["a", key]
