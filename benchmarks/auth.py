"""Teams for benchmarks of a server with `--auth token`: a team and its admin token,
written straight to the store as `sibyl admin create-team` does."""

from __future__ import annotations

import time

from sibyl_server.domain.team import TeamQuotas
from sibyl_server.service.teams import TeamUseCases
from sibyl_server.store import open_store


def create_team_token(url: str, team: str) -> str:
    """Creates `team` (no quotas) in the migrated store at `url`; returns its admin
    token's secret."""
    store = open_store(url, pool_size=1)
    try:
        _, secret = TeamUseCases(store, time.time).create_team(team, TeamQuotas())
    finally:
        store.close()
    return secret
