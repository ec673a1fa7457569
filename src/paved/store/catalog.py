"""Catalog rows: entities (indexed columns + stitched body), relations and locations.

Writes are bulk (one statement per batch, upserts on `ref`), so a location of 100,000 entities
is a few hundred statements. Full-text search is maintained by the database itself (FTS5
triggers on SQLite, a generated tsvector on PostgreSQL; see migration 0003).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Text, any_, bindparam, delete, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from paved.store.models import CatalogBody, CatalogEntity, CatalogRelation, utcnow

BATCH = 500
RELATIONS: Any = CatalogRelation.__table__
BODIES: Any = CatalogBody.__table__


@dataclass(frozen=True)
class EntityWrite:
    """An entity as processing produced it, ready to be stored (before stitching)."""

    ref: str
    kind: str
    namespace: str
    name: str
    title: str | None
    type: str | None
    lifecycle: str | None
    owner: str | None
    entity: dict[str, Any]
    search_text: str
    source: str
    errors: list[str]
    input_hash: str
    relations: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class StitchRow:
    ref: str
    uid: str
    entity: dict[str, Any]
    errors: list[str]
    orphan: bool


@dataclass(frozen=True)
class Existing:
    ref: str
    origin: str
    input_hash: str
    orphan: bool
    valid: bool


def one_of(session: Session, column: Any, values: Sequence[str]) -> ColumnElement[bool]:
    """`column IN values`; on PostgreSQL `= ANY(array)`: one parameter, so the statement text
    (and the driver's parsing of it) is the same for every batch, where an IN list of 500
    parameters is rendered and parsed anew each time."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=postgresql.ARRAY(Text)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing(session: Session, refs: Sequence[str]) -> dict[str, Existing]:
    """What is stored already under `refs`."""
    found: dict[str, Existing] = {}
    columns = (
        CatalogEntity.ref,
        CatalogEntity.origin,
        CatalogEntity.input_hash,
        CatalogEntity.orphan,
        CatalogEntity.errors,
    )
    for chunk in chunks(refs):
        for ref, origin, input_hash, orphan, errors in session.execute(
            select(*columns).where(one_of(session, CatalogEntity.ref, chunk))
        ):
            found[ref] = Existing(ref, origin, input_hash, orphan, not errors)
    return found


def refs_of_origin(session: Session, origin: str) -> set[str]:
    query = select(CatalogEntity.ref).where(CatalogEntity.origin == origin)
    return set(session.scalars(query))


def upsert(
    session: Session, origin: str, writes: Sequence[EntityWrite], replaced: Sequence[str]
) -> None:
    """Insert or replace the entities and their relations (`replaced`: the refs stored before,
    whose old relations go); stitching comes after."""
    now = utcnow()
    rows = [
        {
            "ref": w.ref,
            "kind": w.kind,
            "namespace": w.namespace,
            "name": w.name,
            "title": w.title,
            "type": w.type,
            "lifecycle": w.lifecycle,
            "owner": w.owner,
            "entity": w.entity,
            "search_text": w.search_text,
            "source": w.source,
            "origin": origin,
            "errors": w.errors,
            "orphan": False,
            "uid": str(uuid.uuid4()),
            "input_hash": w.input_hash,
            "created_at": now,
            "changed_at": now,
            "updated_at": now,
        }
        for w in writes
    ]
    if rows:
        kept = ("uid", "created_at", "ref")
        statement = _insert(session)(CatalogEntity.__table__)
        columns = {c: statement.excluded[c] for c in rows[0] if c not in kept}
        upserting = statement.on_conflict_do_update(index_elements=["ref"], set_=columns)
        connection = session.connection()
        for chunk in chunks(rows, 2000):
            connection.execute(upserting, list(chunk))
    declared = [(w.ref, *r) for w in writes for r in w.relations]
    replace_relations(session, replaced, declared)


def analyze(session: Session) -> None:
    """Refresh PostgreSQL's statistics mid-transaction, so a bulk load's later queries use the
    indexes (the planner otherwise still believes the tables empty). SQLite needs nothing."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE catalog_entities, catalog_relations"))


def pause_search_upkeep(session: Session) -> None:
    """For the rest of a bulk load, SQLite's full-text triggers stand still (row-by-row upkeep
    costs ~100 µs a row; `settle_search_index` rebuilds the index whole instead). Only this
    transaction sees the pause. PostgreSQL keeps its index itself."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("UPDATE catalog_fts_upkeep SET paused = 1"))


