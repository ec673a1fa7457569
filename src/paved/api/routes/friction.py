"""`/api/v1/friction`: anyone reports what got in their way; admins read the reports."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from paved.api.deps import AdminPrincipal, CurrentPrincipal, StoreDep
from paved.schemas.friction import FrictionCreate, FrictionPublic, FrictionsPublic
from paved.store import friction

router = APIRouter(prefix="/friction", tags=["friction"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=FrictionPublic)
def create_friction_report(
    body: FrictionCreate, store: StoreDep, principal: CurrentPrincipal
) -> FrictionPublic:
    """Record a one-line complaint about the platform, with the page it came from."""
    text = " ".join(body.text.split())
    with store.session() as session:
        report = friction.record(session, principal.user, body.page, text)
        return FrictionPublic.model_validate(report, from_attributes=True)


@router.get("", response_model=FrictionsPublic)
def read_friction_reports(
    store: StoreDep,
    _principal: AdminPrincipal,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")] = 100,
) -> FrictionsPublic:
    """The friction reports, newest first (admins only)."""
    with store.reading() as session:
        reports, total = friction.latest(session, limit=limit)
        data = [FrictionPublic.model_validate(r, from_attributes=True) for r in reports]
    return FrictionsPublic(data=data, count=total)
