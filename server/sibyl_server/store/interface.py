"""The store's contract: what the use cases may ask of a backend, aggregate by aggregate.

A backend (SQL for SQLite and PostgreSQL, memory for tests and demos) implements
`Store`, whose transactions implement every repository below. The use cases depend on
these Protocols only; `tests/server/store/test_store_contract.py` holds every backend
to them.

Each method runs inside the transaction it was called on: a use case that fails
half-way leaves nothing written. Reads return named records, writes take typed changes.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sibyl_server.domain.names import StudyName, TrialName
from sibyl_server.domain.study import Study, StudySpec, StudyState
from sibyl_server.domain.team import Team, TeamQuotas, Token
from sibyl_server.domain.trial import Measurement, Trial, TrialState
from sibyl_server.store.locks import StudyLock

# Records: what reads return ----------------------------------------------------------


@dataclass(frozen=True)
class StudyRecord:
    """A stored study with the bookkeeping the service needs.

    Attributes:
        pk: The backend's key of the study, for the calls that follow in a transaction.
        study: The study.
        exhausted_reason: Why no more trials will be suggested ("" while some will).
    """

    pk: int
    study: Study
    exhausted_reason: str

    @property
    def name(self) -> StudyName:
        return StudyName(self.study.team, self.study.study_id)


@dataclass(frozen=True)
class TrialRecord:
    pk: int
    trial: Trial
    request_id: str | None


@dataclass(frozen=True)
class TrialResult:
    """What the engine needs of a trial, read without building a `Trial`."""

    parameters: dict[str, Any]
    state: TrialState
    final: Measurement | None


@dataclass(frozen=True)
class TrialHistory:
    """What early stopping compares of a trial: its result and its learning curve."""

    number: int
    state: TrialState
    final: Measurement | None
    measurements: list[Measurement]


@dataclass(frozen=True)
class TeamRecord:
    pk: int
    team: Team


@dataclass(frozen=True)
class TokenRecord:
    """A token with the hash of its secret (never the secret itself)."""

    pk: int
    token: Token
    secret_hash: str


@dataclass(frozen=True)
class TrialStateCount:
    """How many trials of an ACTIVE study are in a state, for the metrics endpoint."""

    team: str
    study_id: str
    state: TrialState
    count: int


@dataclass(frozen=True)
class PoolStatus:
    """The backend's connection pool, for the metrics endpoint."""

    checked_out: int
    idle: int
    overflow: int


@dataclass(frozen=True)
class ConnectionBudget:
    """What a PostgreSQL server lets this replica's user open, read once at start.

    `limit` is the smallest of: max_connections, less the slots reserved for superusers
    (and, from PostgreSQL 16, for roles with pg_use_reserved_connections) unless the user
    is a superuser; the role's CONNECTION LIMIT; the database's. `others` counts the
    connections open now that are not this replica's (other replicas, tools, ...).
    """

    max_connections: int
    limit: int
    others: int


# Changes: what writes take ----------------------------------------------------------


@dataclass(frozen=True)
class StudyChanges:
    """Fields of a study to change; None leaves a field as it is."""

    state: StudyState | None = None
    state_reason: str | None = None
    exhausted_reason: str | None = None
    engine_state: Mapping[str, Any] | None = None
    spec: StudySpec | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class TrialOutcome:
    """How a trial finished: COMPLETED with a final measurement, or INFEASIBLE."""

    state: TrialState
    final_measurement: Measurement | None = None
    infeasibility_reason: str = ""


@dataclass(frozen=True)
class TrialClaim:
    """A queued or abandoned trial handed to a worker, if it is still as expected.

    Attributes:
        expected_state: REQUESTED (queued) or ACTIVE (then only past its lease).
        client_id: The worker taking it.
        lease_expire_time: Its new lease, epoch seconds.
    """

    expected_state: TrialState
    client_id: str
    lease_expire_time: float


# Repositories, by aggregate ----------------------------------------------------------


class StoreProblem(Exception):
    """A set-up step (migrate, reading limits) failed; `line` says why, for the operator.

    `reachable` False means the backend could not be reached (worth waiting for);
    `cause` is the reason alone, without addresses (fit for clients).
    """

    def __init__(self, line: str, *, cause: str, reachable: bool) -> None:
        super().__init__(line)
        self.line = line
        self.cause = cause
        self.reachable = reachable


