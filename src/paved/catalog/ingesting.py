"""Ingesting what processing produced: upsert, detect conflicts and orphans, stitch.

Everything an `origin` (a registered location, or one of Paved's own services) yields is
applied in one transaction: a changed entity is replaced, an unchanged one is left alone, an
entity claimed by another origin is a conflict (reported, the first owner keeps it), and an
entity the origin no longer yields becomes an orphan (kept and marked, never silently
deleted). Bodies are re-stitched for every entity whose relations may have moved.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container, Iterable
from concurrent.futures import Future
from dataclasses import dataclass, field

from paved.catalog.parallel import Workers
from paved.catalog.processing import LocationError, Outcome
from paved.catalog.stitching import stitch_all
from paved.store import catalog as rows
from paved.store.db import Session

# statistics are refreshed as a load grows fourfold (4,000, 16,000, 64,000 … rows written) and
# after it, not after a small refresh: at 100,000 entities an ANALYZE takes about a second
FIRST_ANALYZE = 4_000
BULK_LOAD = 4_000  # rows written, after which the search index is rebuilt once at the end


@dataclass
class Report:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    orphaned: int = 0
    errors: list[LocationError] = field(default_factory=list)


def apply(
    session: Session,
    origin: str,
    outcomes: Outcome | Iterable[Outcome],
    workers: Workers | None = None,
) -> Report:
    """Make the catalog hold what `origin` yields now (given whole, or file by file); bodies
    are stitched by `workers` when given."""
    report = Report()
    produced: set[str] = set()
    changed: set[str] = set()
    touched: set[str] = set()
    added: set[str] = set()  # new refs: they have no body yet
    written, next_analyze = 0, FIRST_ANALYZE
    for outcome in [outcomes] if isinstance(outcomes, Outcome) else outcomes:
        report.errors += outcome.errors
        batch_changed, batch_touched = _apply_batch(session, origin, outcome, report, added)
        if written < BULK_LOAD <= written + len(batch_changed):
            rows.pause_search_upkeep(session)
        written += len(batch_changed)
        if written >= next_analyze:
            rows.analyze(session)
            next_analyze *= 4
        produced.update(p.ref.key for p in outcome.entities)
        changed |= batch_changed
        touched |= batch_touched
    report.added = len(added)
    if written >= FIRST_ANALYZE:
        rows.analyze(session)  # for the stitching's plans (without: 15 s against 24 s at 100k)
    gone = sorted(rows.refs_of_origin(session, origin) - produced)
    rows.set_orphan(session, gone, True)
    report.orphaned = len(gone)
    # the changed entities' own relations' targets are in `touched` already (see `_apply_batch`);
    # what points at them (and may have been dangling) is found here
    touched |= set(gone) | rows.sources_pointing_at(session, sorted(changed))
    stitch_refs(session, touched, workers, added)
    if written >= BULK_LOAD:
        rows.settle_search_index(session)
    return report


def _apply_batch(
    session: Session, origin: str, outcome: Outcome, report: Report, added: set[str]
) -> tuple[set[str], set[str]]:
    """Upsert one batch (the refs it adds go to `added`); returns the changed refs and every
    ref whose body must be re-stitched."""
    produced = {p.ref.key: p for p in outcome.entities}
    before = rows.existing(session, sorted(produced))
    writes, kept_with_errors = [], []
    for key, processed in produced.items():
        old = before.get(key)
        if old is not None and old.origin != origin and not old.orphan:
            message = f"conflict: {key} is already provided by {old.origin}"
            report.errors.append(LocationError(processed.source, message, key))
            continue
        write = processed.write
        if processed.errors and old is not None and old.origin == origin and old.valid:
            kept_with_errors.append((key, processed.errors))
        elif (
            old is None or old.input_hash != write.input_hash or old.orphan or old.origin != origin
        ):
            writes.append(write)
            if old is None:
                added.add(key)
            else:
                report.updated += 1
        else:
            report.unchanged += 1
    changed = [w.ref for w in writes]
    replaced = [ref for ref in changed if ref in before]
    neighbours = rows.relations_touching(session, replaced)  # the old relations' other ends
    neighbours.update(target for w in writes for _, _, target in w.relations)  # the new ones'
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


def stitch_refs(
    session: Session,
    refs: Iterable[str],
    workers: Workers | None = None,
    new: Container[str] = (),
) -> None:
    """Recompute and store the bodies of `refs` (those that exist; `new`: those that have no
    body yet); with `workers`, chunks are stitched in worker processes while this one reads
    the next and writes the last."""
    workers = workers or Workers.none()
    pending: deque[Future[list[tuple[str, str, str]]]] = deque()
    checked: dict[str, bool] = {}
    for chunk in rows.chunks(sorted(set(refs)), 1000):
        batch = rows.stitch_input(session, chunk, checked)
        pending.append(workers.run(batch.size, stitch_all, batch))
        while len(pending) > workers.window:
            rows.write_bodies(session, pending.popleft().result(), new)
    for done in pending:
        rows.write_bodies(session, done.result(), new)
