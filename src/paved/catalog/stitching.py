"""Stitching: the final entity a reader sees, from the stored entity, its relations and errors.

Relations are listed as Backstage lists them (`type`, `targetRef`, `target`). A relation to an
entity the catalog does not hold is kept and flagged with a warning in `status.items`; a
processing error is an error item there; an orphan carries `backstage.io/orphan: "true"`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from functools import lru_cache
from typing import Any

import orjson

from paved.catalog.refs import parse_ref
from paved.catalog.relations import REVERSE
from paved.core import jsontext
from paved.store.catalog import StitchInput

PROCESSING_ERROR = "backstage.io/catalog-processing"
DANGLING_RELATION = "paved.dev/dangling-relation"
ORPHAN_ANNOTATION = "backstage.io/orphan"
LOCATION_ANNOTATION = "backstage.io/managed-by-location"
ORIGIN_ANNOTATION = "backstage.io/managed-by-origin-location"
_ETAG_PLACEHOLDER = "paved-etag-3f0c9e1b7d"  # replaced by the hash of the text holding it
GENERATED_ANNOTATIONS = (LOCATION_ANNOTATION, ORIGIN_ANNOTATION, ORPHAN_ANNOTATION)


def stitch(
    entity: dict[str, Any],
    *,
    uid: str,
    relations: list[tuple[str, str]],
    present: set[str],
    errors: list[str],
    orphan: bool,
) -> tuple[str, str]:
    """The body (JSON text) served for an entity, and its etag."""
    metadata = dict(entity.get("metadata") or {})
    metadata["uid"] = uid
    if orphan:
        metadata["annotations"] = {**(metadata.get("annotations") or {}), ORPHAN_ANNOTATION: "true"}
    items: list[dict[str, Any]] = [
        {
            "type": PROCESSING_ERROR,
            "level": "error",
            "message": message,
            "error": {"name": "InputError", "message": message},
        }
        for message in errors
    ]
    listed = []
    for type_, target in sorted(set(relations)):
        listed.append({"type": type_, "targetRef": target, "target": _target(target)})
        if target not in present:
            items.append(
                {
                    "type": DANGLING_RELATION,
                    "level": "warning",
                    "message": f"{type_} {target}: no such entity in the catalog",
                }
            )
    body = {**entity, "metadata": metadata, "relations": listed}
    if items:
        body["status"] = {"items": items}
    metadata["etag"] = _ETAG_PLACEHOLDER
    text = jsontext.dumps(body)
    etag = hashlib.sha1(text.encode()).hexdigest()  # noqa: S324 (a version tag, not security)
    return text.replace(_ETAG_PLACEHOLDER, etag, 1), etag


def stitch_all(batch: StitchInput) -> list[tuple[str, str, str]]:
    """(ref, body, etag) for each entity of `batch`; run in a worker process for a big
    refresh (see `parallel`)."""
    relations: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for source, type_, target in batch.outgoing:
        relations[source].append((type_, target))
    for source, type_, target in batch.incoming:
        relations[target].append((REVERSE[type_], source))
    stitched = []
    for ref, uid, entity_json, errors_json, orphan in batch.rows:
        body, etag = stitch(
            orjson.loads(entity_json),
            uid=uid,
            relations=relations.get(ref, []),
            present=batch.present,
            errors=orjson.loads(errors_json) if errors_json != "[]" else [],
            orphan=bool(orphan),
        )
        stitched.append((ref, body, etag))
    return stitched


def forget_targets() -> None:
    """Drop the remembered relation targets (after a big refresh, to give the memory back)."""
    _target.cache_clear()


@lru_cache(maxsize=200_000)
def _target(key: str) -> dict[str, str]:
    return parse_ref(key).as_target()


def exported(entity: dict[str, Any]) -> dict[str, Any]:
    """The entity as written: no uid, etag, relations, status or generated annotations."""
    metadata = {k: v for k, v in (entity.get("metadata") or {}).items() if k not in ("uid", "etag")}
    annotations = {
        k: v
        for k, v in (metadata.get("annotations") or {}).items()
        if k not in GENERATED_ANNOTATIONS
    }
    if annotations:
        metadata["annotations"] = annotations
    else:
        metadata.pop("annotations", None)
    return {
        k: v
        for k, v in {**entity, "metadata": metadata}.items()
        if k not in ("relations", "status")
    }
