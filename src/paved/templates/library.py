"""The template library: finding golden-path templates, loading them and checking their parameters.

A template is a directory holding `template.yaml` (a Backstage `Template` entity whose
`spec.parameters` is a JSON schema, or a list of form steps that are) and `skeleton/` (a copier
template).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from paved.core.errors import InputError, UnavailableError

TEMPLATE_FILE = "template.yaml"
SKELETON_DIR = "skeleton"
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class TemplateInfo:
    """One template: its name, what people see of it, its parameter schema, where it lives."""

    name: str
    title: str
    description: str
    parameters: Mapping[str, Any]
    path: Path
    tags: tuple[str, ...] = ()
    entity: Mapping[str, Any] = field(default_factory=dict, repr=False)

    @property
    def skeleton(self) -> Path:
        return self.path / SKELETON_DIR


def default_root() -> Path:
    """The shipped `software-templates/`: in the wheel, or at the root of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (
        here.parent / "_data" / "software-templates",
        here.parents[2] / "software-templates",
    ):
        if candidate.is_dir():
            return candidate
    raise UnavailableError(
        "software-templates/ not found: reinstall Paved or set its templates path"
    )


class TemplateLibrary:
    """The templates under one root directory, read from disk on each call."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def names(self) -> list[str]:
        """The names of every template, sorted."""
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / TEMPLATE_FILE).is_file())

    def get(self, name: str) -> TemplateInfo:
        """The template called `name`; `InputError(field="template")` when there is none."""
        path = self.root / name
        if not _NAME.fullmatch(name) or not (path / TEMPLATE_FILE).is_file():
            raise InputError(f"unknown template {name!r}", field="template")
        return _load(name, path)

    def validate_parameters(self, name: str, parameters: Mapping[str, Any]) -> dict[str, Any]:
        """The parameters with defaults applied; `InputError(field="parameters.<key>")` if bad."""
        schema = self.get(name).parameters
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key in sorted(parameters):
            if key not in properties:
                raise InputError(
                    f"template {name} has no parameter {key!r}", field=f"parameters.{key}"
                )
        values = dict(parameters)
        for key, prop in properties.items():
            if key not in values and isinstance(prop, Mapping) and "default" in prop:
                values[key] = prop["default"]
        _check_schema(schema, values)
        return values


def _load(name: str, path: Path) -> TemplateInfo:
    try:
        entity = yaml.safe_load((path / TEMPLATE_FILE).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise UnavailableError(f"template {name} cannot be read: {err}") from err
    if not isinstance(entity, dict) or entity.get("kind") != "Template":
        raise UnavailableError(f"template {name}: {TEMPLATE_FILE} is not a Template entity")
    metadata = entity.get("metadata") or {}
    spec = entity.get("spec") or {}
    return TemplateInfo(
        name=name,
        title=str(metadata.get("title") or name),
        description=str(metadata.get("description") or "").strip(),
        parameters=merge_parameter_steps(spec.get("parameters")),
        path=path,
        tags=tuple(str(tag) for tag in metadata.get("tags") or ()),
        entity=entity,
    )


def merge_parameter_steps(parameters: Any) -> dict[str, Any]:
    """One object schema from Backstage's `spec.parameters` (one schema or a list of steps)."""
    steps = parameters if isinstance(parameters, list) else [parameters or {}]
    properties: dict[str, Any] = {}
    required: list[str] = []
    for step in steps:
        if isinstance(step, Mapping):
            properties.update(step.get("properties") or {})
            required += [key for key in step.get("required") or () if key not in required]
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def _check_schema(schema: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    import jsonschema  # lazily: only validation needs it

    validator = jsonschema.Draft7Validator(schema)
    errors = sorted(validator.iter_errors(values), key=lambda e: [str(p) for p in e.absolute_path])
    if not errors:
        return
    error = errors[0]
    if error.absolute_path:
        key = str(error.absolute_path[0])
    elif error.validator == "required":
        key = str(error.message).split("'")[1]
    else:
        key = ""
    where = f"parameters.{key}" if key else "parameters"
    raise InputError(f"{where}: {error.message}", field=where)
