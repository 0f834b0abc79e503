"""The relational schema, one definition for SQLite and PostgreSQL.

Times are integer microseconds since the epoch (portable, exact to compare); specs,
parameters, metrics and engine state are JSON text (portable, read whole).
Migrations in `migrations/versions` must produce exactly this schema; a test checks.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

# SQLite only autoincrements an INTEGER PRIMARY KEY; PostgreSQL gets a bigint.
PrimaryKey = BigInteger().with_variant(Integer(), "sqlite")

metadata = MetaData()

studies = Table(
    "studies",
    metadata,
    Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
    Column("team", String(63), nullable=False),
    Column("study_id", String(63), nullable=False),
    Column("display_name", String(256), nullable=False),
    Column("spec", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("state_reason", String(256), nullable=False),
    # Number of trials so far; the next trial's number is trial_count + 1. Bumped
    # in the transaction that inserts trials, so numbers stay unique and dense.
    Column("trial_count", BigInteger, nullable=False),
    # Why no more trials will be suggested ("" while some will): the trial budget
    # or the grid is used up. The study completes once its trials finish.
    Column("exhausted_reason", String(256), nullable=False),
    Column("engine_state", Text, nullable=False),
    Column("create_time", BigInteger, nullable=False),
    Column("update_time", BigInteger, nullable=False),
    # The CreateStudy request that created the study, so that its retry finds it.
    Column("request_id", String(128), nullable=True),
    UniqueConstraint("team", "study_id", name="uq_studies_team_study_id"),
    Index("uq_studies_team_request_id", "team", "request_id", unique=True),
)

trials = Table(
    "trials",
    metadata,
    Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
    Column(
        "study_pk",
        PrimaryKey,
        ForeignKey("studies.pk", ondelete="CASCADE", name="fk_trials_study_pk"),
        nullable=False,
    ),
    Column("number", BigInteger, nullable=False),
    Column("parameters", Text, nullable=False),
    Column("state", String(16), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("lease_expire_time", BigInteger, nullable=True),
    Column("final_measurement", Text, nullable=True),
    Column("infeasibility_reason", Text, nullable=False),
    Column("metadata", Text, nullable=False),
    Column("request_id", String(128), nullable=True),
    Column("create_time", BigInteger, nullable=False),
    Column("start_time", BigInteger, nullable=True),
    Column("complete_time", BigInteger, nullable=True),
    Column("update_time", BigInteger, nullable=False),
    UniqueConstraint("study_pk", "number", name="uq_trials_study_number"),
    # Retried CreateTrial calls find the first call's trial through this constraint.
    UniqueConstraint("study_pk", "request_id", name="uq_trials_study_request_id"),
    Index("ix_trials_study_state", "study_pk", "state"),
)

measurements = Table(
    "measurements",
    metadata,
    Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
    Column(
        "trial_pk",
        PrimaryKey,
        ForeignKey("trials.pk", ondelete="CASCADE", name="fk_measurements_trial_pk"),
        nullable=False,
    ),
    Column("step", BigInteger, nullable=False),
    Column("elapsed_seconds", Float, nullable=False),
    Column("metrics", Text, nullable=False),
    UniqueConstraint("trial_pk", "step", name="uq_measurements_trial_step"),
)

teams = Table(
    "teams",
    metadata,
    Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
    Column("team", String(63), nullable=False),
    Column("quotas", Text, nullable=False),
    Column("create_time", BigInteger, nullable=False),
    UniqueConstraint("team", name="uq_teams_team"),
)

tokens = Table(
    "tokens",
    metadata,
    Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
    Column(
        "team_pk",
        PrimaryKey,
        ForeignKey("teams.pk", ondelete="CASCADE", name="fk_tokens_team_pk"),
        nullable=False,
    ),
    # The public part of the secret: how a presented secret finds its row.
    Column("token_id", String(16), nullable=False),
    # SHA-256 of the whole secret. Secrets are 256 random bits, so a fast hash is
    # enough: there is nothing to brute-force, unlike passwords.
    Column("secret_hash", String(64), nullable=False),
    Column("role", Integer, nullable=False),
    Column("description", String(256), nullable=False),
    Column("create_time", BigInteger, nullable=False),
    Column("expire_time", BigInteger, nullable=True),
    Column("revoke_time", BigInteger, nullable=True),
    # The CreateToken call that made it, while the token is not revoked (a retry finds
    # and replaces it); unique per team, like a study's.
    Column("request_id", String(128), nullable=True),
    UniqueConstraint("token_id", name="uq_tokens_token_id"),
    Index("uq_tokens_team_request_id", "team_pk", "request_id", unique=True),
)

# Calls per team per whole second, for rate quotas that hold across replicas.
rate_windows = Table(
    "rate_windows",
    metadata,
    Column("team", String(63), primary_key=True),
    Column("window", BigInteger, primary_key=True),
    Column("calls", BigInteger, nullable=False),
)
