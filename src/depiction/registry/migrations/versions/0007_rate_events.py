"""Rate-limit events in the registry, so the limit holds across workers and replicas.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_rate_event_key", "rate_event", ["key"])


def downgrade() -> None:
    op.drop_index("ix_rate_event_key", "rate_event")
    op.drop_table("rate_event")
