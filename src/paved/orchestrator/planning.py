"""Pure planning: the ordered steps of creating and of tearing down a service."""

from __future__ import annotations

from paved.core.ids import external_name
from paved.schemas.services import ServiceCreate
from paved.store.requests import NewStep

SERVICE_KINDS = ("git", "ci", "monitoring", "catalog")
"""Kinds every service gets; the other registered kinds are the requestable resource types."""

_TITLES = {
    "postgres": "Provision PostgreSQL database",
    "redis": "Create Redis user",
}


def plan_create(service: ServiceCreate) -> list[NewStep]:
    """Repository first, then each resource, then CI, monitoring and the catalog entry."""

    def step(kind: str, resource: str, title: str) -> NewStep:
        name = external_name(kind, service.team, service.name, service.environment, resource)
        return NewStep(f"{kind}:{resource}", kind, "ensure", resource, title, name)

    steps = [step("git", "repository", f"Create repository from template {service.template}")]
    for resource in service.resources:
        title = _TITLES.get(resource.type, f"Provision {resource.type}")
        steps.append(
            step(
                resource.type,
                resource.resource_name,
                f"{title} {resource.resource_name!r} ({resource.size})",
            )
        )
    steps.append(step("ci", "pipeline", "Commit CI pipeline (GitHub Actions)"))
    steps.append(step("monitoring", "rules", "Commit alerting rules and dashboard"))
    steps.append(step("catalog", "entry", "Register in the catalog"))
    return steps


def plan_delete(service: ServiceCreate) -> list[NewStep]:
    """Everything the create plan makes, removed in reverse order."""
    return [
        NewStep(s.key, s.kind, "delete", s.resource, _delete_title(s), s.external_name)
        for s in reversed(plan_create(service))
    ]


def _delete_title(step: NewStep) -> str:
    return f"Remove {step.kind} {step.resource!r}"
