"""`/api/v1/templates`: the golden-path library, one template's parameter schema, its drift."""

from __future__ import annotations

from fastapi import APIRouter

from paved.api.deps import CurrentPrincipal
from paved.orchestrator import templating
from paved.schemas.templates import TemplatePublic, TemplatesPublic

router = APIRouter(prefix="/templates", tags=["templates"])


@router.get("", response_model=TemplatesPublic)
def read_templates(_principal: CurrentPrincipal) -> TemplatesPublic:
    """List the templates services can be made from, with their versions."""
    return templating.list_templates()


@router.get("/{name}", response_model=TemplatePublic)
def read_template(name: str, _principal: CurrentPrincipal) -> TemplatePublic:
    """One template with its parameters as JSON Schema, for a form or the CLI's prompts."""
    return templating.read_template(name)
