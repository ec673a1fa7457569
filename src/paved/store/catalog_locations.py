"""Registered catalog locations as stored rows."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paved.core.errors import ConflictError, NotFoundError
from paved.store.models import CatalogLocation, utcnow


def add_location(session: Session, type_: str, target: str) -> CatalogLocation:
    """A new location; `ConflictError` when its target is registered already."""
    if session.scalar(select(CatalogLocation).where(CatalogLocation.target == target)):
        raise ConflictError(f"location {target} is registered already", field="target")
    location = CatalogLocation(id=str(uuid.uuid4()), type=type_, target=target, errors=[])
    try:
        with session.begin_nested():
            session.add(location)
            session.flush()
    except IntegrityError:
        raise ConflictError(f"location {target} is registered already", field="target") from None
    return location


def find_location(session: Session, target: str) -> CatalogLocation | None:
    return session.scalar(select(CatalogLocation).where(CatalogLocation.target == target))


def get_location(session: Session, location_id: str) -> CatalogLocation:
    location = session.get(CatalogLocation, location_id)
    if location is None:
        raise NotFoundError(f"location {location_id} does not exist", field="id")
    return location


def list_locations(session: Session) -> list[CatalogLocation]:
    query = select(CatalogLocation).order_by(CatalogLocation.created_at, CatalogLocation.id)
    return list(session.scalars(query))


def record_refresh(
    session: Session, location_id: str, errors: list[dict[str, Any]], entity_count: int
) -> None:
    location = session.get(CatalogLocation, location_id)
    if location is not None:
        location.errors = errors
        location.entity_count = entity_count
        location.refreshed_at = utcnow()


def delete_location(session: Session, location_id: str) -> CatalogLocation:
    location = get_location(session, location_id)
    session.delete(location)
    return location
