"""GP_BANDIT's stored state, read from and written to the study's JSON here.

Stored as {"quasi_random": {"position": n}, "gp": {"hyperparameters": {outcome:
{parameter: value}}}}; an entry is written once the step first produces it, and
entries of other designers are left as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sibyl_server.engine.interface import EngineState
from sibyl_server.engine.quasi_random import QuasiRandomState

KEY = "gp"


@dataclass(frozen=True)
class GpBanditState:
    """Where GP_BANDIT continues from.

    Attributes:
        sobol: The study's position in its Sobol sequence (shared with
            QUASI_RANDOM_SEARCH), or None before the first Sobol point.
        hyperparameters: The last fit's hyperparameters by outcome name, or None before
            the first fit.
    """

    sobol: QuasiRandomState | None = None
    hyperparameters: Mapping[str, Mapping[str, Any]] | None = None

    @staticmethod
    def read(state: Mapping[str, Any]) -> GpBanditState:
        """The state stored in `state`."""
        sobol = QuasiRandomState.read(state) if QuasiRandomState.key in state else None
        hyperparameters = state[KEY].get("hyperparameters", {}) if KEY in state else None
        return GpBanditState(sobol, hyperparameters)

    def write(self, state: Mapping[str, Any]) -> EngineState:
        """`state` with this state stored (its other entries as they were)."""
        written = dict(state)
        if self.sobol is not None:
            written = self.sobol.write(written)
        if self.hyperparameters is not None:
            written[KEY] = {"hyperparameters": self.hyperparameters}
        return written

    def saved_hyperparameters(self) -> Mapping[str, Mapping[str, Any]]:
        """The last fit's hyperparameters by outcome name ({} before the first fit)."""
        return self.hyperparameters or {}

    def sobol_position(self) -> QuasiRandomState:
        """The next Sobol point's position (0 before the first)."""
        return self.sobol or QuasiRandomState()

    def drew(self, count: int) -> GpBanditState:
        """The state after `count` more Sobol points."""
        return replace(self, sobol=self.sobol_position().advanced(count))

    def fitted(self, hyperparameters: Mapping[str, Mapping[str, Any]]) -> GpBanditState:
        """The state after a fit with these hyperparameters."""
        return replace(self, hyperparameters=hyperparameters)
