"""The engine's entry point: picks the designer for a study's algorithm."""

from __future__ import annotations

from dataclasses import dataclass

from sibyl_server.domain.study import Algorithm
from sibyl_server.engine.grid_search import GridSearchDesigner
from sibyl_server.engine.interface import Designer, SuggestionRequest, SuggestionResult
from sibyl_server.engine.quasi_random import QuasiRandomDesigner
from sibyl_server.engine.random_search import RandomSearchDesigner


@dataclass(frozen=True)
class EngineOptions:
    """Settings of the model-based designers (the sampling ones need none).

    Attributes:
        device: "auto" (CUDA when present, else CPU), "cpu", or a torch device name.
    """

    device: str = "auto"


class Engine:
    """Computes suggestions from study snapshots. Thread-safe; holds no study state."""

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = options or EngineOptions()
        self._designers: dict[Algorithm, Designer] = {
            Algorithm.RANDOM_SEARCH: RandomSearchDesigner(),
            Algorithm.QUASI_RANDOM_SEARCH: QuasiRandomDesigner(),
            Algorithm.GRID_SEARCH: GridSearchDesigner(),
            # Until the GP designer lands, GP_BANDIT studies get quasi-random points;
            # each trial's metadata names the algorithm that really produced it.
            Algorithm.GP_BANDIT: QuasiRandomDesigner(),
        }

    def uses_history(self, algorithm: Algorithm) -> bool:
        """Whether `algorithm` needs the study's finished and pending trials."""
        return self._designers[algorithm].uses_history

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        if request.count < 1:
            raise ValueError("count must be at least 1")
        return self._designers[request.spec.algorithm].suggest(request)
