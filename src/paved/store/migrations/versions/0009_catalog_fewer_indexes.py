"""catalog: three indexes fewer to keep up on every write

`source` is never searched by; `kind` alone is the first column of the kind+owner+ref index;
`orphan` is searched only for the few orphans, so only they are indexed.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for column in ("source", "kind", "orphan"):
        op.drop_index(f"ix_catalog_entities_{column}", table_name="catalog_entities")
    op.create_index(
        "ix_catalog_entities_orphans",
        "catalog_entities",
        ["orphan"],
        sqlite_where=sa.text("orphan IS 1"),  # as the orphans' query says it (a partial index
        postgresql_where=sa.text("orphan IS true"),  # serves only a query naming its condition)
    )


def downgrade() -> None:
    op.drop_index("ix_catalog_entities_orphans", table_name="catalog_entities")
    for column in ("source", "kind", "orphan"):
        op.create_index(f"ix_catalog_entities_{column}", "catalog_entities", [column])
