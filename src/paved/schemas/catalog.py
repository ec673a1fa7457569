"""Wire models of the catalog API (entities themselves are Backstage JSON, served as is)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class LocationCreate(BaseModel):
    """A location to register, as in Backstage: `{"type": "url", "target": "https://…"}`."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["url", "file"] = Field(
        description="`url` (git repository URL + path, or a file URL) or `file`"
    )
    target: str = Field(min_length=1, max_length=600)


class LocationErrorPublic(BaseModel):
    location: str
    message: str
    entity: str | None = None


class LocationPublic(BaseModel):
    id: str
    type: str
    target: str
    entityCount: int = 0  # noqa: N815 (Backstage's casing)
    errors: list[LocationErrorPublic] = []
    createdAt: datetime | None = None  # noqa: N815
    refreshedAt: datetime | None = None  # noqa: N815


class LocationsPublic(BaseModel):
    data: list[LocationPublic]
    count: int


class EntitiesPage(BaseModel):
    """A page of entities (Backstage's by-query shape)."""

    items: list[dict[str, Any]]
    totalItems: int  # noqa: N815
    pageInfo: dict[str, str | None]  # noqa: N815


class FacetCount(BaseModel):
    value: str
    count: int


class FacetsPublic(BaseModel):
    facets: dict[str, list[FacetCount]]


class GraphNode(BaseModel):
    ref: str
    exists: bool
    kind: str | None = None
    title: str | None = None
    owner: str | None = None
    type: str | None = None


class GraphEdge(BaseModel):
    source: str
    type: str
    target: str


class GraphPublic(BaseModel):
    root: str
    depth: int
    nodes: list[GraphNode]
    edges: list[GraphEdge]
    truncated: bool


class ZombiePublic(BaseModel):
    ref: str
    reason: str
    detail: str


class OrphanPublic(BaseModel):
    ref: str
    source: str


class EntityErrorsPublic(BaseModel):
    ref: str
    errors: list[str]


class HygienePublic(BaseModel):
    staleDays: int  # noqa: N815
    zombies: list[ZombiePublic]
    orphans: list[OrphanPublic]
    errors: list[EntityErrorsPublic]


class RefreshResult(BaseModel):
    refreshed: int
