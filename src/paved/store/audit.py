"""The audit log: who did what to which target, append-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from paved.store.models import AuditEntry


def record(session: Session, actor: str, action: str, target: str, **detail: Any) -> None:
    session.add(AuditEntry(actor=actor, action=action, target=target, detail=detail))
