"""Catalog rows: entities (indexed columns + stitched body), relations and locations.

Writes are bulk (one statement per batch, upserts on `ref`), so a location of 100,000 entities
is a few hundred statements. Full-text search is maintained by the database itself (FTS5
triggers on SQLite, a generated tsvector on PostgreSQL; see migration 0003).
"""

from __future__ import annotations

import functools
import json
import operator
import secrets
import uuid
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Text,
    bindparam,
    cast,
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ClauseElement

from paved.core.errors import TemporaryError
from paved.store.driver import Driver, bound, on_session
from paved.store.models import CatalogBody, CatalogEntity, CatalogRelation, utcnow

BATCH = 2000
ENTITIES: Any = CatalogEntity.__table__
RELATIONS: Any = CatalogRelation.__table__
BODIES: Any = CatalogBody.__table__


Triple = tuple[str, str, str]  # a relation: (source, type, target)


class EntityWrite(NamedTuple):
    """An entity as processing produced it, ready to be stored (before stitching); its JSON
    is already text (made where the file was parsed, maybe in another process). A tuple, as
    it crosses from a worker process: unpickling a processed entity took 32-38 µs with frozen
    dataclasses, 12-17 µs as tuples."""

    ref: str
    kind: str
    namespace: str
    name: str
    title: str | None
    type: str | None
    lifecycle: str | None
    owner: str | None
    entity_json: str
    search_text: str
    source: str
    errors_json: str
    input_hash: str
    relations: list[Triple]  # as the entity declares them


@dataclass(frozen=True)
class StitchInput:
    """What stitching some entities needs, as the database gives it: their rows (ref, uid,
    entity JSON, errors JSON, orphan), the relations they declare (`outgoing`) and those that
    point at them (`incoming`), and which of all these relations' other ends exist. Grouping
    is left to the worker process that stitches, so the process reading does little a row."""

    rows: list[tuple[str, str, str, str, Any]]
    outgoing: list[Triple]
    incoming: list[Triple]
    present: set[str]

    @property
    def size(self) -> int:
        """About how many bytes of entity JSON this is (to decide where to stitch it)."""
        return sum(len(row[2]) for row in self.rows)


@dataclass(frozen=True)
class Existing:
    ref: str
    origin: str
    input_hash: str
    orphan: bool
    valid: bool


def chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class StoredMeanwhileError(TemporaryError):
    """An entity new to this transaction was stored by another one meanwhile: run again (the
    other has committed, so the entity is no longer new)."""


class _Bulk:
    """The bulk statements of one dialect, built once: each takes its list of refs as one
    parameter, a JSON array read as rows (`jsonb_array_elements_text` on PostgreSQL, `json_each`
    on SQLite).

    On PostgreSQL, `IN (SELECT …)` plans as index probes whatever the array's length, where
    `= ANY(array)` of 1,000 refs turned to a scan of the relations table (9 ms against 45-50 ms
    at 100,000 entities); and the driver dumps a text array element by element, with a regular
    expression each (4 s of a 100,000-entity stitch), where the JSON is one string.
    """

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        entity = ENTITIES.c
        self.existing = select(
            entity.ref, entity.origin, entity.input_hash, entity.orphan, entity.errors
        ).where(self.among(entity.ref))
        self.refs = select(entity.ref).where(self.among(entity.ref))
        self.stitch = select(
            entity.ref,
            entity.uid,
            cast(entity.entity, Text),
            cast(entity.errors, Text),
            entity.orphan,
        ).where(self.among(entity.ref))
        relation = RELATIONS.c
        self.targets_of = select(relation.target).where(self.among(relation.source))
        self.sources_of = select(relation.source).where(self.among(relation.target))
        triple = select(relation.source, relation.type, relation.target)  # unique: the key
        self.relations_from = triple.where(self.among(relation.source))
        self.relations_to = triple.where(self.among(relation.target))
        self.drop_relations = delete(RELATIONS).where(self.among(relation.source))
        self.drop_bodies = delete(BODIES).where(self.among(BODIES.c.ref))
        self.drop_entities = delete(ENTITIES).where(self.among(entity.ref))
        self.set_orphan = (
            update(ENTITIES)
            .where(self.among(entity.ref))
            .values(orphan=bindparam("orphan", type_=entity.orphan.type))
        )
        self.add_relation = insert(RELATIONS).values(
            {c: bindparam(c, type_=relation[c].type) for c in ("source", "type", "target")}
        )
        insert_ = postgresql.insert if dialect == "postgresql" else sqlite.insert
        self.entity_columns = [c for c in entity.keys() if c != "id"]  # noqa: SIM118 (columns)
        kept = ("uid", "created_at", "ref")
        replaced = [c for c in self.entity_columns if c not in kept]
        self.upsert = self._upserting(insert_, ENTITIES, self.entity_columns, replaced)
        self.body_columns = ["ref", "body", "etag"]
        self.write_body = self._upserting(insert_, BODIES, self.body_columns, ["body", "etag"])

    def _upserting(
        self, insert_: Any, target: Any, columns: list[str], replaced: list[str]
    ) -> ClauseElement:
        """Insert or replace rows of `target` by `ref`: from parameters a row (SQLite's
        `executemany`), or on PostgreSQL from the batch's stage (see `Driver.staged`)."""
        if self.dialect == "postgresql":
            stage = table(f"{target.name}_stage", *map(column, columns))
            upsert = insert_(target).from_select(columns, select(*stage.c))
        else:
            params = {c: bindparam(c, type_=target.c[c].type) for c in columns}
            upsert = insert_(target).values(params)
        return upsert.on_conflict_do_update(  # type: ignore[no-any-return]
            index_elements=["ref"], set_={c: upsert.excluded[c] for c in replaced}
        )

    def among(self, column: Any) -> ColumnElement[bool]:
        elements = (
            func.jsonb_array_elements_text(cast(bindparam("refs", type_=Text), postgresql.JSONB))
            if self.dialect == "postgresql"
            else func.json_each(bindparam("refs", type_=Text))
        )
        listed: Any = select(literal_column("value")).select_from(elements.table_valued("value"))
        return column.in_(listed)  # type: ignore[no-any-return]

    @staticmethod
    def listed(refs: Sequence[str]) -> dict[str, Any]:
        return {"refs": json.dumps(list(refs))}


