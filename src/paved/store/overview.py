"""Bounded read queries for overview pages (the portal's home): a team's services, requests by
state. Each is one indexed query with a limit, so a page stays fast with many services."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paved.store.models import Request, Service


def services_of(
    session: Session, teams: Collection[str] | None, *, limit: int = 20
) -> tuple[list[Service], int]:
    """The newest services of `teams` (all teams when None), and how many they have in all."""
    query = select(Service).order_by(Service.created_at.desc()).limit(limit)
    count = select(func.count()).select_from(Service)
    if teams is not None:
        query = query.where(Service.team.in_(teams))
        count = count.where(Service.team.in_(teams))
    return list(session.scalars(query)), session.scalar(count) or 0


def requests_in(
    session: Session,
    teams: Collection[str] | None,
    states: Collection[str],
    *,
    limit: int = 20,
) -> list[Request]:
    """The newest requests of `teams` (all teams when None) in one of `states`."""
    query = (
        select(Request)
        .where(Request.state.in_(states))
        .order_by(Request.created_at.desc())
        .limit(limit)
    )
    if teams is not None:
        query = query.where(Request.team.in_(teams))
    return list(session.scalars(query))


def search_services(session: Session, text: str, *, limit: int = 50) -> tuple[list[Service], int]:
    """Services whose name or description contains `text` (case-insensitive), by name."""
    needle = text.lower()
    where = func.lower(Service.name).contains(needle, autoescape=True) | func.lower(
        Service.description
    ).contains(needle, autoescape=True)
    query = select(Service).where(where).order_by(Service.name).limit(limit)
    total = session.scalar(select(func.count()).select_from(Service).where(where)) or 0
    return list(session.scalars(query)), total
