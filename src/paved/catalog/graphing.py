"""The relation graph around one entity, breadth first to a depth, for "what does it touch"."""

from __future__ import annotations

from typing import Any

from paved.catalog.refs import parse_ref
from paved.catalog.relations import REVERSE
from paved.core.errors import InputError, NotFoundError
from paved.store import catalog_queries as queries
from paved.store.db import Session

MAX_DEPTH = 10
MAX_NODES = 5_000


def graph(
    session: Session, root: str, depth: int, types: tuple[str, ...] | None = None
) -> dict[str, Any]:
    """Nodes (with `exists` false for dangling targets) and edges within `depth` hops of `root`."""
    if not 0 <= depth <= MAX_DEPTH:
        raise InputError(f"depth must be between 0 and {MAX_DEPTH}", field="depth")
    unknown = sorted(set(types or ()) - REVERSE.keys())
    if unknown:
        raise InputError(f"relation: unknown relation types {', '.join(unknown)}", field="relation")
    key = parse_ref(root, default_kind="component").key
    if queries.body_of(session, key) is None:
        raise NotFoundError(f"entity {key} does not exist", field="root")
    seen = {key}
    frontier = [key]
    edges: list[tuple[str, str, str]] = []
    truncated = False
    for _ in range(depth):
        found = queries.neighbours(session, frontier, types, REVERSE)
        edges += found
        frontier = sorted({t for _, _, t in found} - seen)
        if len(seen) + len(frontier) > MAX_NODES:
            frontier, truncated = frontier[: MAX_NODES - len(seen)], True
        seen.update(frontier)
        if not frontier:
            break
    summaries = queries.summaries(session, sorted(seen))
    nodes = [
        {"ref": ref, "exists": ref in summaries, **summaries.get(ref, {})} for ref in sorted(seen)
    ]
    kept = [e for e in sorted(set(edges)) if e[2] in seen]
    return {
        "root": key,
        "depth": depth,
        "nodes": nodes,
        "edges": [{"source": s, "type": t, "target": g} for s, t, g in kept],
        "truncated": truncated,
    }
