"""The template library as the API shows it: the list, one template's form, its actions."""

from __future__ import annotations

from paved.orchestrator.runtime import current
from paved.providers import template_sources
from paved.schemas.templates import (
    TemplatePublic,
    TemplatesPublic,
    TemplateStepPublic,
    TemplateSummary,
)
from paved.templates.library import TemplateInfo
from paved.templates.running import is_supported
from paved.templates.scaffolding import well_known_fields


def list_templates() -> TemplatesPublic:
    """Every template of every source, by name."""
    data = [summary(info) for info in current().templates.all()]
    return TemplatesPublic(data=data, count=len(data))


def read_template(name: str) -> TemplatePublic:
    """One template with its parameter schema; `NotFoundError` when there is none."""
    info = current().templates.get(name, missing="not-found")
    spec = info.entity.get("spec") or {}
    steps = [
        TemplateStepPublic(
            id=str(step.get("id") or f"step{index}"),
            name=str(step.get("name") or step.get("id") or ""),
            action=str(step.get("action") or ""),
            supported=is_supported(str(step.get("action") or "")),
        )
        for index, step in enumerate(info.steps)
    ]
    return TemplatePublic(
        **summary(info).model_dump(),
        parameters=dict(info.parameters),
        parameter_steps=[dict(page) for page in info.parameter_steps],
        provided=well_known_fields(info),
        steps=steps,
        owner=str(spec["owner"]) if spec.get("owner") else None,
    )


def refresh_sources() -> TemplatesPublic:
    """Fetch every configured template repository again, then list the templates."""
    for checkout, url in current().templates.sources():
        template_sources.sync(url, checkout)
    return list_templates()


def summary(info: TemplateInfo) -> TemplateSummary:
    spec = info.entity.get("spec") or {}
    return TemplateSummary(
        name=info.name,
        title=info.title,
        description=info.description,
        type=str(spec.get("type") or "service"),
        tags=list(info.tags),
        version=info.version,
        source=info.source,
        resources=None if info.resources is None else list(info.resources),
    )
