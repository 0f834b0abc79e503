"""When a study completes on its own: its budget is used up and no trial is pending."""

from __future__ import annotations

from sibyl_server.domain.study import StudySpec, StudyState
from sibyl_server.domain.trial import TrialState
from sibyl_server.store.interface import StudyChanges, StudyRecord, Transaction

PENDING_STATES = (TrialState.REQUESTED, TrialState.ACTIVE, TrialState.STOPPING)
FINISHED_STATES = (TrialState.COMPLETED, TrialState.INFEASIBLE)
MAX_TRIALS_REACHED = "max_trials reached"
GRID_EXHAUSTED = "grid exhausted"


def budget_left(spec: StudySpec, trial_count: int) -> int | None:
    """Trials the budget still allows; None without a budget."""
    if spec.max_trials is None:
        return None
    return max(spec.max_trials - trial_count, 0)


def exhausted_reason_after(spec: StudySpec, trial_count: int, current: str) -> str:
    """The study's exhausted reason once it has `trial_count` trials."""
    if current:
        return current
    left = budget_left(spec, trial_count)
    return MAX_TRIALS_REACHED if left == 0 else ""


def complete_if_done(
    tx: Transaction, record: StudyRecord, exhausted_reason: str, now: float
) -> StudyState:
    """Completes an ACTIVE study whose budget is used up once nothing is pending.

    `exhausted_reason` is the reason as the caller read it; the study's own is read
    again under the row lock. Returns the study's state afterwards. PAUSED studies stay
    paused: the user paused them, and resuming them completes them on the next call.
    """
    state = record.study.state
    if not exhausted_reason or state is not StudyState.ACTIVE:
        return state
    # The study row locked before the count: two transactions finishing a study's last
    # two pending trials at once would otherwise each count the other's trial as still
    # pending, and neither would complete the study. The second one now waits for the
    # first to commit, then counts what it wrote. The reason is the locked row's: an
    # UpdateStudy that raised max_trials since the caller's read has cleared it.
    record = tx.study(record.name, lock=True)
    state = record.study.state
    if state is not StudyState.ACTIVE or not record.exhausted_reason:
        return state
    if tx.count_trials(record.pk, PENDING_STATES):
        return state
    changes = StudyChanges(state=StudyState.COMPLETED, state_reason=record.exhausted_reason)
    tx.update_study(record.pk, now, changes)
    return StudyState.COMPLETED
