"""Queries behind catalog hygiene: zombie components, orphans, entities with errors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session, aliased

from paved.store.models import CatalogEntity

LIMIT = 1000


def zombies(session: Session, cutoff: datetime) -> list[tuple[str, str]]:
    """(ref, reason) of components with no owner, a missing owner, or no change since `cutoff`."""
    owner = aliased(CatalogEntity)
    components = select(CatalogEntity.ref).where(CatalogEntity.kind == "component")
    no_owner = session.scalars(components.where(CatalogEntity.owner.is_(None)).limit(LIMIT))
    missing = session.scalars(
        components.outerjoin(owner, owner.ref == CatalogEntity.owner)
        .where(CatalogEntity.owner.is_not(None), owner.id.is_(None))
        .limit(LIMIT)
    )
    stale = session.scalars(components.where(CatalogEntity.changed_at < cutoff).limit(LIMIT))
    found = [(r, "no-owner") for r in no_owner] + [(r, "owner-missing") for r in missing]
    found += [(r, "stale") for r in stale]
    return sorted(found)


def orphans(session: Session) -> list[tuple[str, str]]:
    query = select(CatalogEntity.ref, CatalogEntity.origin).where(CatalogEntity.orphan.is_(True))
    return sorted(session.execute(query.limit(LIMIT)).tuples())


def with_errors(session: Session) -> list[tuple[str, list[str]]]:
    query = select(CatalogEntity.ref, CatalogEntity.errors).where(
        cast(CatalogEntity.errors, Text) != "[]"
    )
    return sorted((ref, list(errors)) for ref, errors in session.execute(query.limit(LIMIT)))
