"""The spec each provider gets for a step, derived from the service's request.

Derivation is deterministic: after a crash the same step gets the same spec (secrets are
generated once and kept in the secret store).
"""

from __future__ import annotations

from typing import Any

from paved.catalog.entities import group_entity, service_entities
from paved.orchestrator.runtime import Runtime
from paved.providers.ci_pipelines import DEFAULT_REGISTRY, render_workflow
from paved.schemas.services import ServiceCreate
from paved.store.models import RequestStep
from paved.templates.scaffolding import render_service, template_workflow


def secret_ref(external_name: str, key: str) -> str:
    return f"{external_name}#{key}"


def ci_spec(service: ServiceCreate) -> dict[str, Any]:
    python_version = str(service.parameters.get("python_version", "3.12"))
    return {
        "service": service.name,
        "python_version": python_version,
        "image": f"{DEFAULT_REGISTRY}/{service.team}/{service.name}",
    }


def build_spec(runtime: Runtime, service: ServiceCreate, step: RequestStep) -> dict[str, Any]:
    """The provider spec of `step`, without its secrets (the caller adds `secret_keys`)."""
    repo_url = runtime.repository_url(service.name)
    spec: dict[str, Any]
    if step.kind == "git":
        workflow = render_workflow(ci_spec(service))
        rendered = render_service(runtime.templates, service, repo_url, workflow)
        spec = {
            "files": rendered.files,
            "description": service.description,
            "template": rendered.template,
            "template_version": rendered.version,
        }
    elif step.kind == "ci":
        spec = ci_spec(service)
        own = template_workflow(runtime.templates, service, repo_url)
        if own is not None:
            spec["workflow"] = own
    elif step.kind == "monitoring":
        spec = {"service": service.name, "team": service.team, "environment": service.environment}
    elif step.kind == "catalog":
        spec = {
            "entities": service_entities(service, repo_url),
            "group": group_entity(service.team),
            "repository_url": repo_url,
        }
    else:
        resource = next(r for r in service.resources if r.resource_name == step.resource)
        spec = {"size": resource.size, **resource.params}
    return spec
