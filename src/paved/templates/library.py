"""The template library: finding golden-path templates, loading them and checking their parameters.

A template is a directory holding `template.yaml` — a Backstage `Template` entity
(`scaffolder.backstage.io/v1beta3`) whose `spec.parameters` is a JSON schema, or a list of form
steps that are — and the folders its `fetch:*` steps render (by convention `skeleton/`).

Templates come from several roots: the ones shipped with Paved and the checkouts of configured
git repositories; on a name clash the earlier root wins. Each template has a version: its
`paved.dev/version` annotation, or else a digest of its files, so any change is a new version.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from paved.core.errors import InputError, NotFoundError, UnavailableError
from paved.templates.expressions import has_delimiters

TEMPLATE_FILE = "template.yaml"
SKELETON_DIR = "skeleton"
VERSION_ANNOTATION = "paved.dev/version"
RESOURCES_ANNOTATION = "paved.dev/resources"
MAX_STRING = 4096
MAX_PARAMETERS_BYTES = 65_536
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,99}$")
_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$")


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
    version: str = ""
    source: str = "shipped"
    resources: tuple[str, ...] | None = None
    """The resource types a service made from it may ask for; None when it does not say."""

    @property
    def skeleton(self) -> Path:
        return self.path / SKELETON_DIR

    @property
    def steps(self) -> list[Mapping[str, Any]]:
        spec = self.entity.get("spec") or {}
        return [s for s in spec.get("steps") or () if isinstance(s, Mapping)]

    @property
    def parameter_steps(self) -> list[Mapping[str, Any]]:
        """Backstage's form pages, as written (one page when `parameters` is one schema)."""
        raw = (self.entity.get("spec") or {}).get("parameters")
        pages = raw if isinstance(raw, list) else [raw or {}]
        return [p for p in pages if isinstance(p, Mapping)]


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
    """The templates under one or more root directories, read from disk on each call."""

    def __init__(self, root: Path, extra: Sequence[tuple[Path, str]] = ()) -> None:
        """`root` holds the shipped templates; `extra` adds (folder, source label) pairs."""
        self.root = root
        self.roots: list[tuple[Path, str]] = [(root, "shipped"), *extra]

    def names(self) -> list[str]:
        """The names of every template, sorted."""
        return sorted(self._paths())

    def all(self) -> list[TemplateInfo]:
        """Every template, by name; one that cannot be read is left out."""
        found = []
        for name, (path, source) in sorted(self._paths().items()):
            try:
                found.append(_load(name, path, source))
            except UnavailableError:
                continue
        return found

    def get(self, name: str, missing: Literal["input", "not-found"] = "input") -> TemplateInfo:
        """The template called `name`; when there is none, `InputError(field="template")`
        (it was named in a request body) or `NotFoundError` (it was named in a URL)."""
        located = self._paths().get(name) if _NAME.fullmatch(name) else None
        if located is None and missing == "not-found":
            raise NotFoundError(f"no template {name!r}; `paved template list` shows them")
        if located is None:
            raise InputError(f"unknown template {name!r}", field="template")
        return _load(name, *located)

    def validate_parameters(
        self, name: str, parameters: Mapping[str, Any], provided: Mapping[str, Any] | None = None
    ) -> dict[str, Any]:
        """The parameters with defaults applied; `InputError(field="parameters.<key>")` if bad.

        `provided` are values Paved fills itself (the service's name, owner, repository) for
        the well-known fields of Backstage templates; they never override what the caller gave.
        """
        schema = self.get(name).parameters
        properties: Mapping[str, Any] = schema.get("properties", {})
        for key in sorted(parameters):
            if key not in properties:
                raise InputError(
                    f"template {name} has no parameter {key!r}", field=f"parameters.{key}"
                )
        check_values(parameters)
        values = {**{k: v for k, v in (provided or {}).items() if k in properties}, **parameters}
        for key, prop in properties.items():
            if key not in values and isinstance(prop, Mapping) and "default" in prop:
                values[key] = prop["default"]
        _check_schema(schema, values)
        return values

    def _paths(self) -> dict[str, tuple[Path, str]]:
        found: dict[str, tuple[Path, str]] = {}
        for root, source in self.roots:
            if not root.is_dir():
                continue
            if (root / TEMPLATE_FILE).is_file():  # a repository that is one template
                name = _entity_name(root)
                if name:
                    found.setdefault(name, (root, source))
                continue
            for path in sorted(root.iterdir()):
                if (path / TEMPLATE_FILE).is_file() and _NAME.fullmatch(path.name):
                    found.setdefault(path.name, (path, source))
        return found

    def sources(self) -> list[tuple[Path, str]]:
        """The configured repositories' checkouts and URLs (the shipped root excluded)."""
        return self.roots[1:]


def _entity_name(path: Path) -> str | None:
    try:
        entity = yaml.safe_load((path / TEMPLATE_FILE).read_text())
    except (OSError, yaml.YAMLError):
        return None
    name = str(((entity or {}).get("metadata") or {}).get("name") or "")
    return name if _NAME.fullmatch(name) else None


def check_values(parameters: Mapping[str, Any]) -> None:
    """Refuse values that are too large or that hold template syntax, naming the parameter."""
    for key, value in parameters.items():
        for text in _strings(value):
            where = f"parameters.{key}"
            if len(text) > MAX_STRING:
                raise InputError(f"{where}: longer than {MAX_STRING} characters", field=where)
            if has_delimiters(text):
                raise InputError(
                    f"{where}: template syntax ('${{{{', '{{{{', '{{%') is not allowed in values",
                    field=where,
                )
    if len(json.dumps(parameters, default=str)) > MAX_PARAMETERS_BYTES:
        raise InputError(
            f"parameters are larger than {MAX_PARAMETERS_BYTES} bytes", field="parameters"
        )


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def _load(name: str, path: Path, source: str = "shipped") -> TemplateInfo:
    try:
        entity = yaml.safe_load((path / TEMPLATE_FILE).read_text())
    except (OSError, yaml.YAMLError) as err:
        raise UnavailableError(f"template {name} cannot be read: {err}") from err
    if not isinstance(entity, dict) or entity.get("kind") != "Template":
        raise UnavailableError(f"template {name}: {TEMPLATE_FILE} is not a Template entity")
    metadata = entity.get("metadata") or {}
    spec = entity.get("spec") or {}
    annotations = metadata.get("annotations") or {}
    resources = annotations.get(RESOURCES_ANNOTATION)
    version = str(annotations.get(VERSION_ANNOTATION) or content_digest(path))
    if not _VERSION.fullmatch(version):
        raise UnavailableError(
            f"template {name}: version {version!r} is not like 1.2.0 (letters, digits, . _ + -)"
        )
    return TemplateInfo(
        name=name,
        title=str(metadata.get("title") or name),
        description=str(metadata.get("description") or "").strip(),
        parameters=merge_parameter_steps(spec.get("parameters")),
        path=path,
        tags=tuple(str(tag) for tag in metadata.get("tags") or ()),
        entity=entity,
        version=version,
        source=source,
        resources=None
        if resources is None
        else tuple(r.strip() for r in str(resources).split(",") if r.strip()),
    )


def content_digest(path: Path) -> str:
    """A short digest of every file under `path`: the version of an unversioned template."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and ".git" not in p.parts):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return f"sha-{digest.hexdigest()[:12]}"


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
