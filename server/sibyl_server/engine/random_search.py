"""RANDOM_SEARCH: independent uniform draws, reproducible from the seed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sibyl_server.domain.conditions import keep_active
from sibyl_server.domain.study import Algorithm
from sibyl_server.engine.interface import (
    METADATA_ALGORITHM,
    Suggestion,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.sampling import decode_unit_point
from sibyl_server.engine.state import SequenceState


@dataclass(frozen=True)
class RandomSearchState(SequenceState):
    """How many draws the study has made."""

    key = "random_search"


class RandomSearchDesigner:
    """Draw k of a study comes from a generator seeded with (seed, k).

    Keying on the draw's index rather than on saved generator state keeps the stored
    state one integer and the sequence the same whichever replica draws next.
    """

    uses_history = False

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        position = RandomSearchState.read(request.state)
        dims = len(request.spec.parameters)
        suggestions = []
        for index in range(position.position, position.position + request.count):
            point = np.random.default_rng([request.seed, index]).random(dims)
            parameters = keep_active(
                request.spec.parameters, decode_unit_point(request.spec.parameters, point)
            )
            metadata = {METADATA_ALGORITHM: Algorithm.RANDOM_SEARCH.value}
            suggestions.append(Suggestion(parameters, metadata))
        state = position.advanced(request.count).write(request.state)
        return SuggestionResult(suggestions, state)
