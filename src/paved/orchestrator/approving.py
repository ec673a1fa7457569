"""Approvals: a request that policy says needs a lead waits, stored, until one decides.

No workflow and no thread waits for a human: the request is stored in `waiting_approval` and its
workflow is queued only once approved, so a restart while waiting loses nothing (the request and
its approval are rows). A rejection, or an approval nobody decides in time, ends the request
before anything was created; the service's name is released.
"""

from __future__ import annotations

import logging
from datetime import datetime

from paved.core.errors import ConflictError, NotAllowedError
from paved.core.ids import run_id_for
from paved.core.states import ApprovalState, RequestState, ServiceState
from paved.orchestrator import workflows
from paved.orchestrator.queuing import enqueue
from paved.orchestrator.runtime import current
from paved.schemas.approvals import ApprovalDecide, ApprovalPublic, Verdict
from paved.store import approvals, audit, services
from paved.store import requests as rows
from paved.store.db import Session
from paved.store.identity import Principal
from paved.store.models import Approval, Request, utcnow

log = logging.getLogger(__name__)
SYSTEM_ACTOR = "paved"


def list_approvals(
    principal: Principal,
    *,
    state: ApprovalState | None = ApprovalState.pending,
    decidable: bool = True,
    limit: int = 100,
) -> list[ApprovalPublic]:
    """Those the caller may decide (`decidable`), else also those of their teams and requests."""
    with current().store.reading() as session:
        found = approvals.list_approvals(
            session, principal, state=state, limit=limit, decidable=decidable
        )
        return [approvals.to_public(session, a) for a in found]


def read_approval(principal: Principal, approval_id: str) -> ApprovalPublic:
    with current().store.reading() as session:
        approval = approvals.get_approval(session, approval_id)
        _check_visible(principal, approval)
        return approvals.to_public(session, approval)


def decide(principal: Principal, approval_id: str, body: ApprovalDecide) -> ApprovalPublic:
    """Approve (the request's workflow is queued) or reject (it ends, nothing created)."""
    now = utcnow()
    with current().store.session() as session:
        approval = approvals.get_approval(session, approval_id, lock=True)
        _check_visible(principal, approval)
        if principal.user == approval.requested_by:
            raise NotAllowedError("nobody approves their own request; ask a lead of the team")
        if not approvals.may_decide(principal, approval):
            raise NotAllowedError(
                f"only a {approval.role} of team {approval.team} or an admin may decide this"
            )
        expired = approval.state == ApprovalState.pending and approvals.is_overdue(approval, now)
        if expired:
            _expire(session, approval, now)
        elif approval.state != ApprovalState.pending:
            by = f" by {approval.decided_by}" if approval.decided_by else ""
            raise ConflictError(f"approval {approval_id} is already {approval.state}{by}")
        else:
            _settle(session, approval, principal.user, body, now)
        request_id = approval.request_id
    if expired:
        raise ConflictError(f"approval {approval_id} expired before it was decided")
    if body.decision is Verdict.approve:
        enqueue(workflows.apply_request_workflow, run_id_for(request_id), request_id)
    return read_approval(principal, approval_id)


def expire_overdue(now: datetime | None = None) -> int:
    """End every request whose approval is overdue; the sweep calls this."""
    now = now or utcnow()
    store = current().store
    with store.reading() as session:
        due = approvals.overdue(session, now)
    for approval_id in due:
        with store.session() as session:
            approval = approvals.get_approval(session, approval_id, lock=True)
            if approval.state == ApprovalState.pending:
                _expire(session, approval, now)
    if due:
        log.info("expired %d approvals", len(due))
    return len(due)


def withdraw(session: Session, user: str, request: Request) -> None:
    """The requester (or a team member) takes back a request still waiting for approval."""
    approval = approvals.approval_of(session, request.id)
    if approval is not None and approval.state == ApprovalState.pending:
        approval.state = ApprovalState.withdrawn.value
        approval.decided_by = user
        approval.decided_at = utcnow()
    _end(session, request.id, RequestState.rolled_back, f"withdrawn by {user} before approval")
    audit.record(session, user, "approval.withdrawn", f"request:{request.id}")


def _settle(
    session: Session, approval: Approval, user: str, body: ApprovalDecide, now: datetime
) -> None:
    approved = body.decision is Verdict.approve
    approval.state = (ApprovalState.approved if approved else ApprovalState.rejected).value
    approval.decided_by = user
    approval.comment = body.comment
    approval.decided_at = now
    request = rows.get_request(session, approval.request_id, lock=True)
    if approved:
        rows.touch(request, state=RequestState.accepted.value)
        service = services.get_service(session, request.service, lock=True)
        service.state = ServiceState.provisioning.value
    else:
        why = f"rejected by {user}" + (f": {body.comment}" if body.comment else "")
        _end(session, approval.request_id, RequestState.rejected, why)
    audit.record(
        session, user, f"approval.{approval.state}", f"request:{request.id}", comment=body.comment
    )


def _expire(session: Session, approval: Approval, now: datetime) -> None:
    approval.state = ApprovalState.expired.value
    approval.decided_at = now
    _end(session, approval.request_id, RequestState.expired, "no approver decided in time")
    audit.record(session, SYSTEM_ACTOR, "approval.expired", f"request:{approval.request_id}")


def _end(session: Session, request_id: str, state: RequestState, why: str) -> None:
    """The request ends before any step ran; the service it would have made is forgotten."""
    request = rows.get_request(session, request_id, lock=True)
    rows.end_unstarted(request, rows.steps_of(session, request.id), state, why)
    services.remove_service(session, request.service)


def _check_visible(principal: Principal, approval: Approval) -> None:
    """Others' approvals are not found, rather than forbidden: their existence is not told."""
    if not (
        principal.is_admin
        or approval.team in principal.teams
        or approval.requested_by == principal.user
    ):
        raise approvals.not_found(approval.id)
