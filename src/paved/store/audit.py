"""The audit log: who did what to which target, append-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paved.store.models import AuditEntry


def record(session: Session, actor: str, action: str, target: str, **detail: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))


def entries(session: Session, *, target: str | None = None, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return list(session.scalars(query))
