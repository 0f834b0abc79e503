"""QUASI_RANDOM_SEARCH: a scrambled Sobol sequence that continues across calls."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
from scipy.stats import qmc

from sibyl_server.domain.conditions import keep_active
from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    EngineState,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.sampling import decode_unit_point

STATE_KEY = "quasi_random"


def sobol_points(dims: int, seed: int, position: int, count: int) -> np.ndarray:
    """Points position .. position+count-1 of the study's scrambled Sobol sequence."""
    engine = qmc.Sobol(d=dims, scramble=True, seed=seed)
    if position:
        engine.fast_forward(position)
    with warnings.catch_warnings():
        # Sobol's balance warning is about power-of-two sample sizes; a sequence
        # continued across calls is balanced over its whole length, not per call.
        warnings.simplefilter("ignore", UserWarning)
        return engine.random(count)


def draw_quasi_random(
    spec: StudySpec,
    seed: int,
    state: Mapping[str, Any],
    count: int,
    algorithm: Algorithm,
    metadata: Mapping[str, str] | None = None,
) -> tuple[list[Suggestion], EngineState]:
    """Draws `count` Sobol points and returns them with the advanced state.

    Shared by QUASI_RANDOM_SEARCH and the model-based designers' initial design and
    fallback, so all of them continue one sequence per study. Every parameter gets a
    coordinate; those inactive under their parents' values are then dropped.
    `metadata` is added to each point's (e.g. why a model-based step fell back).
    """
    position = int(state.get(STATE_KEY, {}).get("position", 0))
    points = sobol_points(len(spec.parameters), seed, position, count)
    suggestions = [
        Suggestion(
            keep_active(spec.parameters, decode_unit_point(spec.parameters, point)),
            {METADATA_ALGORITHM: algorithm.value, **(metadata or {})},
        )
        for point in points
    ]
    return suggestions, {**state, STATE_KEY: {"position": position + count}}


class QuasiRandomDesigner:
    uses_history = False

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        suggestions, state = draw_quasi_random(
            request.spec,
            request.seed,
            request.state,
            request.count,
            Algorithm.QUASI_RANDOM_SEARCH,
        )
        return SuggestionResult(suggestions, state)
