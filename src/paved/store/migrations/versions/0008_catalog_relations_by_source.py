"""catalog: relations keyed by (source, type, target), with no separate origin

A stored relation is always declared by its source entity, so `origin` repeated `source` and
cost a key column and an index in every insert (four B-trees a row, now two on SQLite, where
the table is WITHOUT ROWID: its key is the table).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _replace(columns: list[sa.Column[str]], key: list[str], copied: str) -> None:
    op.drop_index("ix_catalog_relations_target", table_name="catalog_relations")
    op.drop_index("ix_catalog_relations_source", table_name="catalog_relations", if_exists=True)
    op.rename_table("catalog_relations", "catalog_relations_old")
    if op.get_bind().dialect.name == "postgresql":  # frees the key's name for the new table
        op.execute("ALTER TABLE catalog_relations_old DROP CONSTRAINT catalog_relations_pkey")
    op.create_table(
        "catalog_relations",
        *columns,
        sa.PrimaryKeyConstraint(*key, name="catalog_relations_pkey"),
        sqlite_with_rowid=False,
    )
    names = ", ".join(c.name for c in columns)
    copy = f"INSERT INTO catalog_relations ({names}) SELECT DISTINCT {copied} FROM "
    op.execute(f"{copy}catalog_relations_old")
    op.drop_table("catalog_relations_old")
    op.create_index("ix_catalog_relations_target", "catalog_relations", ["target", "type"])


def _column(name: str, length: int) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=False)


def upgrade() -> None:
    columns = [_column("source", 400), _column("type", 40), _column("target", 400)]
    _replace(columns, ["source", "type", "target"], "source, type, target")


def downgrade() -> None:
    columns = [
        _column("origin", 400),
        _column("source", 400),
        _column("type", 40),
        _column("target", 400),
    ]
    _replace(columns, ["origin", "source", "type", "target"], "source, source, type, target")
    op.create_index("ix_catalog_relations_source", "catalog_relations", ["source"])