@functools.cache
def _bulk(dialect: str) -> _Bulk:
    return _Bulk(dialect)


def _driver(session: Session) -> tuple[Driver, _Bulk]:
    driver = on_session(session)
    return driver, _bulk(driver.dialect.name)


def _loaded(value: Any) -> Any:
    """A JSON column's value: SQLite's driver gives text, PostgreSQL's the parsed value."""
    return json.loads(value) if isinstance(value, str) else value


def existing(session: Session, refs: Sequence[str]) -> dict[str, Existing]:
    """What is stored already under `refs`."""
    driver, bulk = _driver(session)
    found: dict[str, Existing] = {}
    for chunk in chunks(refs):
        for ref, origin, input_hash, orphan, errors in driver.rows(
            bulk.existing, bulk.listed(chunk)
        ):
            found[ref] = Existing(ref, origin, input_hash, bool(orphan), not _loaded(errors))
    return found


def refs_of_origin(session: Session, origin: str) -> set[str]:
    query = select(CatalogEntity.ref).where(CatalogEntity.origin == origin)
    return set(session.scalars(query))


def upsert(
    session: Session, origin: str, writes: Sequence[EntityWrite], replaced: Sequence[str]
) -> None:
    """Insert or replace the entities and their relations (`replaced`: the refs stored before,
    whose old relations go; the others are new); stitching comes after."""
    driver, bulk = _driver(session)
    columns = ENTITIES.c
    now = bound(columns.created_at, utcnow(), driver.dialect)
    orphan = bound(columns.orphan, False, driver.dialect)
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
            "entity": w.entity_json,
            "search_text": w.search_text,
            "source": w.source,
            "origin": origin,
            "errors": w.errors_json,
            "orphan": orphan,
            "uid": uid,
            "input_hash": w.input_hash,
            "created_at": now,
            "changed_at": now,
            "updated_at": now,
        }
        for w, uid in zip(writes, _uuids(len(writes)), strict=True)
    ]
    stored = set(replaced)
    new = {w.ref for w in writes if w.ref not in stored}
    _write(driver, ENTITIES.name, bulk.entity_columns, rows, bulk.upsert, new)
    declared = [r for w in writes for r in w.relations]
    replace_relations(session, replaced, declared)


def _uuids(count: int) -> list[str]:
    """`count` random UUIDs from one read of the OS's randomness (`uuid4` reads once each)."""
    randomness = secrets.token_bytes(16 * count)
    return [
        str(uuid.UUID(bytes=randomness[i : i + 16], version=4)) for i in range(0, 16 * count, 16)
    ]


