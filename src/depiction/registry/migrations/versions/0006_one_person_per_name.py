"""One person per name: an alias claims its key while its person is pending or active.

The claim is unique, so two writers adding the same name at once cannot both succeed.
Registries filled before could hold the same key more than once (writers racing): the
oldest alias of each key claims it; the others keep matching, unclaimed. The matcher
version stamped on each alias is indexed, so finding aliases of another version (to compute
them again) costs no scan of the table when a store opens.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("optout_alias", sa.Column("claim", sa.String(400), nullable=True))
    op.execute(
        "UPDATE optout_alias SET claim = key WHERE id IN ("
        " SELECT min(optout_alias.id) FROM optout_alias"
        " JOIN optout_person ON optout_person.id = optout_alias.person_id"
        " WHERE optout_person.status != 'revoked' GROUP BY optout_alias.key)"
    )
    op.create_index("ix_optout_alias_claim", "optout_alias", ["claim"], unique=True)
    op.create_index("ix_optout_alias_index_format", "optout_alias", ["index_format"])


def downgrade() -> None:
    op.drop_index("ix_optout_alias_index_format", "optout_alias")
    op.drop_index("ix_optout_alias_claim", "optout_alias")
    with op.batch_alter_table("optout_alias") as batch:
        batch.drop_column("claim")
