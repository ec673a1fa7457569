"""catalog: the kind+owner index also holds ref and id, so a filtered page is read from it

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_catalog_entities_kind_owner_ref",
        "catalog_entities",
        ["kind", "owner", "ref"],
        postgresql_include=["id"],  # SQLite's indexes hold the rowid (the id) anyway
    )
    op.drop_index("ix_catalog_entities_kind_owner", table_name="catalog_entities")


def downgrade() -> None:
    op.create_index("ix_catalog_entities_kind_owner", "catalog_entities", ["kind", "owner"])
    op.drop_index("ix_catalog_entities_kind_owner_ref", table_name="catalog_entities")
