"""Artists registry: artists, studios, movements and franchises, with aliases.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artist",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("slug", sa.String(120), nullable=False, unique=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("born", sa.Integer(), nullable=True),
        sa.Column("died", sa.Integer(), nullable=True),
        sa.Column("living_override", sa.Boolean(), nullable=True),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
    )
    op.create_table(
        "artist_alias",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "artist_id",
            sa.Integer(),
            sa.ForeignKey("artist.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("name", sa.String(200), nullable=False),
    )
    op.create_index("ix_artist_alias_artist_id", "artist_alias", ["artist_id"])


def downgrade() -> None:
    op.drop_table("artist_alias")
    op.drop_table("artist")
