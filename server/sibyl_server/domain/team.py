"""Teams, their tokens and quotas, and who is calling."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Role(enum.IntEnum):
    """What a token may do; each role includes the ones below it."""

    READER = 1
    WRITER = 2
    ADMIN = 3


@dataclass(frozen=True)
class TeamQuotas:
    """Limits on a team; 0 means no limit."""

    max_active_studies: int = 0
    max_trials_per_study: int = 0
    max_suggest_requests_per_second: float = 0.0


@dataclass(frozen=True)
class Team:
    team: str
    quotas: TeamQuotas
    create_time: float = 0.0


@dataclass(frozen=True)
class Token:
    """A bearer token as stored: never its secret, only a hash of it."""

    team: str
    token_id: str
    role: Role
    description: str = ""
    create_time: float = 0.0
    expire_time: float | None = None
    revoke_time: float | None = None


@dataclass(frozen=True)
class Principal:
    """The caller. `team` None means every team (authentication off)."""

    team: str | None
    role: Role

    def sees(self, team: str) -> bool:
        return self.team is None or self.team == team


ANONYMOUS_ADMIN = Principal(team=None, role=Role.ADMIN)
"""Who calls when authentication is off: the single-user mode's one user."""
