"""catalog: entities with indexed columns and stitched bodies, relations, locations, search

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22

Full-text search is FTS5 (external content, kept in step by triggers) on SQLite and a
generated `tsvector` column with a GIN index on PostgreSQL. Rows of the previous
`catalog_entities` table (Paved's own services) are carried over.
"""

import json
import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

_FTS = [
    "CREATE VIRTUAL TABLE catalog_fts USING fts5("
    "search_text, content='catalog_entities', content_rowid='id', "
    "tokenize=\"unicode61 tokenchars '_'\")",
    "CREATE TRIGGER catalog_fts_insert AFTER INSERT ON catalog_entities BEGIN "
    "INSERT INTO catalog_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER catalog_fts_delete AFTER DELETE ON catalog_entities BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER catalog_fts_update AFTER UPDATE OF search_text ON catalog_entities BEGIN "
    "INSERT INTO catalog_fts(catalog_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO catalog_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]
_TSVECTOR = [
    "ALTER TABLE catalog_entities ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_text)) STORED",
    "CREATE INDEX ix_catalog_entities_search ON catalog_entities USING GIN (search_vector)",
]


def upgrade() -> None:
    bind = op.get_bind()
    old = sa.table(
        "catalog_entities",
        sa.column("ref", sa.String),
        sa.column("kind", sa.String),
        sa.column("namespace", sa.String),
        sa.column("name", sa.String),
        sa.column("entity", sa.JSON),
        sa.column("source", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("updated_at", sa.DateTime(timezone=True)),
    )
    carried = [dict(row._mapping) for row in bind.execute(sa.select(old))]
    with op.batch_alter_table("catalog_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_catalog_entities_source"))
    op.drop_table("catalog_entities")

    entities = op.create_table(
        "catalog_entities",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ref", sa.String(length=400), nullable=False),
        sa.Column("kind", sa.String(length=63), nullable=False),
        sa.Column("namespace", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=True),
        sa.Column("type", sa.String(length=100), nullable=True),
        sa.Column("lifecycle", sa.String(length=100), nullable=True),
        sa.Column("owner", sa.String(length=400), nullable=True),
        sa.Column("entity", _JSON, nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=600), nullable=False),
        sa.Column("origin", sa.String(length=600), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("orphan", sa.Boolean(), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("input_hash", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ref"),
    )
    for column in ("kind", "name", "type", "lifecycle", "owner", "source", "origin", "orphan"):
        op.create_index(f"ix_catalog_entities_{column}", "catalog_entities", [column])
    op.create_index("ix_catalog_entities_changed_at", "catalog_entities", ["changed_at"])
    op.create_index("ix_catalog_entities_kind_owner", "catalog_entities", ["kind", "owner"])
    bodies = op.create_table(
        "catalog_bodies",
        sa.Column("ref", sa.String(length=400), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("etag", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_table(
        "catalog_relations",
        sa.Column("origin", sa.String(length=400), nullable=False),
        sa.Column("source", sa.String(length=400), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("target", sa.String(length=400), nullable=False),
        sa.PrimaryKeyConstraint("origin", "source", "type", "target"),
    )
    op.create_index("ix_catalog_relations_source", "catalog_relations", ["source"])
    op.create_index("ix_catalog_relations_target", "catalog_relations", ["target", "type"])
    op.create_table(
        "catalog_locations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("type", sa.String(length=10), nullable=False),
        sa.Column("target", sa.String(length=600), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("entity_count", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("target"),
    )
    for statement in _FTS if bind.dialect.name == "sqlite" else _TSVECTOR:
        op.execute(statement)
    if carried:
        op.bulk_insert(entities, [_carried(row) for row in carried])
        op.bulk_insert(
            bodies,
            [{"ref": r["ref"], "body": json.dumps(r["entity"]), "etag": ""} for r in carried],
        )


def _carried(row: dict) -> dict:  # type: ignore[type-arg]
    entity = row["entity"]
    metadata = entity.get("metadata", {})
    return {
        "ref": row["ref"],
        "kind": row["kind"],
        "namespace": row["namespace"],
        "name": row["name"],
        "title": metadata.get("title"),
        "entity": entity,
        "search_text": row["name"],
        "source": row["source"],
        "origin": row["source"],
        "errors": [],
        "orphan": False,
        "uid": str(uuid.uuid4()),
        "input_hash": "",
        "created_at": row["created_at"],
        "changed_at": row["updated_at"],
        "updated_at": row["updated_at"],
    }


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("catalog_fts_insert", "catalog_fts_delete", "catalog_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS catalog_fts")
    op.drop_table("catalog_locations")
    op.drop_table("catalog_bodies")
    op.drop_table("catalog_relations")
    op.drop_table("catalog_entities")
    op.create_table(
        "catalog_entities",
        sa.Column("ref", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("namespace", sa.String(length=63), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("entity", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ref"),
    )
    op.create_index("ix_catalog_entities_source", "catalog_entities", ["source"])
