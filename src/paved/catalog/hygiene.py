"""Catalog hygiene: zombie services, orphans and entities with processing errors.

A zombie is a Component nobody can answer for: no owner, an owner group the catalog does not
hold, or no change in `stale_days` days.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from paved.store import catalog_hygiene as rows
from paved.store.db import Session
from paved.store.models import utcnow

DEFAULT_STALE_DAYS = 90


def report(session: Session, stale_days: int = DEFAULT_STALE_DAYS) -> dict[str, Any]:
    cutoff = utcnow() - timedelta(days=stale_days)
    zombies: list[dict[str, Any]] = []
    for ref, reason in rows.zombies(session, cutoff):
        zombies.append({"ref": ref, "reason": reason, "detail": _detail(reason, stale_days)})
    errors = [{"ref": ref, "errors": errors} for ref, errors in rows.with_errors(session)]
    return {
        "staleDays": stale_days,
        "zombies": zombies,
        "orphans": [{"ref": ref, "source": source} for ref, source in rows.orphans(session)],
        "errors": errors,
    }


def _detail(reason: str, stale_days: int) -> str:
    return {
        "no-owner": "has no spec.owner",
        "owner-missing": "its owner is not in the catalog",
        "stale": f"no change in {stale_days} days",
    }.get(reason, reason)
