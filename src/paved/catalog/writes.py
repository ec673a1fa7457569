"""What is stored for a processed entity: its indexed columns, its JSON text and a change hash.

Made where the entity is processed (maybe in a worker process, see `parallel`), so the process
that writes to the database only writes.
"""

from __future__ import annotations

import hashlib
from typing import Any

from paved.catalog.refs import EntityRef
from paved.catalog.relations import owner_of
from paved.core import jsontext
from paved.store.catalog import EntityWrite, Triple


def to_write(
    ref: EntityRef,
    entity: dict[str, Any],
    relations: list[Triple],
    errors: list[str],
    source: str,
) -> EntityWrite:
    metadata: dict[str, Any] = entity.get("metadata") or {}
    spec = entity.get("spec") if isinstance(entity.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    title = metadata.get("title")
    entity_json = jsontext.dumps(entity)
    digest = hashlib.sha1(  # noqa: S324 (a change detector, not security)
        f"{entity_json}\n{errors}".encode()
    ).hexdigest()
    return EntityWrite(
        ref=ref.key,
        kind=ref.kind.lower(),
        namespace=ref.namespace.lower(),
        name=ref.name.lower(),
        title=title if isinstance(title, str) else None,
        type=_lower(spec.get("type")),
        lifecycle=_lower(spec.get("lifecycle")),
        owner=owner_of(entity, ref),
        entity_json=entity_json,
        search_text=search_text(entity),
        source=source,
        errors_json=jsontext.dumps(errors),
        input_hash=digest,
        relations=relations,
    )


def _lower(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) else None


def search_text(entity: dict[str, Any]) -> str:
    """What full-text search matches: name, title, description and tags."""
    metadata: dict[str, Any] = entity.get("metadata") or {}
    parts = [metadata.get("name"), metadata.get("title"), metadata.get("description")]
    tags = metadata.get("tags")
    if isinstance(tags, list):
        parts += tags
    return " ".join(str(p) for p in parts if isinstance(p, str) and p)
