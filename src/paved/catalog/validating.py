"""Validation of entities against Backstage's own JSON schemas, used as published.

The schemas refer to each other by `$id` (`Entity`, `EntityMeta`, `common#relation`); all
files under the schema folder are loaded into one registry, so nothing is fetched from the
network. A compiled validator (jsonschema-rs) decides valid or not, fast enough for 100,000
entities; only an invalid entity goes through python-jsonschema, for messages naming the
field. Beside the schemas, Backstage's field-format rules for names and namespaces apply (its
`FieldFormatEntityPolicy`).
"""

from __future__ import annotations

import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

SCHEMA_DIR_ENV = "PAVED_BACKSTAGE_SCHEMAS"
_BUNDLED = Path(__file__).parent / "schema"
_BASE = "https://schemas.paved.invalid/backstage/"  # never fetched: the retriever answers
_NAME = re.compile(r"^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")
_NAMESPACE = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_LABEL_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
)


def schema_dir() -> Path:
    """The schema folder: `$PAVED_BACKSTAGE_SCHEMAS`, else the copy shipped with Paved."""
    return _schema_dir(os.environ.get(SCHEMA_DIR_ENV))


@cache
def _schema_dir(setting: str | None) -> Path:
    """One `Path` a setting, so the caches keyed by it find it without hashing a new one:
    making and hashing a `Path` for each entity was about 40 % of validating it."""
    return Path(setting or _BUNDLED)


@cache
def _validators(root: Path) -> dict[tuple[str, str], Draft7Validator]:
    """One validator per (apiVersion, kind), keyed lower-case."""
    documents = [json.loads(p.read_text()) for p in sorted(root.rglob("*.schema.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT7)) for doc in documents
    )
    validators: dict[tuple[str, str], Draft7Validator] = {}
    for doc in documents:
        kind_part = next((p for p in doc.get("allOf", ()) if "properties" in p), None)
        if kind_part is None:
            continue
        props = kind_part["properties"]
        kinds = props.get("kind", {}).get("enum", [])
        versions = props.get("apiVersion", {}).get("enum", [])
        validator = Draft7Validator(doc, registry=registry)
        for kind in kinds:
            for version in versions:
                validators[(version.lower(), kind.lower())] = validator
    return validators


@cache
def _envelope(root: Path) -> Draft7Validator:
    documents = [json.loads(p.read_text()) for p in sorted(root.rglob("*.schema.json"))]
    registry: Registry[Any] = Registry().with_resources(
        (doc["$id"], Resource.from_contents(doc, default_specification=DRAFT7)) for doc in documents
    )
    entity = next(doc for doc in documents if doc["$id"] == "Entity")
    return Draft7Validator(entity, registry=registry)


@cache
def _fast(root: Path) -> dict[tuple[str, str], Any]:
    """Compiled validators by (apiVersion, kind), resolving `$ref`s from the schema folder."""
    documents = {
        doc["$id"]: doc for doc in (json.loads(p.read_text()) for p in root.rglob("*.schema.json"))
    }

    def retrieve(uri: str) -> Any:
        return documents[uri.rsplit("/", 1)[-1].split("#", 1)[0]]

    compiled = {}
    for key, validator in _validators(root).items():
        schema_id = validator.schema["$id"]
        compiled[key] = jsonschema_rs.Draft7Validator(
            validator.schema, retriever=retrieve, base_uri=f"{_BASE}{schema_id}"
        )
    return compiled


def known_kinds() -> set[str]:
    return {kind for _, kind in _validators(schema_dir())}


def validate_entity(entity: Any) -> list[str]:
    """Every problem with `entity`, each naming the field; empty when it is valid."""
    if not isinstance(entity, dict):
        return [f"an entity must be a mapping, not {type(entity).__name__}"]
    root = schema_dir()
    api_version = str(entity.get("apiVersion", ""))
    kind = str(entity.get("kind", ""))
    validator = _validators(root).get((api_version.lower(), kind.lower()))
    if validator is None:
        problems = _schema_problems(_envelope(root), entity)
        if not problems:
            problems = [
                f"kind: unknown kind {kind!r} of apiVersion {api_version!r} "
                f"(known: {', '.join(sorted(known_kinds()))})"
            ]
        return problems
    if _fast(root)[(api_version.lower(), kind.lower())].is_valid(entity):
        return _format_problems(entity)
    return _schema_problems(validator, entity) or _format_problems(entity)


def _schema_problems(validator: Draft7Validator, entity: dict[str, Any]) -> list[str]:
    problems = []
    for error in sorted(validator.iter_errors(entity), key=lambda e: list(e.absolute_path)):
        leaf = _deepest(error)
        path = ".".join(str(p) for p in leaf.absolute_path) or "(entity)"
        problems.append(f"{path}: {leaf.message}")
    return sorted(set(problems))


def _deepest(error: Any) -> Any:
    """The most specific cause of an `allOf`/`anyOf` error, whose message names the field."""
    while error.context:
        error = max(error.context, key=lambda e: len(list(e.absolute_path)))
    return error


def _format_problems(entity: dict[str, Any]) -> list[str]:
    metadata = entity["metadata"]
    problems = []
    name = metadata.get("name", "")
    if not _NAME.match(name):
        problems.append(
            f"metadata.name: {name!r} is not a valid name (1-63 letters, digits, '-', '_' "
            "or '.', starting and ending with a letter or digit)"
        )
    namespace = metadata.get("namespace")
    if namespace is not None and not _NAMESPACE.match(namespace):
        problems.append(
            f"metadata.namespace: {namespace!r} is not a valid namespace (a lower-case DNS label)"
        )
    for field in ("labels", "annotations"):
        for key in metadata.get(field) or {}:
            if not _LABEL_KEY.match(key):
                problems.append(f"metadata.{field}: {key!r} is not a valid key")
    return problems
