"""Wire models of friction reports: one-line complaints about the platform."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class FrictionCreate(BaseModel):
    """The body of `POST /api/v1/friction`."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=500, description="what got in the way, one line")
    page: str = Field(default="", max_length=500, description="where it happened (a path or URL)")


class FrictionPublic(BaseModel):
    id: int
    user: str
    page: str
    text: str
    created_at: datetime


class FrictionsPublic(BaseModel):
    data: list[FrictionPublic]
    count: int = Field(description="how many reports there are in all")
