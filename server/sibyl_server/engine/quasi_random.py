"""QUASI_RANDOM_SEARCH: a scrambled Sobol sequence that continues across calls."""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from scipy.stats import qmc

from sibyl_server.domain.conditions import keep_active
from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.sampling import decode_unit_point
from sibyl_server.engine.state import SequenceState


@dataclass(frozen=True)
class QuasiRandomState(SequenceState):
    """The study's position in its Sobol sequence (GP_BANDIT's initial design and
    fallback continue the same one)."""

    key = "quasi_random"


def sobol_points(dims: int, seed: int, position: int, count: int) -> np.ndarray:
    """Points position .. position+count-1 (`count x dims`) of the study's scrambled
    Sobol sequence."""
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
    position: QuasiRandomState,
    count: int,
    algorithm: Algorithm,
    metadata: Mapping[str, str] | None = None,
) -> list[Suggestion]:
    """`count` Sobol points from `position` on (the caller advances it).

    Every parameter gets a coordinate; those inactive under their parents' values are
    then dropped. `metadata` is added to each point's (e.g. why a model-based step fell
    back).
    """
    points = sobol_points(len(spec.parameters), seed, position.position, count)
    return [
        Suggestion(
            keep_active(spec.parameters, decode_unit_point(spec.parameters, point)),
            {METADATA_ALGORITHM: algorithm.value, **(metadata or {})},
        )
        for point in points
    ]


class QuasiRandomDesigner:
    uses_history = False

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        position = QuasiRandomState.read(request.state)
        suggestions = draw_quasi_random(
            request.spec,
            request.seed,
            position,
            request.count,
            Algorithm.QUASI_RANDOM_SEARCH,
        )
        return SuggestionResult(suggestions, position.advanced(request.count).write(request.state))
