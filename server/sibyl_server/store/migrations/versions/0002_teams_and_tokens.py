"""Teams, their tokens, and rate-quota windows.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

PrimaryKey = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "teams",
        sa.Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
        sa.Column("team", sa.String(63), nullable=False),
        sa.Column("quotas", sa.Text, nullable=False),
        sa.Column("create_time", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("team", name="uq_teams_team"),
    )
    op.create_table(
        "tokens",
        sa.Column("pk", PrimaryKey, primary_key=True, autoincrement=True),
        sa.Column(
            "team_pk",
            PrimaryKey,
            sa.ForeignKey("teams.pk", ondelete="CASCADE", name="fk_tokens_team_pk"),
            nullable=False,
        ),
        sa.Column("token_id", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("role", sa.Integer, nullable=False),
        sa.Column("description", sa.String(256), nullable=False),
        sa.Column("create_time", sa.BigInteger, nullable=False),
        sa.Column("expire_time", sa.BigInteger, nullable=True),
        sa.Column("revoke_time", sa.BigInteger, nullable=True),
        sa.UniqueConstraint("token_id", name="uq_tokens_token_id"),
    )
    op.create_table(
        "rate_windows",
        sa.Column("team", sa.String(63), primary_key=True),
        sa.Column("window", sa.BigInteger, primary_key=True),
        sa.Column("calls", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("rate_windows")
    op.drop_table("tokens")
    op.drop_table("teams")
