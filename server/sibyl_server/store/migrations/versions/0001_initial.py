"""Studies, trials and measurements.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

PrimaryKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "studies",
        sa.Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
        sa.Column("team", sa.String(63), nullable=False),
        sa.Column("study_id", sa.String(63), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=False),
        sa.Column("spec", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("state_reason", sa.String(256), nullable=False),
        sa.Column("trial_count", sa.BigInteger, nullable=False),
        sa.Column("exhausted_reason", sa.String(256), nullable=False),
        sa.Column("engine_state", sa.Text, nullable=False),
        sa.Column("create_time", sa.BigInteger, nullable=False),
        sa.Column("update_time", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("team", "study_id", name="uq_studies_team_study_id"),
    )
    op.create_table(
        "trials",
        sa.Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
        sa.Column(
            "study_pk",
            PrimaryKey,
            sa.ForeignKey("studies.pk", ondelete="CASCADE", name="fk_trials_study_pk"),
            nullable=False,
        ),
        sa.Column("number", sa.BigInteger, nullable=False),
        sa.Column("parameters", sa.Text, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("client_id", sa.String(128), nullable=False),
        sa.Column("lease_expire_time", sa.BigInteger, nullable=True),
        sa.Column("final_measurement", sa.Text, nullable=True),
        sa.Column("infeasibility_reason", sa.Text, nullable=False),
        sa.Column("metadata", sa.Text, nullable=False),
        sa.Column("request_id", sa.String(128), nullable=True),
        sa.Column("create_time", sa.BigInteger, nullable=False),
        sa.Column("start_time", sa.BigInteger, nullable=True),
        sa.Column("complete_time", sa.BigInteger, nullable=True),
        sa.Column("update_time", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("study_pk", "number", name="uq_trials_study_number"),
        sa.UniqueConstraint("study_pk", "request_id", name="uq_trials_study_request_id"),
    )
    op.create_index("ix_trials_study_state", "trials", ["study_pk", "state"])
    op.create_table(
        "measurements",
        sa.Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
        sa.Column(
            "trial_pk",
            PrimaryKey,
            sa.ForeignKey("trials.pk", ondelete="CASCADE", name="fk_measurements_trial_pk"),
            nullable=False,
        ),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("elapsed_seconds", sa.Float, nullable=False),
        sa.Column("metrics", sa.Text, nullable=False),
        sa.UniqueConstraint("trial_pk", "step", name="uq_measurements_trial_step"),
    )


def downgrade() -> None:
    op.drop_table("measurements")
    op.drop_index("ix_trials_study_state", table_name="trials")
    op.drop_table("trials")
    op.drop_table("studies")
