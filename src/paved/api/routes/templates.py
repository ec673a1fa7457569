"""`/api/v1/templates`: the golden-path library, one template's parameter schema, its drift;
and `POST /api/v1/services/{name}/upgrade`, which moves a service to its template's version."""

from __future__ import annotations

from fastapi import APIRouter

from paved.api.deps import AdminPrincipal, CurrentPrincipal
from paved.orchestrator import templating, upgrading
from paved.schemas.templates import (
    ServiceUpgrade,
    TemplateDrift,
    TemplatePublic,
    TemplatesPublic,
    UpgradePublic,
)

router = APIRouter(prefix="/templates", tags=["templates"])
upgrades = APIRouter(prefix="/services", tags=["services"])


@router.get("", response_model=TemplatesPublic)
def read_templates(_principal: CurrentPrincipal) -> TemplatesPublic:
    """List the templates services can be made from, with their versions."""
    return templating.list_templates()


@router.post("/refresh", response_model=TemplatesPublic)
def refresh_templates(_admin: AdminPrincipal) -> TemplatesPublic:
    """Fetch the configured template repositories again (admins only)."""
    return templating.refresh_sources()


@router.get("/{name}", response_model=TemplatePublic)
def read_template(name: str, _principal: CurrentPrincipal) -> TemplatePublic:
    """One template with its parameters as JSON Schema, for a form or the CLI's prompts."""
    return templating.read_template(name)


@router.get("/{name}/drift", response_model=TemplateDrift)
def read_template_drift(name: str, _principal: CurrentPrincipal) -> TemplateDrift:
    """The services made from a template that are not on its current version."""
    return upgrading.template_drift(name)


@upgrades.post("/{name}/upgrade", response_model=UpgradePublic)
def upgrade_service(
    name: str, principal: CurrentPrincipal, body: ServiceUpgrade | None = None
) -> UpgradePublic:
    """Merge the template's current version into the service's repository, on a branch."""
    return upgrading.upgrade_service(principal, name, body or ServiceUpgrade())