class StudyRepository(Protocol):
    def insert_study(self, study: Study, request_id: str | None) -> StudyRecord:
        """AlreadyExists if the team has a study with that id."""
        ...

    def study(self, name: StudyName, *, lock: bool = False) -> StudyRecord:
        """The study or NotFound; `lock` holds it until the transaction ends."""
        ...

    def study_by_request_id(self, team: str, request_id: str) -> StudyRecord | None: ...

    def studies(self, team: str, after_pk: int, limit: int) -> list[StudyRecord]:
        """The team's studies with pk above `after_pk`, by pk."""
        ...

    def delete_study(self, study_pk: int) -> None:
        """Deletes the study with its trials and measurements."""
        ...

    def update_study(self, study_pk: int, now: float, changes: StudyChanges) -> None: ...

    def study_and_quotas(
        self, name: StudyName, *, lock: bool = False
    ) -> tuple[StudyRecord, TeamQuotas]:
        """The study (or NotFound, `lock` as in `study`) and its team's quotas, in one
        read. Under `lock`, a read that waited for the study's row gets the row as its
        holder left it, and the quotas as they were when the read began."""
        ...

    def study_and_engine_state(self, name: StudyName) -> tuple[StudyRecord, dict[str, Any]]:
        """The study (or NotFound) and its engine's stored state, in one read."""
        ...

    def allocate_trial_numbers(
        self, study_pk: int, count: int, changes_at: tuple[float, StudyChanges] | None = None
    ) -> int:
        """Reserves `count` trial numbers and returns the first; they stay unique and
        dense across concurrent transactions (a rollback returns them). `changes_at`
        (when, what), if given, are made to the study in the same statement."""
        ...

    def count_studies(self, team: str, state: StudyState) -> int: ...


class TrialRepository(Protocol):
    def insert_trial(self, study_pk: int, trial: Trial, request_id: str | None) -> int:
        """Inserts the trial (without its measurements) and returns its pk."""
        ...

    def insert_trials(self, study_pk: int, new_trials: Sequence[Trial]) -> None:
        """Inserts trials without request ids or measurements, in one statement: a
        suggestion writes a batch of them while it holds its study's lock."""
        ...

    def trial(self, study_pk: int, name: TrialName, *, lock: bool = False) -> TrialRecord:
        """The trial with its measurements, or NotFound; `lock` holds it."""
        ...

    def study_and_trial(
        self, name: TrialName, *, lock: bool = False
    ) -> tuple[StudyRecord, TrialRecord]:
        """The trial's study and the trial with its measurements, read together (every
        report and completion needs both); NotFound for the study when it does not
        exist, else for the trial. `lock` holds the trial, not the study."""
        ...

    def trial_by_request_id(self, study_pk: int, request_id: str) -> TrialRecord | None: ...

    def trials(
        self,
        study_pk: int,
        *,
        states: Collection[TrialState] = (),
        after_number: int = 0,
        limit: int | None = None,
        with_measurements: bool = True,
        last: bool = False,
    ) -> list[TrialRecord]:
        """Trials by increasing number; `states` empty means every state. With `last`,
        the last `limit` of them (still by increasing number)."""
        ...

    def trial_results(self, study_pk: int, states: Collection[TrialState]) -> list[TrialResult]:
        """Results of the trials in `states`, by number (lean: the suggestion path)."""
        ...

    def histories(self, study_pk: int, states: Collection[TrialState]) -> list[TrialHistory]:
        """Learning curves of the trials in `states`, by number."""
        ...

    def claimable(
        self, study_pk: int, client_id: str, now: float, queued: int = 0
    ) -> list[TrialRecord]:
        """ACTIVE and STOPPING trials `client_id` holds or whose lease expired, then the
        first `queued` REQUESTED trials; each group by number."""
        ...

    def count_trials(self, study_pk: int, states: Collection[TrialState]) -> int: ...

    def claim_trial(self, trial_pk: int, claim: TrialClaim, now: float) -> bool:
        """Compare-and-set: assigns the trial unless someone else got it first."""
        ...

    def renew_leases(
        self, study_pk: int, client_id: str, lease_expire_time: float, now: float
    ) -> set[int]:
        """Extends the lease of every ACTIVE trial `client_id` holds in the study, and
        returns their pks: those it still held when the update ran, not when it was
        last read (another worker may have taken an expired one over in between)."""
        ...

    def renew_lease(self, trial_pk: int, lease_expire_time: float, now: float) -> None: ...

    def mark_stopping(self, trial_pk: int, metadata: Mapping[str, str], now: float) -> None:
        """STOPPING, with `metadata` in place of the trial's (it records why)."""
        ...

    def finish_trial(
        self,
        trial_pk: int,
        outcome: TrialOutcome,
        now: float,
        *,
        expected_state: TrialState | None = None,
    ) -> bool:
        """Sets the outcome, the completion time, and clears the lease; with
        `expected_state`, a compare-and-set that applies only while the trial is still
        in that state. Returns whether it applied."""
        ...

    def insert_measurement(self, trial_pk: int, measurement: Measurement) -> None: ...

    def delete_measurements(self, trial_pk: int) -> None: ...


