"""Ingesting what processing produced: upsert, detect conflicts and orphans, stitch.

Everything an `origin` (a registered location, or one of Paved's own services) yields is
applied in one transaction: a changed entity is replaced, an unchanged one is left alone, an
entity claimed by another origin is a conflict (reported, the first owner keeps it), and an
entity the origin no longer yields becomes an orphan (kept and marked, never silently
deleted). Bodies are re-stitched for every entity whose relations may have moved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from paved.catalog.processing import LocationError, Outcome, Processed
from paved.catalog.relations import REVERSE, owner_of
from paved.catalog.stitching import stitch
from paved.store import catalog as rows
from paved.store.db import Session

FIRST_ANALYZE = 4_000  # then at 16,000, 64,000 … rows written
BULK_LOAD = 4_000  # rows written, after which the search index is rebuilt once at the end


@dataclass
class Report:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    errors: list[LocationError] = field(default_factory=list)


def apply(session: Session, origin: str, outcomes: Outcome | Iterable[Outcome]) -> Report:
    """Make the catalog hold what `origin` yields now (given whole, or file by file)."""
    report = Report()
    produced: set[str] = set()
    changed: set[str] = set()
    touched: set[str] = set()
    written, next_analyze = 0, FIRST_ANALYZE
    for outcome in [outcomes] if isinstance(outcomes, Outcome) else outcomes:
        report.errors += outcome.errors
        batch_changed, batch_touched = _apply_batch(session, origin, outcome, report)
        if written < BULK_LOAD <= written + len(batch_changed):
            rows.pause_search_upkeep(session)
        written += len(batch_changed)
        if written >= next_analyze:
            rows.analyze(session)
            next_analyze *= 4
        produced.update(p.ref.key for p in outcome.entities)
        changed |= batch_changed
        touched |= batch_touched
    if changed:
        rows.analyze(session)
    gone = sorted(rows.refs_of_origin(session, origin) - produced)
    rows.set_orphan(session, gone, True)
    report.orphaned = len(gone)
    touched |= set(gone) | rows.relations_touching(session, sorted(changed))
    stitch_refs(session, touched)
    if written >= BULK_LOAD:
        rows.settle_search_index(session)
    return report


def _apply_batch(
    session: Session, origin: str, outcome: Outcome, report: Report
) -> tuple[set[str], set[str]]:
    """Upsert one batch; returns the changed refs and every ref whose body must be re-stitched."""
    produced = {p.ref.key: p for p in outcome.entities}
    before = rows.existing(session, sorted(produced))
    writes, kept_with_errors = [], []
    for key, processed in produced.items():
        old = before.get(key)
        if old is not None and old.origin != origin and not old.orphan:
            message = f"conflict: {key} is already provided by {old.origin}"
            report.errors.append(LocationError(processed.source, message, key))
            continue
        write = to_write(processed)
        if processed.errors and old is not None and old.origin == origin and old.valid:
            kept_with_errors.append((key, processed.errors))
        elif (
            old is None or old.input_hash != write.input_hash or old.orphan or old.origin != origin
        ):
            writes.append(write)
            report.added += old is None
            report.updated += old is not None
        else:
            report.unchanged += 1
    changed = [w.ref for w in writes]
    replaced = [ref for ref in changed if ref in before]
    neighbours = rows.relations_touching(session, replaced)  # the old relations' other ends
    rows.upsert(session, origin, writes, replaced)
    for key, errors in kept_with_errors:
        rows.set_errors(session, key, errors)
    return set(changed), {*changed, *neighbours, *(k for k, _ in kept_with_errors)}


def remove(session: Session, origin: str) -> int:
    """Delete every entity of `origin` (its location was deleted); neighbours are re-stitched."""
    refs = sorted(rows.refs_of_origin(session, origin))
    neighbours = rows.relations_touching(session, refs)
    rows.delete_entities(session, refs)
    stitch_refs(session, neighbours - set(refs))
    return len(refs)


def stitch_refs(session: Session, refs: Iterable[str]) -> None:
    """Recompute and store the bodies of `refs` (those that exist)."""
    ordered = sorted(set(refs))
    for chunk in rows.chunks(ordered, 2000):
        found, relations, present = rows.stitch_rows(session, chunk, REVERSE)
        bodies = []
        for row in found:
            body, etag = stitch(
                row.entity,
                uid=row.uid,
                relations=relations.get(row.ref, []),
                present=present,
                errors=row.errors,
                orphan=row.orphan,
            )
            bodies.append((row.ref, body, etag))
        rows.write_bodies(session, bodies)


def to_write(processed: Processed) -> rows.EntityWrite:
    entity = processed.entity
    ref = processed.ref
    metadata: dict[str, Any] = entity.get("metadata") or {}
    spec = entity.get("spec") if isinstance(entity.get("spec"), dict) else {}
    assert isinstance(spec, dict)
    title = metadata.get("title")
    digest = hashlib.sha1(  # noqa: S324 (a change detector, not security)
        json.dumps([entity, processed.errors], sort_keys=True, default=str).encode()
    ).hexdigest()
    return rows.EntityWrite(
        ref=ref.key,
        kind=ref.kind.lower(),
        namespace=ref.namespace.lower(),
        name=ref.name.lower(),
        title=title if isinstance(title, str) else None,
        type=_lower(spec.get("type")),
        lifecycle=_lower(spec.get("lifecycle")),
        owner=owner_of(entity, ref),
        entity=entity,
        search_text=search_text(entity),
        source=processed.source,
        errors=processed.errors,
        input_hash=digest,
        relations=[(r.source, r.type, r.target) for r in processed.relations if r.declared],
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
