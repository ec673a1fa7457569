"""Rendering a service's first commit: the template's skeleton plus the files Paved manages.

The skeleton is rendered with copier into a temporary directory and read back. Copier treats a
skeleton that is not itself a git repository's root as a plain directory: the files on disk are
used as they are, with no clone and no tag lookup. The same input always gives the same bytes.
"""

from __future__ import annotations

import tempfile
import threading
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from paved.catalog.entities import service_entities
from paved.core.errors import PermanentError
from paved.schemas.services import ServiceCreate
from paved.templates.library import TemplateInfo, TemplateLibrary

CATALOG_FILE = "catalog-info.yaml"
CODEOWNERS_FILE = "CODEOWNERS"
WORKFLOW_FILE = ".github/workflows/ci.yml"


_RENDERING = threading.Lock()
"""Copier changes the process's working directory while it renders: one render at a time."""


@cache
def _copier() -> ModuleType:
    """Copier, imported once on first use (its import takes about half a second)."""
    import copier

    return copier


def preload() -> None:
    """Import copier now, e.g. while a worker starts, so the first scaffold is fast too."""
    _copier()


def scaffold_files(
    library: TemplateLibrary, service: ServiceCreate, repository_url: str, ci_workflow: str
) -> dict[str, str]:
    """Every file of the service's first commit, by path: skeleton, catalog entry, owners, CI."""
    template = library.get(service.template)
    parameters = library.validate_parameters(service.template, service.parameters)
    files = render_skeleton(template, template_data(service, parameters))
    files[CATALOG_FILE] = catalog_info(service, repository_url)
    files[CODEOWNERS_FILE] = f"* @{service.team}\n"
    files[WORKFLOW_FILE] = ci_workflow
    return dict(sorted(files.items()))


def template_data(service: ServiceCreate, parameters: dict[str, Any]) -> dict[str, Any]:
    """The variables a skeleton sees."""
    return {
        "service_name": service.name,
        "description": service.description,
        "team": service.team,
        "environment": service.environment,
        "resources": [
            {"type": r.type, "name": r.resource_name, "size": r.size} for r in service.resources
        ],
        "parameters": parameters,
    }


def catalog_info(service: ServiceCreate, repository_url: str) -> str:
    """`catalog-info.yaml`: the Component, one document per Resource, then the System."""
    entities = service_entities(service, repository_url)
    return yaml.safe_dump_all(entities, sort_keys=False, explicit_start=True)


def render_skeleton(template: TemplateInfo, data: dict[str, Any]) -> dict[str, str]:
    """The skeleton rendered with `data`, as text by relative path."""
    copier = _copier()
    if not (template.skeleton / "copier.yml").is_file():
        raise PermanentError(f"template {template.name} has no skeleton/copier.yml")
    with _RENDERING, tempfile.TemporaryDirectory(prefix="paved-scaffold-") as tmp:
        try:
            copier.run_copy(
                str(template.skeleton),
                tmp,
                data=data,
                defaults=True,
                quiet=True,
                unsafe=False,
                skip_tasks=True,
                settings=copier.Settings(),
            )
        except Exception as err:  # copier raises many kinds; all mean a broken template
            raise PermanentError(f"template {template.name} failed to render: {err}") from err
        return _read_tree(Path(tmp))


def _read_tree(root: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            files[path.relative_to(root).as_posix()] = path.read_text()
    return files
