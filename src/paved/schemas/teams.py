"""Wire models of teams, users, membership and API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from paved.core.states import TeamRole
from paved.schemas.services import DnsLabel

CostCenter = Annotated[
    str, StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9_.\-/]+$")
]
Budget = Annotated[float, Field(ge=0, le=1e9, allow_inf_nan=False)]


class TeamCreate(BaseModel):
    """The body of `POST /api/v1/teams`."""

    model_config = ConfigDict(extra="forbid")

    name: DnsLabel
    title: str = Field(default="", max_length=200)
    cost_center: CostCenter | None = Field(
        default=None, description="tagged on the team's resources as `cost-center`"
    )
    monthly_budget: Budget | None = Field(default=None, description="USD per month; null: none")


class TeamUpdate(BaseModel):
    """The body of `PATCH /api/v1/teams/{team}`: the fields given change; null clears the cost
    center or the budget (a title is never null)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="", max_length=200)
    cost_center: CostCenter | None = None
    monthly_budget: Budget | None = None


class TeamPublic(BaseModel):
    name: str
    title: str
    cost_center: str | None = None
    monthly_budget: float | None = None
    monthly_spend: float = Field(default=0.0, description="committed: its services' resources")
    members: dict[str, TeamRole] = Field(default_factory=dict)


class TeamsPublic(BaseModel):
    data: list[TeamPublic]
    count: int


class MemberAdd(BaseModel):
    """The body of `POST /api/v1/teams/{team}/members`; the user is created if new."""

    model_config = ConfigDict(extra="forbid")

    user: DnsLabel
    role: TeamRole = TeamRole.member


class TokenCreate(BaseModel):
    """The body of `POST /api/v1/users/{user}/tokens`."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="default", min_length=1, max_length=100)


class TokenCreated(BaseModel):
    """A new API token: shown once, stored only as a hash."""

    user: str
    name: str
    token: str
    created_at: datetime


class WhoAmI(BaseModel):
    user: str
    is_admin: bool
    teams: dict[str, TeamRole]
