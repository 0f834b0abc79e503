"""Team quotas, checked inside the transactions whose writes they limit."""

from __future__ import annotations

import math

from sibyl_server.domain.errors import ResourceExhausted
from sibyl_server.domain.study import StudyState
from sibyl_server.domain.team import TeamQuotas
from sibyl_server.store.interface import Transaction


def _exhausted(quota: str, limit: float, team: str) -> ResourceExhausted:
    return ResourceExhausted(
        f"team teams/{team} is at its {quota} quota ({limit:g})",
        reason="QUOTA_EXCEEDED",
        metadata={"quota": quota, "limit": f"{limit:g}"},
    )


def check_active_studies(tx: Transaction, team: str) -> None:
    """Raises if one more ACTIVE study would exceed the team's quota.

    The team's row stays locked until the transaction ends: concurrent calls would
    otherwise each count the ACTIVE studies before any of them commits, and all pass.
    """
    limit = tx.quotas(team, lock=True).max_active_studies
    if limit and tx.count_studies(team, StudyState.ACTIVE) >= limit:
        raise _exhausted("max_active_studies", limit, team)


def trials_allowed(quotas: TeamQuotas, team: str, trial_count: int, wanted: int) -> int:
    """How many of `wanted` new trials the team's per-study quota allows (at least 1)."""
    limit = quotas.max_trials_per_study
    if not limit:
        return wanted
    allowed = min(wanted, limit - trial_count)
    if allowed <= 0:
        raise _exhausted("max_trials_per_study", limit, team)
    return allowed


def check_suggest_rate(tx: Transaction, quotas: TeamQuotas, team: str, now: float) -> None:
    """Counts a SuggestTrials call against the team's per-second quota."""
    limit = quotas.max_suggest_requests_per_second
    if not limit:
        return
    # Fixed windows long enough to allow at least one call: 0.5/s is 1 call per 2 s.
    window_seconds = max(1, math.ceil(1 / limit))
    calls = tx.count_call(team, math.floor(now / window_seconds))
    if calls > max(1, math.floor(limit * window_seconds)):
        raise _exhausted("max_suggest_requests_per_second", limit, team)
