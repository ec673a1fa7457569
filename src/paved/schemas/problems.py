"""RFC 9457 problem details, the body of every error answer."""

from __future__ import annotations

from pydantic import BaseModel, Field

from paved.schemas.policy import Reason


class InvalidParam(BaseModel):
    """One invalid field: where (a dotted path) and why."""

    name: str
    reason: str


class Problem(BaseModel):
    """An RFC 9457 problem body (`application/problem+json`)."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    invalid_params: list[InvalidParam] = Field(default_factory=list, alias="invalid-params")
    reasons: list[Reason] | None = Field(
        default=None, description="the policy rules that denied the request, and why"
    )

    model_config = {"populate_by_name": True}
