"""Wire models of teams, users, membership and API tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from paved.core.states import TeamRole
from paved.schemas.services import DnsLabel


class TeamCreate(BaseModel):
    """The body of `POST /api/v1/teams`."""

    model_config = ConfigDict(extra="forbid")

    name: DnsLabel
    title: str = Field(default="", max_length=200)


class TeamPublic(BaseModel):
    name: str
    title: str
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
