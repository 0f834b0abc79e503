"""GP_BANDIT's stored state: the JSON layout studies already hold, read and written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from sibyl_server.engine.gp.state import GpBanditState
from sibyl_server.engine.quasi_random import QuasiRandomState
from tests.server.engine.gp.studies import LOSS, X, gp_spec, observe, suggest

HYPERPARAMETERS = {"loss": {"covar_module.raw_lengthscale": [[0.25]], "likelihood": [1e-3]}}


def stored(state: dict[str, Any]) -> str:
    """The study's stored form of `state`."""
    return json.dumps(state, separators=(",", ":"), allow_nan=False)


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"quasi_random": {"position": 3}},
        {"quasi_random": {"position": 9}, "gp": {"hyperparameters": HYPERPARAMETERS}},
        {"gp": {"hyperparameters": HYPERPARAMETERS}, "quasi_random": {"position": 9}},
        {"other": [1, 2], "gp": {"hyperparameters": {}}},
        {"gp": {"hyperparameters": {}, "restart": {"start": 30, "count": 1, "suggested": 0}}},
        {"gp": {"restart": {"start": None, "count": 2, "suggested": 70}}},
    ],
)
def test_a_stored_state_is_written_back_unchanged(state: dict[str, Any]) -> None:
    assert stored(GpBanditState.read(state).write(state)) == stored(state)


def test_what_a_step_changes_is_written_where_it_was_stored() -> None:
    assert GpBanditState.read({}).drew(4).write({}) == {"quasi_random": {"position": 4}}
    before = {"gp": {"hyperparameters": {}}, "other": 1}
    after = GpBanditState.read(before).drew(2).fitted(HYPERPARAMETERS).write(before)
    assert stored(after) == stored(
        {"gp": {"hyperparameters": HYPERPARAMETERS}, "other": 1, "quasi_random": {"position": 2}}
    )


def test_reading_a_stored_state() -> None:
    state = GpBanditState.read(
        {"quasi_random": {"position": 5}, "gp": {"hyperparameters": HYPERPARAMETERS}}
    )
    assert state.sobol == QuasiRandomState(5)
    assert state.saved_hyperparameters() == HYPERPARAMETERS
    assert GpBanditState.read({}) == GpBanditState(None, None)
    assert GpBanditState.read({}).saved_hyperparameters() == {}
    assert GpBanditState.read({}).sobol_position() == QuasiRandomState(0)


def test_a_study_continues_from_the_state_it_stored() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    first = suggest(spec, completed)
    assert list(first.state) == ["gp"]
    assert set(first.state["gp"]) == {"hyperparameters"}
    assert set(first.state["gp"]["hyperparameters"]) == {"loss"}
    reloaded = json.loads(stored(first.state))
    assert GpBanditState.read(reloaded).saved_hyperparameters() == reloaded["gp"]["hyperparameters"]