def analyze(session: Session) -> None:
    """Refresh PostgreSQL's statistics mid-transaction, so a bulk load's later queries use the
    indexes (the planner otherwise still believes the tables empty). SQLite needs nothing.

    Only the columns the load itself looks rows up by: at 100,000 entities that takes 0.25 s
    where all of them take 1.3 s (the JSON and search columns cost most). Autovacuum's full
    ANALYZE still follows the commit, as one naming columns leaves its count of changes alone.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE catalog_entities (ref, origin), catalog_relations"))


def widen_cache(session: Session) -> None:
    """For a process made for a big refresh: SQLite may keep 64 MB of pages instead of 2 MB.
    A 100,000-entity load read pages from the file 728,000 times with 2 MB, 340,000 with 64."""
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA cache_size = -65536"))


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


def set_errors(session: Session, ref: str, errors: list[str]) -> None:
    """Keep the stored entity, but record why its new version was rejected."""
    values = {"errors": errors, "updated_at": utcnow()}
    session.execute(update(CatalogEntity).where(CatalogEntity.ref == ref).values(**values))


def set_orphan(session: Session, refs: Sequence[str], orphan: bool) -> None:
    driver, bulk = _driver(session)
    flag = bound(ENTITIES.c.orphan, orphan, driver.dialect)
    for chunk in chunks(refs):
        driver.run(bulk.set_orphan, {**bulk.listed(chunk), "orphan": flag})


def relations_touching(session: Session, refs: Sequence[str]) -> set[str]:
    """Every entity at the other end of a relation of `refs` (their bodies list those)."""
    driver, bulk = _driver(session)
    found = sources_pointing_at(session, refs)
    for chunk in chunks(refs):
        found.update(row[0] for row in driver.rows(bulk.targets_of, bulk.listed(chunk)))
    return found


def sources_pointing_at(session: Session, refs: Sequence[str]) -> set[str]:
    """Every entity with a relation to one of `refs`."""
    driver, bulk = _driver(session)
    found: set[str] = set()
    for chunk in chunks(refs):
        found.update(row[0] for row in driver.rows(bulk.sources_of, bulk.listed(chunk)))
    return found


def replace_relations(
    session: Session, sources: Sequence[str], relations: Sequence[tuple[str, str, str]]
) -> None:
    """Drop what `sources` declared before and record `relations` (source, type, target)."""
    driver, bulk = _driver(session)
    for chunk in chunks(sources):
        driver.run(bulk.drop_relations, bulk.listed(chunk))
    listed = sorted(set(relations))
    if driver.dialect.name == "postgresql":
        driver.copy(RELATIONS.name, ("source", "type", "target"), listed)
        return
    rows = [{"source": source, "type": type_, "target": target} for source, type_, target in listed]
    driver.many(bulk.add_relation, rows)


def delete_entities(session: Session, refs: Sequence[str]) -> None:
    driver, bulk = _driver(session)
    for chunk in chunks(refs):
        for statement in (bulk.drop_relations, bulk.drop_bodies, bulk.drop_entities):
            driver.run(statement, bulk.listed(chunk))


def stitch_input(
    session: Session, refs: Sequence[str], checked: dict[str, bool] | None = None
) -> StitchInput:
    """What stitching `refs` needs (see `StitchInput`; each relation is stored once, as its
    source declared it).

    `checked` remembers, across the calls of one stitching pass, which relation ends exist:
    most entities point at the same groups and systems, looked up once instead of once a chunk.
    """
    driver, bulk = _driver(session)
    rows: list[tuple[str, str, str, str, Any]] = []
    outgoing: list[Triple] = []
    incoming: list[Triple] = []
    for chunk in chunks(refs):
        listed = bulk.listed(chunk)
        rows += driver.rows(bulk.stitch, listed)
        outgoing += driver.rows(bulk.relations_from, listed)
        incoming += driver.rows(bulk.relations_to, listed)
    checked = {} if checked is None else checked
    ends = {row[2] for row in outgoing}
    ends.update(row[0] for row in incoming)
    for chunk in chunks(sorted(ends - checked.keys())):
        found = {row[0] for row in driver.rows(bulk.refs, bulk.listed(chunk))}
        checked.update((end, end in found) for end in chunk)
    return StitchInput(rows, outgoing, incoming, {end for end in ends if checked[end]})


def write_bodies(
    session: Session, bodies: Sequence[tuple[str, str, str]], new: Container[str] = ()
) -> None:
    """Store stitched (ref, body, etag) triples; `new`: refs that have no body yet."""
    driver, bulk = _driver(session)
    rows = [{"ref": r, "body": b, "etag": e} for r, b, e in bodies]
    _write(driver, BODIES.name, bulk.body_columns, rows, bulk.write_body, new)


def _write(
    driver: Driver,
    table: str,
    columns: list[str],
    rows: list[dict[str, Any]],
    upsert: Any,
    new: Container[str],
) -> None:
    """Store `rows`, keyed by `ref`. On PostgreSQL, the rows of `new` refs (none stored yet)
    are appended with COPY, the others go through the stage's upsert (see `_Bulk._upserting`):
    appending took a fifth to a third less of the server's work than the upsert. On SQLite,
    the upsert runs a row at a time.

    A new ref that another transaction stored meanwhile is a `StoredMeanwhileError` (this one
    is rolled back), where an upsert would have silently taken that entity over."""
    if driver.dialect.name != "postgresql":
        driver.many(upsert, rows)
        return
    from psycopg import errors  # here: psycopg stays out of SQLite's processes

    values = operator.itemgetter(*columns)
    appended = [values(row) for row in rows if row["ref"] in new]
    try:
        if appended:
            driver.copy(table, columns, appended)
    except errors.UniqueViolation as err:
        raise StoredMeanwhileError(
            "another refresh stored some of these catalog entities at the same time: "
            "refresh the location again"
        ) from err
    replaced = [values(row) for row in rows if row["ref"] not in new]
    if replaced:
        driver.staged(table, columns, replaced, upsert)
