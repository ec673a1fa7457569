"""`/api/v1/approvals`: requests waiting for a lead, and their decisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from paved.api.deps import CurrentPrincipal
from paved.core.states import ApprovalState
from paved.orchestrator import approving
from paved.schemas.approvals import ApprovalDecide, ApprovalPublic, ApprovalsPublic

router = APIRouter(prefix="/approvals", tags=["approvals"])


@router.get("", response_model=ApprovalsPublic)
def read_approvals(
    principal: CurrentPrincipal,
    state: ApprovalState | None = ApprovalState.pending,
    mine: Annotated[
        bool, Query(description="only those the caller may decide (not their own requests)")
    ] = True,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ApprovalsPublic:
    """Approvals of the caller's teams, newest first: by default the pending ones the caller may
    decide; `mine=false` adds the caller's own requests and those they only see."""
    data = approving.list_approvals(principal, state=state, decidable=mine, limit=limit)
    return ApprovalsPublic(data=data, count=len(data))


@router.get("/{approval_id}", response_model=ApprovalPublic)
def read_approval(approval_id: str, principal: CurrentPrincipal) -> ApprovalPublic:
    """One approval, with its decision once taken."""
    return approving.read_approval(principal, approval_id)


@router.post("/{approval_id}", response_model=ApprovalPublic)
def decide_approval(
    approval_id: str, body: ApprovalDecide, principal: CurrentPrincipal
) -> ApprovalPublic:
    """Approve (the request goes on) or reject (it ends, nothing created), with a comment.

    Only a lead of the owning team or an admin decides, and never on their own request (403);
    a decided or expired approval answers 409.
    """
    return approving.decide(principal, approval_id, body)
