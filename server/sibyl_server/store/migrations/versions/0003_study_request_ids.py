"""Request ids of CreateStudy calls, so that a retried call finds its study.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("studies", sa.Column("request_id", sa.String(128), nullable=True))
    op.create_index("uq_studies_team_request_id", "studies", ["team", "request_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_studies_team_request_id", table_name="studies")
    op.drop_column("studies", "request_id")
