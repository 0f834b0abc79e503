"""The engine's entry point: picks the designer for a study's algorithm."""

from __future__ import annotations

import logging
from collections.abc import Sequence

import torch

from sibyl_server.domain.study import Algorithm, StudySpec
from sibyl_server.engine.budget import suggest_with_budget
from sibyl_server.engine.gp.designer import GpBanditDesigner
from sibyl_server.engine.gp.fidelity import Prospect, final_prospect
from sibyl_server.engine.gp.threads import step_threads
from sibyl_server.engine.grid_search import GridSearchDesigner
from sibyl_server.engine.importance import (
    MAX_MODEL_TRIALS,
    ImportanceResult,
    parameter_importance,
)
from sibyl_server.engine.interface import (
    Designer,
    Observation,
    Parameters,
    SuggestionRequest,
    SuggestionResult,
)
from sibyl_server.engine.options import EngineOptions
from sibyl_server.engine.quasi_random import QuasiRandomDesigner
from sibyl_server.engine.random_search import RandomSearchDesigner

logger = logging.getLogger(__name__)


class Engine:
    """Computes suggestions from study snapshots. Thread-safe; holds no study state.

    Args:
        options: How GP_BANDIT computes, resolved by the caller at start (see
            `EngineOptions`).
    """

    def __init__(self, options: EngineOptions | None = None) -> None:
        self.options = _resolved(options or EngineOptions())
        torch.device(self.options.device)  # a bad name fails at start
        self._designers: dict[Algorithm, Designer] = {
            Algorithm.RANDOM_SEARCH: RandomSearchDesigner(),
            Algorithm.QUASI_RANDOM_SEARCH: QuasiRandomDesigner(),
            Algorithm.GRID_SEARCH: GridSearchDesigner(),
            Algorithm.GP_BANDIT: GpBanditDesigner(self.options),
        }

    def uses_history(self, spec: StudySpec) -> bool:
        """Whether a step of `spec` needs the study's finished and pending trials (its
        algorithm's, or a budget parameter's schedule)."""
        return spec.budget is not None or self._designers[spec.algorithm].uses_history

    def suggest(self, request: SuggestionRequest) -> SuggestionResult:
        if request.count < 1:
            raise ValueError("count must be at least 1")
        designer = self._designers[request.spec.algorithm]
        if request.spec.budget is not None:
            return suggest_with_budget(request, designer)
        return designer.suggest(request)

    def final_prospect(self, request: SuggestionRequest, parameters: Parameters) -> Prospect | None:
        """See `engine.gp.fidelity.final_prospect`; on this engine's device. None, and
        a warning logged, where the model fails (a trial is never stopped by an error)."""
        try:
            with step_threads(self.options.threads_for(len(request.fidelity_points))):
                return final_prospect(request, parameters, self.options)
        except Exception as error:
            logger.warning(
                "fidelity model failed, the trial runs on",
                extra={"reason": f"{type(error).__name__}: {error}"[:500]},
            )
            return None

    def parameter_importance(
        self, spec: StudySpec, completed: Sequence[Observation], metric: str, seed: int
    ) -> ImportanceResult:
        """See `engine.importance.parameter_importance`; on this engine's device."""
        device = self.options.device_for(min(len(completed), MAX_MODEL_TRIALS))
        with step_threads(self.options.threads_for(len(completed))):
            return parameter_importance(spec, completed, metric, seed, device)


def _resolved(options: EngineOptions) -> EngineOptions:
    """`options`, resolved here, once, for callers that do not resolve them at start."""
    if options.resolved:
        return options
    from sibyl_server.runtime import resolve_engine_options  # reads system state, once

    return resolve_engine_options(options)
