"""Matcher keys stored with each alias, so a matcher build does no per-name hashing.

Existing aliases get their keys here, in batches; an alias without current keys is still
matched (the keys are computed from its forms when the registry is read), only slower.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

import sqlalchemy as sa
from alembic import op

from depiction.registry.matcher import alias_keys

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BATCH = 10_000
_VERSION = 1  # the matcher version these keys are stamped with: later ones recompute them


def upgrade() -> None:
    op.add_column("optout_alias", sa.Column("index_keys", sa.LargeBinary(), nullable=True))
    op.add_column("optout_alias", sa.Column("index_format", sa.Integer(), nullable=True))
    connection = op.get_bind()
    alias = sa.table(
        "optout_alias",
        sa.column("id", sa.Integer()),
        sa.column("forms", sa.Text()),
        sa.column("index_keys", sa.LargeBinary()),
        sa.column("index_format", sa.Integer()),
    )
    update = (
        alias.update()
        .where(alias.c.id == sa.bindparam("alias_id"))
        .values(index_keys=sa.bindparam("keys"), index_format=_VERSION)
    )
    last = 0
    while rows := connection.execute(
        sa.select(alias.c.id, alias.c.forms)
        .where(alias.c.id > last)
        .order_by(alias.c.id)
        .limit(_BATCH)
    ).all():
        connection.execute(
            update, [{"alias_id": i, "keys": alias_keys(forms.split("|"))} for i, forms in rows]
        )
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("optout_alias") as batch:
        batch.drop_column("index_format")
        batch.drop_column("index_keys")
