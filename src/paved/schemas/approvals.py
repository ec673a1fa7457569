"""Wire models of approvals: a request that policy says a lead must agree to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from paved.core.states import ApprovalState, TeamRole
from paved.schemas.policy import Reason


class Verdict(StrEnum):
    """What an approver decides."""

    approve = "approve"
    reject = "reject"


class ApprovalDecide(BaseModel):
    """The body of `POST /api/v1/approvals/{id}`."""

    model_config = ConfigDict(extra="forbid")

    decision: Verdict
    comment: str = Field(default="", max_length=2000)


class ApprovalPublic(BaseModel):
    """An approval and, once decided, who decided it and why."""

    id: str
    request_id: str
    service: str
    team: str
    environment: str
    role: TeamRole = Field(description="who may decide: this role in the team, or an admin")
    state: ApprovalState
    requested_by: str
    reasons: list[Reason]
    estimate_monthly: float | None = Field(default=None, description="the request's cost, USD")
    decided_by: str | None = None
    comment: str = ""
    created_at: datetime
    expires_at: datetime
    decided_at: datetime | None = None


class ApprovalsPublic(BaseModel):
    data: list[ApprovalPublic]
    count: int
