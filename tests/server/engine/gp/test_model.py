"""The surrogate: categories learned, hyperparameters saved and warm-starting the next fit."""

from __future__ import annotations

from sibyl_server.domain.study import ParameterSpec
from sibyl_server.engine.engine import Engine
from sibyl_server.engine.interface import METADATA_ALGORITHM, SuggestionRequest
from tests.server.engine.gp.studies import FAST, LOSS, X, gp_spec, observe, suggest


def test_the_model_learns_which_category_is_best() -> None:
    spec = gp_spec((*X, ParameterSpec.categorical("opt", ["sgd", "adam", "rmsprop"])), LOSS)
    penalty = {"sgd": 0.5, "adam": 0.0, "rmsprop": 0.3}

    def loss(p: dict) -> dict[str, float]:
        return {"loss": (p["x"] - 0.3) ** 2 + penalty[p["opt"]]}

    completed = observe(spec, loss, 12)
    [suggestion] = suggest(spec, completed).suggestions
    assert suggestion.metadata == {METADATA_ALGORITHM: "GP_BANDIT"}
    assert suggestion.parameters["opt"] == "adam"
    assert abs(suggestion.parameters["x"] - 0.3) < 0.15


def test_fitted_hyperparameters_are_saved_and_warm_start_the_next_fit() -> None:
    spec = gp_spec(X, LOSS)
    completed = observe(spec, lambda p: {"loss": (p["x"] - 0.3) ** 2}, 8)
    first = suggest(spec, completed)
    saved = first.state["gp"]["hyperparameters"]["loss"]
    assert saved and not any("transform" in name for name in saved)
    request = SuggestionRequest(spec, completed, [], 1, 7, first.state)
    again = Engine(FAST).suggest(request)
    assert again.suggestions[0].metadata[METADATA_ALGORITHM] == "GP_BANDIT"
    assert abs(again.suggestions[0].parameters["x"] - 0.3) < 0.1
