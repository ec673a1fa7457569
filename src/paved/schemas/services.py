"""Wire models of services and the create-service request body."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from paved.core.ids import DNS_LABEL_MAX

DnsLabel = Annotated[
    str,
    StringConstraints(max_length=DNS_LABEL_MAX, pattern=r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"),
]
TagKey = Annotated[
    str, StringConstraints(min_length=1, max_length=63, pattern=r"^[A-Za-z0-9_.\-/]+$")
]
SIZES = ("small", "medium", "large", "xlarge")


class ResourceSpec(BaseModel):
    """One resource the service needs, e.g. `{"type": "postgres", "size": "small"}`."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=63, description="resource type, e.g. postgres")
    name: DnsLabel | None = Field(default=None, description="defaults to the type")
    size: str = Field(default="small", description="one of small, medium, large, xlarge")
    params: dict[str, str] = Field(default_factory=dict, max_length=32)

    @field_validator("size")
    @classmethod
    def _known_size(cls, value: str) -> str:
        if value not in SIZES:
            raise ValueError(f"size must be one of {', '.join(SIZES)}")
        return value

    @property
    def resource_name(self) -> str:
        return self.name or self.type


class ServiceCreate(BaseModel):
    """The body of `POST /api/v1/services`."""

    model_config = ConfigDict(extra="forbid")

    name: DnsLabel = Field(description="a DNS-1123 label: lowercase, digits and '-', at most 63")
    template: str = Field(min_length=1, max_length=100)
    team: DnsLabel
    environment: DnsLabel = "dev"
    description: str = Field(default="", max_length=2000)
    tags: dict[TagKey, Annotated[str, StringConstraints(max_length=255)]] = Field(
        default_factory=dict, max_length=64
    )
    parameters: dict[str, Any] = Field(default_factory=dict, max_length=64)
    resources: list[ResourceSpec] = Field(default_factory=list, max_length=16)

    @field_validator("resources")
    @classmethod
    def _unique_resource_names(cls, value: list[ResourceSpec]) -> list[ResourceSpec]:
        names = [r.resource_name for r in value]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"resource names must be unique; repeated: {', '.join(duplicates)}")
        return value


class ResourcePublic(BaseModel):
    """A resource of a service as the API shows it (never its secrets)."""

    type: str
    name: str
    size: str
    external_name: str
    outputs: dict[str, Any] = Field(default_factory=dict)


class ServicePublic(BaseModel):
    """A service as the API shows it."""

    name: str
    team: str
    template: str
    environment: str
    description: str
    tags: dict[str, str]
    state: str
    repository_url: str | None = None
    resources: list[ResourcePublic] = Field(default_factory=list)
    request_id: str | None = Field(default=None, description="the latest request on the service")
    created_at: datetime
    updated_at: datetime


class ServicesPublic(BaseModel):
    """A page of services."""

    data: list[ServicePublic]
    count: int


class Credential(BaseModel):
    """Connection secrets of one resource."""

    resource: str
    type: str
    values: dict[str, str]


class CredentialsPublic(BaseModel):
    """The connection secrets of a service, for members of its team only."""

    service: str
    data: list[Credential]