def settle_search_index(session: Session) -> None:
    """After a bulk load: on PostgreSQL, merge the GIN index's pending list (until then every
    search scans that list linearly); on SQLite, rebuild the full-text index if its upkeep was
    paused (0.4 s for 100,000 entities) and resume it."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT gin_clean_pending_list('ix_catalog_entities_search')"))
    elif session.scalar(text("SELECT paused FROM catalog_fts_upkeep")):
        session.execute(text("INSERT INTO catalog_fts(catalog_fts) VALUES ('rebuild')"))
        session.execute(text("UPDATE catalog_fts_upkeep SET paused = 0"))


def _insert(session: Session) -> Any:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def set_errors(session: Session, ref: str, errors: list[str]) -> None:
    """Keep the stored entity, but record why its new version was rejected."""
    values = {"errors": errors, "updated_at": utcnow()}
    session.execute(update(CatalogEntity).where(CatalogEntity.ref == ref).values(**values))


def set_orphan(session: Session, refs: Sequence[str], orphan: bool) -> None:
    for chunk in chunks(refs):
        query = update(CatalogEntity).where(one_of(session, CatalogEntity.ref, chunk))
        session.execute(query.values(orphan=orphan))


def relations_touching(session: Session, refs: Sequence[str]) -> set[str]:
    """Every entity at the other end of a relation of `refs` (their bodies list those)."""
    found: set[str] = set()
    connection = session.connection()
    for chunk in chunks(refs):
        targets = select(CatalogRelation.target).where(
            one_of(session, CatalogRelation.source, chunk)
        )
        sources = select(CatalogRelation.source).where(
            one_of(session, CatalogRelation.target, chunk)
        )
        found.update(connection.execute(targets).scalars())
        found.update(connection.execute(sources).scalars())
    return found


def replace_relations(
    session: Session, origins: Sequence[str], relations: Sequence[tuple[str, str, str, str]]
) -> None:
    """Drop what `origins` implied before and record `relations` (origin, source, type, target)."""
    for chunk in chunks(origins):
        session.execute(
            delete(CatalogRelation).where(one_of(session, CatalogRelation.origin, chunk))
        )
    rows = [
        {"origin": origin, "source": source, "type": type_, "target": target}
        for origin, source, type_, target in sorted(set(relations))
    ]
    connection = session.connection()
    for chunk in chunks(rows, 5000):
        connection.execute(insert(RELATIONS), list(chunk))


def delete_entities(session: Session, refs: Sequence[str]) -> None:
    for chunk in chunks(refs):
        session.execute(
            delete(CatalogRelation).where(one_of(session, CatalogRelation.origin, chunk))
        )
        session.execute(delete(CatalogBody).where(one_of(session, CatalogBody.ref, chunk)))
        session.execute(delete(CatalogEntity).where(one_of(session, CatalogEntity.ref, chunk)))


def stitch_rows(
    session: Session, refs: Sequence[str], reverse: dict[str, str]
) -> tuple[list[StitchRow], dict[str, list[tuple[str, str]]], set[str]]:
    """What stitching `refs` needs: their rows, their relations both ways (each is stored once,
    as declared; `reverse` maps a type to its other direction), and which targets exist."""
    rows: list[StitchRow] = []
    relations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    columns = (
        CatalogEntity.ref,
        CatalogEntity.uid,
        CatalogEntity.entity,
        CatalogEntity.errors,
        CatalogEntity.orphan,
    )
    connection = session.connection()  # plain rows: the ORM's row handling costs more here
    for chunk in chunks(refs):
        found = connection.execute(
            select(*columns).where(one_of(session, CatalogEntity.ref, chunk))
        )
        rows += [StitchRow(*r) for r in found.all()]
        query = select(CatalogRelation.source, CatalogRelation.type, CatalogRelation.target)
        for source, type_, target in connection.execute(
            query.where(one_of(session, CatalogRelation.source, chunk)).distinct()
        ).all():
            relations[source].append((type_, target))
        query = select(CatalogRelation.source, CatalogRelation.type, CatalogRelation.target)
        for source, type_, target in connection.execute(
            query.where(one_of(session, CatalogRelation.target, chunk)).distinct()
        ).all():
            relations[target].append((reverse[type_], source))
    targets = sorted({t for pairs in relations.values() for _, t in pairs})
    present: set[str] = set()
    for chunk in chunks(targets):
        exists = select(CatalogEntity.ref).where(one_of(session, CatalogEntity.ref, chunk))
        present.update(connection.execute(exists).scalars())
    return rows, relations, present


def write_bodies(session: Session, bodies: Sequence[tuple[str, str, str]]) -> None:
    """Store stitched (ref, body, etag) triples."""
    if not bodies:
        return
    rows = [{"ref": ref, "body": body, "etag": etag} for ref, body, etag in bodies]
    statement = _insert(session)(BODIES)
    upserting = statement.on_conflict_do_update(
        index_elements=["ref"],
        set_={"body": statement.excluded.body, "etag": statement.excluded.etag},
    )
    connection = session.connection()
    for chunk in chunks(rows, 1000):
        connection.execute(upserting, list(chunk))
