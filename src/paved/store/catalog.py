"""Catalog entities as stored rows (the catalog issue makes this a full Backstage catalog)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paved.store.models import CatalogEntity


def upsert_entity(session: Session, ref: str, entity: dict[str, Any], source: str) -> None:
    kind, _, rest = ref.partition(":")
    namespace, _, name = rest.partition("/")
    row = session.get(CatalogEntity, ref)
    if row is None:
        session.add(
            CatalogEntity(
                ref=ref, kind=kind, namespace=namespace, name=name, entity=entity, source=source
            )
        )
    else:
        row.entity = entity
        row.source = source


def insert_if_absent(session: Session, ref: str, entity: dict[str, Any], source: str) -> None:
    """Add the entity unless it exists, even when a concurrent transaction adds it too."""
    if session.get(CatalogEntity, ref) is not None:
        return
    try:
        with session.begin_nested():
            upsert_entity(session, ref, entity, source)
    except IntegrityError:
        pass


def get_entity(session: Session, ref: str) -> CatalogEntity | None:
    return session.get(CatalogEntity, ref)


def entities_from(session: Session, source: str) -> list[CatalogEntity]:
    query = select(CatalogEntity).where(CatalogEntity.source == source).order_by(CatalogEntity.ref)
    return list(session.scalars(query))


def delete_from(session: Session, source: str) -> None:
    session.execute(delete(CatalogEntity).where(CatalogEntity.source == source))
