"""Designers' stored state: a position in a sequence, read from and written to JSON here.

The study stores one JSON object for its designer; each designer owns one key of it
and leaves the others as they are.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar, TypeVar

from sibyl_server.engine.interface import EngineState

S = TypeVar("S", bound="SequenceState")


@dataclass(frozen=True)
class SequenceState:
    """How many points of the study's sequence have been drawn, stored under `key` as
    {"position": n}.

    Attributes:
        position: Points drawn so far.
    """

    key: ClassVar[str]
    position: int = 0

    @classmethod
    def read(cls: type[S], state: Mapping[str, Any]) -> S:
        """The position stored in `state` (0 when none is)."""
        return cls(int(state.get(cls.key, {}).get("position", 0)))

    def write(self, state: Mapping[str, Any]) -> EngineState:
        """`state` with this position stored (its other entries as they were)."""
        return {**state, self.key: {"position": self.position}}

    def advanced(self: S, count: int) -> S:
        """The position after drawing `count` more points."""
        return replace(self, position=self.position + count)
