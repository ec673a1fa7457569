"""Wire models of golden-path templates: the library, one template's form, drift and upgrades."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class TemplateSummary(BaseModel):
    """A template as a list shows it."""

    name: str
    title: str
    description: str
    type: str = Field(description="what it makes, e.g. service, website, library")
    tags: list[str]
    version: str = Field(description="paved.dev/version, or a digest of its files")
    source: str = Field(description="shipped, or the git repository it comes from")
    resources: list[str] | None = Field(
        default=None, description="resource types it can ask for; null when it does not say"
    )


class TemplatesPublic(BaseModel):
    """Every template."""

    data: list[TemplateSummary]
    count: int


class TemplateStepPublic(BaseModel):
    """One step of a template and whether Paved runs its action."""

    id: str
    name: str
    action: str
    supported: bool


class TemplatePublic(TemplateSummary):
    """One template with what a form needs: its parameters as JSON Schema."""

    parameters: dict[str, Any] = Field(
        description="one JSON Schema (draft 7) object of every parameter, defaults included"
    )
    parameter_steps: list[dict[str, Any]] = Field(
        description="Backstage's form pages as the template writes them (ui:* hints kept)"
    )
    provided: list[str] = Field(
        description="parameters Paved fills from the service (name, owner, description, "
        "repository) when they are not given"
    )
    steps: list[TemplateStepPublic]
    owner: str | None = None


class TemplateUsage(BaseModel):
    """A service made from a template and the version it is on."""

    service: str
    team: str
    version: str | None = Field(description="null when Paved did not record it")
    pending_version: str | None = Field(
        default=None, description="the version of an upgrade proposed on a branch, not merged"
    )
    pending_branch: str | None = None


class TemplateDrift(BaseModel):
    """The services made from a template that are not on its current version."""

    template: str
    version: str
    data: list[TemplateUsage]
    count: int


class ServiceUpgrade(BaseModel):
    """The body of `POST /api/v1/services/{name}/upgrade`: parameters the new version needs."""

    model_config = ConfigDict(extra="forbid")

    parameters: dict[str, Any] = Field(default_factory=dict, max_length=64)


class UpgradePublic(BaseModel):
    """What an upgrade did: a branch with the merge, or the conflicts that stopped it."""

    service: str
    template: str
    from_version: str | None
    to_version: str
    status: Literal["up-to-date", "merged", "conflicts"]
    branch: str | None = None
    commit: str | None = None
    conflicts: list[str] = Field(default_factory=list)
    message: str
