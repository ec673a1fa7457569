"""Backstage entities describing a Paved service: its Component, Resources, System and owner Group.

The service is a System (the component with the resources it needs), owned by the team's Group.
"""

from __future__ import annotations

from typing import Any

from paved.schemas.services import ServiceCreate

API_VERSION = "backstage.io/v1alpha1"
NAMESPACE = "default"


def entity_ref(kind: str, name: str, namespace: str = NAMESPACE) -> str:
    """The lower-cased key `kind:namespace/name`."""
    return f"{kind}:{namespace}/{name}".lower()


def resource_entity_name(service: str, resource: str) -> str:
    return f"{service}-{resource}"


def component_entity(service: ServiceCreate, repository_url: str | None = None) -> dict[str, Any]:
    """The Component of a service, as its repository's `catalog-info.yaml` holds it."""
    annotations = {
        "paved.dev/template": service.template,
        "paved.dev/environment": service.environment,
    }
    if repository_url:
        annotations["paved.dev/repository-url"] = repository_url
    metadata: dict[str, Any] = {
        "name": service.name,
        "annotations": annotations,
        "labels": {"paved.dev/team": service.team},
        "tags": sorted({service.template, *[r.type for r in service.resources]}),
    }
    if service.description:
        metadata["description"] = service.description
    spec: dict[str, Any] = {
        "type": "service",
        "lifecycle": "experimental" if service.environment == "dev" else "production",
        "owner": f"group:{service.team}",
        "system": service.name,
    }
    if service.resources:
        spec["dependsOn"] = [
            f"resource:{resource_entity_name(service.name, r.resource_name)}"
            for r in service.resources
        ]
    return {"apiVersion": API_VERSION, "kind": "Component", "metadata": metadata, "spec": spec}


def resource_entities(service: ServiceCreate) -> list[dict[str, Any]]:
    """One Resource entity per resource of the service."""
    return [
        {
            "apiVersion": API_VERSION,
            "kind": "Resource",
            "metadata": {
                "name": resource_entity_name(service.name, r.resource_name),
                "annotations": {"paved.dev/size": r.size},
            },
            "spec": {"type": r.type, "owner": f"group:{service.team}", "system": service.name},
        }
        for r in service.resources
    ]


def system_entity(service: ServiceCreate) -> dict[str, Any]:
    """The System a service is: its Component and Resources belong to it."""
    metadata: dict[str, Any] = {"name": service.name}
    if service.description:
        metadata["description"] = service.description
    return {
        "apiVersion": API_VERSION,
        "kind": "System",
        "metadata": metadata,
        "spec": {"owner": f"group:{service.team}"},
    }


def group_entity(team: str, title: str = "") -> dict[str, Any]:
    """The Group entity of a team."""
    metadata: dict[str, Any] = {"name": team}
    if title:
        metadata["title"] = title
    return {
        "apiVersion": API_VERSION,
        "kind": "Group",
        "metadata": metadata,
        "spec": {"type": "team", "children": []},
    }


def service_entities(
    service: ServiceCreate, repository_url: str | None = None
) -> list[dict[str, Any]]:
    """Everything the catalog holds for one service."""
    return [
        component_entity(service, repository_url),
        *resource_entities(service),
        system_entity(service),
    ]
