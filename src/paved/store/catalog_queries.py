"""Reading the catalog: filtered, ordered, keyset-paged lists, full-text search, facets, graph.

Hot filter keys are indexed columns; relation filters use the relations table; any other
path falls back to the database's JSON functions (SQLite `json_each`, PostgreSQL `jsonb`),
matching a scalar or any element of an array, case-insensitively, as Backstage does.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Text,
    and_,
    bindparam,
    case,
    cast,
    false,
    func,
    literal_column,
    or_,
    select,
    text,
    true,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from paved.core.errors import TemporaryError
from paved.store.db import Store
from paved.store.models import CatalogBody, CatalogEntity, CatalogRelation

COLUMNS: dict[str, Any] = {
    "ref": CatalogEntity.ref,
    "kind": CatalogEntity.kind,
    "namespace": CatalogEntity.namespace,
    "name": CatalogEntity.name,
    "title": CatalogEntity.title,
    "type": CatalogEntity.type,
    "lifecycle": CatalogEntity.lifecycle,
    "owner": CatalogEntity.owner,
    "changed_at": CatalogEntity.changed_at,
}
_WORD = re.compile(r"\w+", re.UNICODE)
_names = itertools.count()


Db = Session | Connection


@contextmanager
def reading(store: Store) -> Iterator[Connection]:
    """A plain read-only connection: a third of an ORM session's cost for these small queries.

    On PostgreSQL it runs in autocommit, which spares each read its BEGIN and ROLLBACK round
    trips (a list's count and page may then see two snapshots; a refresh commits at once).
    """
    try:
        with store.engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            yield connection
    except OperationalError as err:
        raise TemporaryError(f"the database is unavailable: {err.orig}") from err


def _dialect(db: Db) -> str:
    return db.dialect.name if isinstance(db, Connection) else db.get_bind().dialect.name


@dataclass(frozen=True)
class Condition:
    """`field` is a column of `COLUMNS`, `relation:<type>` (`path`: the reverse type), `json`
    (with `path`), `orphan` or `errors`."""

    field: str
    values: tuple[str, ...] | None = None
    path: tuple[str, ...] = ()


@dataclass(frozen=True)
class Query:
    filters: tuple[tuple[Condition, ...], ...] = ()
    text: str | None = None
    order: str = "ref"
    descending: bool = False
    after: tuple[Any, int] | None = None
    offset: int = 0
    limit: int = 20


@dataclass(frozen=True)
class Page:
    bodies: list[str]
    total: int
    last: tuple[Any, int] | None


def search_terms(text_: str) -> list[str]:
    return _WORD.findall(text_.lower())[:16]


def list_page(session: Db, query: Query) -> Page:
    """One page of stitched bodies, with the total count of matches."""
    dialect = _dialect(session)
    where = _where(query.filters, dialect)
    column = COLUMNS[query.order]
    key = (
        func.coalesce(column, "")
        if query.order in ("title", "type", "lifecycle", "owner")
        else column
    )
    base = select(CatalogEntity.id).where(where)
    rank = None
    if query.text is not None:
        base, rank = _matching(base, query.text, dialect)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    selected = (
        select(CatalogBody.body, key, CatalogEntity.id)
        .join(CatalogBody, CatalogBody.ref == CatalogEntity.ref)
        .where(where)
    )
    if query.text is not None:
        selected, rank = _matching(selected, query.text, dialect)
    if rank is not None and query.order == "ref" and query.after is None:
        selected = selected.order_by(rank, CatalogEntity.id).offset(query.offset)
    else:
        if query.after is not None:
            value, last_id = query.after
            if query.descending:
                selected = selected.where(
                    or_(key < value, and_(key == value, CatalogEntity.id < last_id))
                )
            else:
                selected = selected.where(
                    or_(key > value, and_(key == value, CatalogEntity.id > last_id))
                )
        ordering = (
            (key.desc(), CatalogEntity.id.desc()) if query.descending else (key, CatalogEntity.id)
        )
        selected = selected.order_by(*ordering)
    rows = session.execute(selected.limit(query.limit)).all()
    last = (_plain(rows[-1][1]), rows[-1][2]) if rows else None
    return Page([r[0] for r in rows], total, last)


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def _matching(statement: Any, text_: str, dialect: str) -> tuple[Any, Any]:
    terms = search_terms(text_)
    if not terms:
        return statement.where(false()), None
    if dialect == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(f"{t}:*" for t in terms))
        vector: Any = literal_column("catalog_entities.search_vector")
        rank = func.ts_rank(vector, tsquery).desc()
        return statement.where(vector.op("@@")(tsquery)), rank
    match = " ".join(f'"{t}"*' for t in terms)
    fts = (
        select(literal_column("rowid").label("rowid"), literal_column("rank").label("rank"))
        .select_from(text("catalog_fts"))
        .where(text("catalog_fts MATCH :fts_query").bindparams(fts_query=match))
        .subquery("fts")
    )
    joined = statement.join(fts, fts.c.rowid == CatalogEntity.id)
    return joined, fts.c.rank


def count(session: Db, filters: tuple[tuple[Condition, ...], ...]) -> int:
    dialect = _dialect(session)
    query = select(func.count()).select_from(CatalogEntity).where(_where(filters, dialect))
    return session.scalar(query) or 0


def body_of(session: Db, ref: str) -> str | None:
    return session.scalar(select(CatalogBody.body).where(CatalogBody.ref == ref))


def entity_of(session: Db, ref: str) -> dict[str, Any] | None:
    return session.scalar(select(CatalogEntity.entity).where(CatalogEntity.ref == ref))


def facet_counts(
    session: Db, facet: str, filters: tuple[tuple[Condition, ...], ...]
) -> list[tuple[str, int]]:
    """(value, count) pairs of one facet (a column of `COLUMNS`, or `tags`), most common first."""
    dialect = _dialect(session)
    where = _where(filters, dialect)
    if facet == "tags":
        if dialect == "postgresql":
            node = CatalogEntity.entity.op("#>")(literal_column("'{metadata,tags}'"))
            array = case(
                (func.jsonb_typeof(node) == "array", node),
                else_=literal_column("'[]'::jsonb"),
            )
            tags = func.jsonb_array_elements_text(array).table_valued("value").alias("tag")
        else:
            tags = func.json_each(CatalogEntity.entity, "$.metadata.tags").table_valued("value")
            tags = tags.alias("tag")
        query = (
            select(tags.c.value, func.count())
            .select_from(CatalogEntity)
            .join(tags, true())
            .where(where)
            .group_by(tags.c.value)
        )
    else:
        column = COLUMNS[facet]
        query = select(column, func.count()).where(where, column.is_not(None)).group_by(column)
    pairs = [(str(v), int(n)) for v, n in session.execute(query)]
    return sorted(pairs, key=lambda p: (-p[1], p[0]))


def neighbours(
    session: Db, refs: list[str], types: tuple[str, ...] | None, reverse: dict[str, str]
) -> list[tuple[str, str, str]]:
    """Distinct (source, type, target) relations from `refs`, each stored once as declared
    (`reverse` maps a relation type to its other direction)."""
    columns = (CatalogRelation.source, CatalogRelation.type, CatalogRelation.target)
    forward = select(*columns).where(CatalogRelation.source.in_(refs))
    backward = select(*columns).where(CatalogRelation.target.in_(refs))
    if types:
        forward = forward.where(CatalogRelation.type.in_(types))
        backward = backward.where(CatalogRelation.type.in_([reverse[t] for t in types]))
    found = set(session.execute(forward).tuples())
    found |= {(t, reverse[ty], s) for s, ty, t in session.execute(backward).tuples()}
    return sorted(found)


def summaries(session: Db, refs: list[str]) -> dict[str, dict[str, Any]]:
    """Kind, title, owner and type of each existing ref (for graph nodes)."""
    columns = (
        CatalogEntity.ref,
        CatalogEntity.kind,
        CatalogEntity.title,
        CatalogEntity.owner,
        CatalogEntity.type,
    )
    found = {}
    for start in range(0, len(refs), 500):
        for ref, kind, title, owner, type_ in session.execute(
            select(*columns).where(CatalogEntity.ref.in_(refs[start : start + 500]))
        ):
            found[ref] = {"kind": kind, "title": title, "owner": owner, "type": type_}
    return found


def _where(filters: tuple[tuple[Condition, ...], ...], dialect: str) -> ColumnElement[bool]:
    if not filters:
        return true()
    return or_(*(and_(true(), *(_condition(c, dialect) for c in group)) for group in filters))


def _condition(condition: Condition, dialect: str) -> ColumnElement[bool]:
    if condition.field == "orphan":
        return CatalogEntity.orphan.is_(True)
    if condition.field == "errors":
        return cast(CatalogEntity.errors, Text) != "[]"
    if condition.field in COLUMNS:
        column = COLUMNS[condition.field]
        if condition.values is None:
            return column.is_not(None)  # type: ignore[no-any-return]
        if condition.field == "title":
            return func.lower(column).in_(condition.values)
        return column.in_(condition.values)  # type: ignore[no-any-return]
    if condition.field.startswith("relation:"):
        # stored once, as declared: (E, type, V), or (V, reverse type, E) declared by V
        forward = select(CatalogRelation.source).where(
            CatalogRelation.type == condition.field.removeprefix("relation:")
        )
        backward = select(CatalogRelation.target).where(CatalogRelation.type == condition.path[0])
        if condition.values is not None:
            forward = forward.where(CatalogRelation.target.in_(condition.values))
            backward = backward.where(CatalogRelation.source.in_(condition.values))
        return or_(CatalogEntity.ref.in_(forward), CatalogEntity.ref.in_(backward))
    return _json_condition(condition, dialect)


def _json_condition(condition: Condition, dialect: str) -> ColumnElement[bool]:
    n = next(_names)
    params: dict[str, Any] = {}
    if dialect == "postgresql":
        params[f"p{n}"] = list(condition.path)
        node = f"(catalog_entities.entity #> CAST(:p{n} AS text[]))"
        if condition.values is None:
            sql = f"{node} IS NOT NULL"
        else:
            sql = (
                "EXISTS (SELECT 1 FROM jsonb_array_elements_text(CASE jsonb_typeof("
                f"{node}) WHEN 'array' THEN {node} WHEN 'object' THEN '[]'::jsonb "
                f"ELSE jsonb_build_array({node}) END) AS e(v) WHERE lower(e.v) IN :v{n})"
            )
    else:
        params[f"p{n}"] = "$" + "".join('."' + s.replace('"', '\\"') + '"' for s in condition.path)
        if condition.values is None:
            sql = f"json_type(catalog_entities.entity, :p{n}) IS NOT NULL"
        else:
            sql = (
                f"EXISTS (SELECT 1 FROM json_each(catalog_entities.entity, :p{n}) AS e "
                f"WHERE e.type NOT IN ('object', 'array') AND lower(e.value) IN :v{n})"
            )
    clause = text(sql)
    if condition.values is not None:
        clause = clause.bindparams(bindparam(f"v{n}", expanding=True))
        params[f"v{n}"] = list(condition.values)
    return clause.bindparams(**params)  # type: ignore[return-value]


def entities(
    session: Db, filters: tuple[tuple[Condition, ...], ...], limit: int
) -> list[dict[str, Any]]:
    """The stored (unstitched) entities matching `filters`, by ref."""
    dialect = _dialect(session)
    query = select(CatalogEntity.entity).where(_where(filters, dialect)).order_by(CatalogEntity.ref)
    return list(session.scalars(query.limit(limit)))
