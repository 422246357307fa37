"""Face embeddings of opt-out entries (the photo is never stored, only its SHA-256).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "face_embeddings",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer(),
            sa.ForeignKey("optout_person.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("model", sa.String(60), nullable=False),
        sa.Column("model_version", sa.String(20), nullable=False),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("photo_sha256", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_face_embeddings_person_id", "face_embeddings", ["person_id"])


def downgrade() -> None:
    op.drop_table("face_embeddings")
