"""GP_BANDIT's stored state, read from and written to the study's JSON here.

Stored as {"quasi_random": {"position": n}, "gp": {"hyperparameters": {outcome:
{parameter: value}}, "restart": {...}}}; an entry is written once the step first
produces it, and entries of other designers are left as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from sibyl_server.engine.gp.restarts import Restart
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
        restart: Where the study stands with restarts (gp/restarts.py).
    """

    sobol: QuasiRandomState | None = None
    hyperparameters: Mapping[str, Mapping[str, Any]] | None = None
    restart: Restart = field(default_factory=Restart)

    @staticmethod
    def read(state: Mapping[str, Any]) -> GpBanditState:
        """The state stored in `state`."""
        sobol = QuasiRandomState.read(state) if QuasiRandomState.key in state else None
        stored = state.get(KEY, {})
        restart = Restart.read(stored.get("restart"))
        return GpBanditState(sobol, stored.get("hyperparameters"), restart)

    def write(self, state: Mapping[str, Any]) -> EngineState:
        """`state` with this state stored (its other entries as they were)."""
        written = dict(state)
        if self.sobol is not None:
            written = self.sobol.write(written)
        stored: dict[str, Any] = {}
        if self.hyperparameters is not None:
            stored["hyperparameters"] = self.hyperparameters
        if self.restart != Restart():
            stored["restart"] = self.restart.stored()
        if stored:
            written[KEY] = stored
        return written

    def saved_hyperparameters(self) -> Mapping[str, Mapping[str, Any]]:
        """The last fit's hyperparameters by outcome name ({} before the first fit):
        while a restart runs, its own fit's."""
        if self.restart.running:
            return self.restart.hyperparameters or {}
        return self.hyperparameters or {}

    def sobol_position(self) -> QuasiRandomState:
        """The next Sobol point's position (0 before the first)."""
        return self.sobol or QuasiRandomState()

    def drew(self, count: int) -> GpBanditState:
        """The state after `count` more Sobol points."""
        return replace(self, sobol=self.sobol_position().advanced(count))

    def fitted(self, hyperparameters: Mapping[str, Mapping[str, Any]]) -> GpBanditState:
        """The state after a fit with these hyperparameters: while a restart runs, its
        own fit, the study's kept for when it ends."""
        if self.restart.running:
            return replace(self, restart=self.restart.fitted(hyperparameters))
        return replace(self, hyperparameters=hyperparameters)

    def restarting(self, restart: Restart) -> GpBanditState:
        """The state with the study's restart as this step leaves it."""
        return replace(self, restart=restart)
