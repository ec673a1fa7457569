"""Friction reports: one-line complaints about the platform, with the page they came from."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paved.store.models import FrictionReport


def record(session: Session, user: str, page: str, text: str) -> FrictionReport:
    report = FrictionReport(user=user, page=page, text=text)
    session.add(report)
    session.flush()
    return report


def latest(session: Session, *, limit: int = 100) -> tuple[list[FrictionReport], int]:
    """The newest reports first, and how many there are in all."""
    query = select(FrictionReport).order_by(FrictionReport.id.desc()).limit(limit)
    total = session.scalar(select(func.count()).select_from(FrictionReport)) or 0
    return list(session.scalars(query)), total
