"""The create-service form of one template: its controls, the API body they make, and where
each of the API's error names is shown."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from paved.orchestrator import submitting
from paved.portal import schemaforms
from paved.schemas.services import SIZES
from paved.templates.library import TemplateInfo, TemplateLibrary

ENVIRONMENTS = ("dev", "staging", "prod")
_RESOURCE_ERROR = re.compile(r"^resources\.(\d+)(\..*)?$")


@dataclass(frozen=True)
class CreateForm:
    """Everything the create form shows for one template."""

    template: TemplateInfo
    parameters: list[schemaforms.SchemaField]
    teams: list[str]
    resource_types: list[str]
    sizes: tuple[str, ...] = SIZES
    environments: tuple[str, ...] = ENVIRONMENTS

    def body(self, form: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
        """The `POST /api/v1/services` body the form stands for, and any field not typed right."""
        parameters, errors = schemaforms.values_of(self.parameters, form)
        resources = [
            {"type": kind, "size": form.get(f"size.{kind}", "small")}
            for kind in self.resource_types
            if form.get(f"resource.{kind}") == "on"
        ]
        body = {
            "name": form.get("name", "").strip(),
            "template": self.template.name,
            "team": form.get("team", ""),
            "environment": form.get("environment", "dev"),
            "description": form.get("description", "").strip(),
            "parameters": parameters,
            "resources": resources,
        }
        return body, errors


def load_form(library: TemplateLibrary, template: str, teams: list[str]) -> CreateForm:
    """The form of `template`; `InputError(field="template")` when there is no such template."""
    info = library.get(template)
    return CreateForm(
        template=info,
        parameters=schemaforms.fields_of(info.parameters),
        teams=teams,
        resource_types=submitting.resource_types(),
    )


def api_field(name: str, body: Mapping[str, Any]) -> str:
    """The form control an API error name belongs to (`resources.1.size` -> `size.redis`);
    "" for errors about the form as a whole."""
    match = _RESOURCE_ERROR.match(name)
    if match:
        index = int(match.group(1))
        resources = body.get("resources") or []
        if index < len(resources):
            prefix = "size" if (match.group(2) or "").startswith(".size") else "resource"
            return f"{prefix}.{resources[index]['type']}"
        return "resources"
    if name in ("template", "body"):
        return ""
    return name
