"""Request ids of CreateToken calls, so that a retried call replaces the token it created.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tokens", sa.Column("request_id", sa.String(128), nullable=True))
    op.create_index("uq_tokens_team_request_id", "tokens", ["team_pk", "request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_tokens_team_request_id", table_name="tokens")
    op.drop_column("tokens", "request_id")
