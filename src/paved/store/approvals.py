"""Approvals: the decision a request waits for, who may take it, and when it expires."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import Session

from paved.core.errors import NotFoundError
from paved.core.states import ApprovalState, TeamRole
from paved.schemas.approvals import ApprovalPublic
from paved.schemas.policy import Reason
from paved.store.identity import Principal
from paved.store.models import Approval, Request, as_utc, utcnow


def new_approval_id() -> str:
    return "apr_" + secrets.token_hex(8)


def insert_approval(
    session: Session,
    *,
    request_id: str,
    team: str,
    role: TeamRole,
    requested_by: str,
    reasons: list[dict[str, Any]],
    timeout: timedelta,
) -> Approval:
    now = utcnow()
    approval = Approval(
        id=new_approval_id(),
        request_id=request_id,
        team=team,
        role=role.value,
        state=ApprovalState.pending.value,
        requested_by=requested_by,
        reasons=reasons,
        comment="",
        created_at=now,
        expires_at=now + timeout,
    )
    session.add(approval)
    session.flush()
    return approval


def get_approval(session: Session, approval_id: str, *, lock: bool = False) -> Approval:
    query = select(Approval).where(Approval.id == approval_id)
    if lock:
        query = query.with_for_update()
    approval = session.scalar(query)
    if approval is None:
        raise not_found(approval_id)
    return approval


def not_found(approval_id: str) -> NotFoundError:
    return NotFoundError(f"approval {approval_id!r} does not exist", field="id")


def approval_of(session: Session, request_id: str) -> Approval | None:
    return session.scalar(select(Approval).where(Approval.request_id == request_id))


def list_approvals(
    session: Session,
    principal: Principal,
    *,
    state: ApprovalState | None,
    limit: int,
    decidable: bool = False,
) -> list[Approval]:
    """Newest first: those the principal may decide (`decidable`), else those they may see —
    all for an admin, else their teams' and their own requests'."""
    query = select(Approval).order_by(Approval.created_at.desc()).limit(limit)
    if state is not None:
        query = query.where(Approval.state == state.value)
    if decidable:
        query = query.where(Approval.requested_by != principal.user)
        if not principal.is_admin:
            roles = [
                and_(Approval.team == team, Approval.role == role.value)
                for team, role in principal.teams.items()
            ]
            query = query.where(or_(false(), *roles))
    elif not principal.is_admin:
        query = query.where(
            or_(Approval.team.in_(list(principal.teams)), Approval.requested_by == principal.user)
        )
    return list(session.scalars(query))


def overdue(session: Session, now: datetime) -> list[str]:
    """Ids of pending approvals whose time is up."""
    query = select(Approval.id).where(
        Approval.state == ApprovalState.pending.value, Approval.expires_at <= now
    )
    return list(session.scalars(query))


def is_overdue(approval: Approval, now: datetime) -> bool:
    return as_utc(approval.expires_at) <= now


class Decidable(Protocol):
    """An approval as stored or as the API shows it: who asked, and which team role decides."""

    @property
    def requested_by(self) -> str: ...

    @property
    def team(self) -> str: ...

    @property
    def role(self) -> str: ...


def may_decide(principal: Principal, approval: Decidable) -> bool:
    """A lead of the team (or an admin) who did not ask for the request."""
    if principal.user == approval.requested_by:
        return False
    return principal.is_admin or principal.teams.get(approval.team) == TeamRole(approval.role)


def to_public(session: Session, approval: Approval) -> ApprovalPublic:
    request = session.get(Request, approval.request_id)
    assert request is not None  # the foreign key cascades
    cost = request.policy.get("cost") or {}
    return ApprovalPublic(
        id=approval.id,
        request_id=approval.request_id,
        service=request.service,
        team=approval.team,
        environment=request.environment,
        role=TeamRole(approval.role),
        state=ApprovalState(approval.state),
        requested_by=approval.requested_by,
        reasons=[Reason.model_validate(r) for r in approval.reasons],
        estimate_monthly=cost.get("estimate_monthly"),
        decided_by=approval.decided_by,
        comment=approval.comment,
        created_at=approval.created_at,
        expires_at=approval.expires_at,
        decided_at=approval.decided_at,
    )
