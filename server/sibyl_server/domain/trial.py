"""The trial model: one configuration tried, and what was measured."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from sibyl_server.domain.study import ParameterValue


class TrialState(enum.Enum):
    REQUESTED = "REQUESTED"
    ACTIVE = "ACTIVE"
    STOPPING = "STOPPING"
    COMPLETED = "COMPLETED"
    INFEASIBLE = "INFEASIBLE"

    @property
    def is_pending(self) -> bool:
        """Pending trials are being (or will be) evaluated: the engine must avoid them."""
        return self in (TrialState.REQUESTED, TrialState.ACTIVE, TrialState.STOPPING)

    @property
    def is_finished(self) -> bool:
        return self in (TrialState.COMPLETED, TrialState.INFEASIBLE)


class TrialView(enum.Enum):
    """How much of each trial a listing reads."""

    BASIC = "BASIC"
    """Every field but the intermediate measurements."""
    FULL = "FULL"

    @property
    def with_measurements(self) -> bool:
        return self is TrialView.FULL


@dataclass(frozen=True)
class Measurement:
    """Metric values at one point of a trial's evaluation.

    Attributes:
        metrics: Metric name to value; values are finite.
        step: Training step (epoch, iteration) the values were taken at; 0 if unknown.
        elapsed_seconds: Wall time since the trial started, 0 if unknown.
    """

    metrics: Mapping[str, float]
    step: int = 0
    elapsed_seconds: float = 0.0


@dataclass(frozen=True)
class Trial:
    """A trial as stored.

    Attributes:
        number: 1, 2, 3 ... within the study.
        parameters: Parameter name to value, valid for the study's spec.
        state: Lifecycle state.
        client_id: The worker the trial is assigned to ("" when unassigned).
        lease_expire_time: Epoch seconds after which a silent worker loses the trial.
        measurements: Intermediate measurements, by increasing step.
        final_measurement: The result, for COMPLETED trials.
        infeasibility_reason: Why the trial could not be evaluated (INFEASIBLE trials).
        metadata: Free-form strings, e.g. which algorithm produced the trial.
    """

    number: int
    parameters: Mapping[str, ParameterValue]
    state: TrialState
    client_id: str = ""
    lease_expire_time: float | None = None
    measurements: tuple[Measurement, ...] = ()
    final_measurement: Measurement | None = None
    infeasibility_reason: str = ""
    metadata: Mapping[str, str] = field(default_factory=dict)
    create_time: float = 0.0
    start_time: float | None = None
    complete_time: float | None = None
    update_time: float = 0.0

    def moved_away_from(self, client_id: str) -> bool:
        """Whether a worker reporting as `client_id` lost this trial to another worker.

        Fencing: once a lease moved, the old holder's writes are refused. A caller
        that does not say who it is (""), and trials no worker ever held, pass.
        """
        return bool(client_id and self.client_id and self.client_id != client_id)
