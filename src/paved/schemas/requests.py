"""Wire models of requests and their steps."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from paved.schemas.approvals import ApprovalPublic
from paved.schemas.policy import CostFacts, Decision


class StepPublic(BaseModel):
    """One step of a request: what it does and where it stands."""

    key: str = Field(description="stable id of the step within the request, e.g. postgres:postgres")
    kind: str = Field(description="provider kind, e.g. git, postgres")
    title: str
    state: str
    attempts: int
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = None
    outputs: dict[str, Any] = Field(default_factory=dict)


class RequestPublic(BaseModel):
    """A request with every step."""

    id: str
    kind: str
    service: str
    team: str
    environment: str
    state: str
    actor: str
    error: str | None = None
    failed_step: str | None = None
    decision: Decision | None = Field(default=None, description="what policy decided, and why")
    cost: CostFacts | None = Field(default=None, description="the cost the decision saw")
    approval: ApprovalPublic | None = None
    created_at: datetime
    updated_at: datetime
    steps: list[StepPublic]


class RequestsPublic(BaseModel):
    """A page of requests."""

    data: list[RequestPublic]
    count: int
