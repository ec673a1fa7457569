"""Rendering a service's repository: the template's steps plus the files Paved manages.

The template runs with the service's validated parameters and a `paved` object describing the
service (name, team, environment, resources, repository URL). Paved then writes the files it
keeps itself: `catalog-info.yaml`, `CODEOWNERS`, and the CI workflow when the template brings
none. The same input always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import yaml

from paved.catalog.entities import service_entities
from paved.schemas.services import ServiceCreate
from paved.templates import expressions
from paved.templates.library import TemplateInfo, TemplateLibrary
from paved.templates.running import Publication, run

CATALOG_FILE = "catalog-info.yaml"
CODEOWNERS_FILE = "CODEOWNERS"
WORKFLOW_FILE = ".github/workflows/ci.yml"
VERSION_ANNOTATION = "paved.dev/template-version"
TECHDOCS_ANNOTATION = "backstage.io/techdocs-ref"


@dataclass(frozen=True)
class Rendered:
    """A service's files as its template makes them, and the template version that made them."""

    template: str
    version: str
    files: dict[str, str]


def preload() -> None:
    """Build the template engine now, e.g. while a worker starts, so the first render is fast."""
    expressions.environment()


def scaffold_files(
    library: TemplateLibrary, service: ServiceCreate, repository_url: str, ci_workflow: str
) -> dict[str, str]:
    """Every file of the service's first commit, by path: skeleton, catalog entry, owners, CI."""
    return render_service(library, service, repository_url, ci_workflow).files


def render_service(
    library: TemplateLibrary, service: ServiceCreate, repository_url: str, ci_workflow: str
) -> Rendered:
    """The service's whole tree from the current version of its template."""
    template = library.get(service.template)
    provided = provided_values(template, service, repository_url)
    parameters = library.validate_parameters(service.template, service.parameters, provided)
    publication = Publication(repository_url, f"component:default/{service.name}")
    result = run(
        template, parameters, publication, {"paved": paved_context(service, repository_url)}
    )
    files = dict(result.files)
    files[CATALOG_FILE] = catalog_info(service, repository_url, template.version)
    files[CODEOWNERS_FILE] = f"* @{service.team}\n"
    files.setdefault(WORKFLOW_FILE, ci_workflow)
    return Rendered(template.name, template.version, dict(sorted(files.items())))


def template_workflow(
    library: TemplateLibrary, service: ServiceCreate, repository_url: str
) -> str | None:
    """The CI workflow the service's template brings, or None when Paved's default applies."""
    rendered = render_service(library, service, repository_url, ci_workflow="")
    return rendered.files.get(WORKFLOW_FILE) or None


def paved_context(service: ServiceCreate, repository_url: str) -> dict[str, Any]:
    """What Paved's own templates see as `paved`: the service beyond the template's parameters."""
    resources = [
        {"type": r.type, "name": r.resource_name, "size": r.size} for r in service.resources
    ]
    return {
        "name": service.name,
        "package": service.name.replace("-", "_"),
        "team": service.team,
        "owner": f"group:default/{service.team}",
        "environment": service.environment,
        "description": service.description,
        "resources": resources,
        "resource_types": sorted({r["type"] for r in resources}),
        "repository_url": repository_url,
    }


def provided_values(
    template: TemplateInfo, service: ServiceCreate, repository_url: str
) -> dict[str, Any]:
    """Values of Backstage's well-known fields, taken from the service: its name, its owner,
    its description and where its repository is, so Backstage templates run unchanged."""
    host = urlsplit(repository_url).netloc or "paved"
    known = {
        "name": service.name,
        "owner": f"group:default/{service.team}",
        "description": service.description,
        "repo": f"{host}?owner={service.team}&repo={service.name}",
    }
    values: dict[str, Any] = {}
    properties: Mapping[str, Any] = template.parameters.get("properties", {})
    for key, prop in properties.items():
        kind = _well_known(key, prop if isinstance(prop, Mapping) else {})
        if kind and (kind != "description" or service.description):
            values[key] = known[kind]
    return values


def well_known_fields(template: TemplateInfo) -> list[str]:
    """The parameters Paved fills from the service when they are not given."""
    properties: Mapping[str, Any] = template.parameters.get("properties", {})
    return [
        key
        for key, prop in properties.items()
        if _well_known(key, prop if isinstance(prop, Mapping) else {})
    ]


def _well_known(key: str, prop: Mapping[str, Any]) -> str | None:
    widget = prop.get("ui:field")
    if widget == "EntityNamePicker" or key in ("component_id", "name"):
        return "name"
    if widget == "OwnerPicker" or key == "owner":
        return "owner"
    if widget == "RepoUrlPicker" or key == "repoUrl":
        return "repo"
    if key == "description":
        return "description"
    return None


def catalog_info(service: ServiceCreate, repository_url: str, version: str = "") -> str:
    """`catalog-info.yaml`: the Component, one document per Resource, then the System."""
    entities = service_entities(service, repository_url)
    component = entities[0]
    annotations = component["metadata"].setdefault("annotations", {})
    annotations[TECHDOCS_ANNOTATION] = "dir:."
    if version:
        annotations[VERSION_ANNOTATION] = version
    return yaml.safe_dump_all(entities, sort_keys=False, explicit_start=True)