class TeamRepository(Protocol):
    def insert_team(self, team: Team) -> int:
        """AlreadyExists if a team of that name exists; returns its pk."""
        ...

    def team(self, team: str) -> TeamRecord | None:
        """None for a team without a record (authentication off)."""
        ...

    def teams(self) -> list[Team]: ...

    def quotas(self, team: str, *, lock: bool = False) -> TeamQuotas:
        """The team's quotas; none for a team without a record. `lock` holds the team's
        row until the transaction ends, so that checks of a team-wide count against a
        quota (ACTIVE studies) run one at a time."""
        ...

    def update_team_quotas(self, team_pk: int, quotas: TeamQuotas) -> None: ...

    def insert_token(
        self, team_pk: int, token: Token, secret_hash: str, request_id: str | None
    ) -> None:
        """Aborted if a concurrent call inserted a token with the same request id."""
        ...

    def token(self, token_id: str) -> TokenRecord | None: ...

    def token_by_request_id(self, team_pk: int, request_id: str) -> TokenRecord | None:
        """The unrevoked token a CreateToken call with `request_id` made, if any."""
        ...

    def tokens(self, team: str, after_pk: int, limit: int) -> list[TokenRecord]:
        """The team's tokens with pk above `after_pk`, by pk."""
        ...

    def revoke_token(self, token_id: str, now: float) -> None:
        """Sets the revocation time, unless the token is revoked already; a revoked token
        no longer answers to its request id."""
        ...


class RateRepository(Protocol):
    def count_call(self, team: str, window: int) -> int:
        """Counts one call in the team's window; returns the window's count. Holds
        across replicas."""
        ...


class Transaction(StudyRepository, TrialRepository, TeamRepository, RateRepository, Protocol):
    def ping(self) -> None: ...


class Store(Protocol):
    """Opens transactions and study locks on one backend."""

    def transaction(
        self, *, write: bool, snapshot: bool = False
    ) -> contextlib.AbstractContextManager[Transaction]:
        """Commits when the block ends, rolls back if it raises; database outages
        surface as Unavailable, conflicts worth a retry as Aborted.

        A read (`write` False) only reads, and takes no row lock: on PostgreSQL its
        statements run one by one, each committed as it ends (docs/operations.md#database),
        so a write in it could not be rolled back and a lock would not be held; each
        statement sees the rows committed when it began. A read with `snapshot` sees one
        snapshot across its statements (on PostgreSQL a REPEATABLE READ transaction, two
        round trips more): a trial that finishes between two of them is not missed by
        both."""
        ...

    def study_lock(self, study_pk: int) -> StudyLock:
        """A lock that serializes suggestions for one study across replicas."""
        ...

    def ping(self) -> None:
        """Raises Unavailable unless the backend answers."""
        ...

    def trial_state_counts(self) -> list[TrialStateCount]:
        """Trials per state of every ACTIVE study (the metrics endpoint's gauges)."""
        ...

    def pool_status(self) -> PoolStatus | None:
        """The connection pool's use; None for backends without one."""
        ...

    def migrate(self) -> None:
        """Creates or upgrades the schema; safe from many replicas at once. Raises
        StoreProblem (reachable False while the backend cannot be reached)."""
        ...

    def connection_budget(self) -> ConnectionBudget | None:
        """The server's connection limits; None where there are none. Raises StoreProblem."""
        ...

    def close(self) -> None: ...
