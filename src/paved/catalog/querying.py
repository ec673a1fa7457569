"""The read API's query language, close to Backstage's: `filter=`, `fields=`, `order=`, cursors.

`filter` is `key=value,key2=value2` (AND; a bare `key` means it exists); several `filter`
parameters are OR-ed; one key with several values matches any of them. Keys and values are
case-insensitive. `spec.owner` values are entity references (default kind group), so
`spec.owner=checkout`, `spec.owner=group:checkout` and `group:default/checkout` are one owner.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from paved.catalog.refs import DEFAULT_NAMESPACE, parse_ref
from paved.catalog.relations import ALL_TYPES, REVERSE
from paved.catalog.stitching import ORPHAN_ANNOTATION
from paved.core.errors import InputError
from paved.store.catalog_queries import Condition, Query

MAX_LIMIT = 500
DEFAULT_LIMIT = 20
_COLUMN_KEYS = {
    "kind": "kind",
    "metadata.namespace": "namespace",
    "metadata.name": "name",
    "metadata.title": "title",
    "spec.type": "type",
    "spec.lifecycle": "lifecycle",
    "spec.owner": "owner",
}
ORDER_KEYS = {**_COLUMN_KEYS, "ref": "ref", "metadata.changedat": "changed_at"}
_RELATION_TYPES = {t.lower(): t for t in ALL_TYPES}
_MAP_PREFIXES = ("metadata.annotations.", "metadata.labels.")


@dataclass(frozen=True)
class ListRequest:
    filters: tuple[str, ...] = ()
    text: str | None = None
    order: str | None = None
    cursor: str | None = None
    limit: int = DEFAULT_LIMIT


def build_query(request: ListRequest) -> Query:
    """The store query for `request`; a cursor carries its own filters, text and order."""
    if not 1 <= request.limit <= MAX_LIMIT:
        raise InputError(f"limit must be between 1 and {MAX_LIMIT}", field="limit")
    filters, text, order = request.filters, request.text, request.order
    after, offset = None, 0
    if request.cursor:
        state = _decode(request.cursor)
        filters, text, order = tuple(state["f"]), state.get("q"), state.get("o")
        after = tuple(state["a"]) if state.get("a") else None
        offset = int(state.get("off", 0))
    column, descending = parse_order(order)
    return Query(
        filters=parse_filters(filters),
        text=text,
        order=column,
        descending=descending,
        after=after,
        offset=offset,
        limit=request.limit,
    )


def next_cursor(
    request: ListRequest, query: Query, last: tuple[Any, int] | None, count: int
) -> str | None:
    """The cursor of the page after this one, or None when this page was the last."""
    if last is None or count < query.limit:
        return None
    state: dict[str, Any] = {"f": list(request.filters), "q": request.text, "o": request.order}
    if request.cursor:
        previous = _decode(request.cursor)
        state = {"f": previous["f"], "q": previous.get("q"), "o": previous.get("o")}
    if query.text is not None and query.order == "ref" and not state["o"]:
        state["off"] = query.offset + count
    else:
        state["a"] = list(last)
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode()


def _decode(cursor: str) -> dict[str, Any]:
    try:
        state = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, binascii.Error):
        raise InputError("cursor is not one this API gave out", field="cursor") from None
    if not isinstance(state, dict) or not isinstance(state.get("f"), list):
        raise InputError("cursor is not one this API gave out", field="cursor")
    return state


def parse_order(order: str | None) -> tuple[str, bool]:
    if not order:
        return "ref", False
    descending = order.startswith("-") or order.lower().startswith("desc:")
    key = order.lstrip("-+").split(":", 1)[-1].lower()
    if key not in ORDER_KEYS:
        raise InputError(
            f"order: cannot order by {key!r} (one of {', '.join(sorted(ORDER_KEYS))})",
            field="order",
        )
    return ORDER_KEYS[key], descending


def parse_filters(filters: tuple[str, ...] | list[str]) -> tuple[tuple[Condition, ...], ...]:
    return tuple(parse_filter(f) for f in filters if f.strip())


def parse_filter(expression: str) -> tuple[Condition, ...]:
    """One `filter=` value: conditions AND-ed, values of one key OR-ed."""
    values: dict[str, list[str]] = defaultdict(list)
    exists: set[str] = set()
    for part in expression.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not key:
            raise InputError(f"filter: {part!r} has no key", field="filter")
        if sep:
            values[key].append(value.strip())
        else:
            exists.add(key)
    conditions = [_condition(key, tuple(vals)) for key, vals in values.items()]
    conditions += [_condition(key, None) for key in sorted(exists - values.keys())]
    return tuple(conditions)


def _condition(written: str, values: tuple[str, ...] | None) -> Condition:
    """Known keys match case-insensitively; other paths are looked up as written."""
    key = written.lower()
    if key == f"metadata.annotations.{ORPHAN_ANNOTATION}":
        return Condition("orphan")
    if key in ("status.errors", "errors"):
        return Condition("errors")
    lowered = tuple(v.lower() for v in values) if values is not None else None
    if key in _COLUMN_KEYS:
        field = _COLUMN_KEYS[key]
        if field == "owner" and lowered is not None:
            lowered = tuple(_ref_key(v, "group") for v in lowered)
        if field == "namespace" and lowered is None:
            lowered = None
        return Condition(field, lowered)
    if key.startswith("relations."):
        relation = _RELATION_TYPES.get(key.removeprefix("relations."))
        if relation is None:
            raise InputError(f"filter: unknown relation in {key!r}", field="filter")
        refs = tuple(_ref_key(v, None) for v in lowered) if lowered is not None else None
        return Condition(f"relation:{relation}", refs, (REVERSE[relation],))
    for prefix in _MAP_PREFIXES:
        if key.startswith(prefix):
            path = (*prefix.rstrip(".").split("."), written[len(prefix) :])
            return Condition("json", lowered, path)
    return Condition("json", lowered, tuple(written.split(".")))


def _ref_key(value: str, default_kind: str | None) -> str:
    try:
        return parse_ref(value, default_kind=default_kind, default_namespace=DEFAULT_NAMESPACE).key
    except InputError:
        return value.lower()


def project(body: str, fields: list[str]) -> dict[str, Any]:
    """Only the listed dotted paths of an entity (`fields=metadata.name,kind`)."""
    entity = json.loads(body)
    result: dict[str, Any] = {}
    for path in fields:
        parts = path.split(".")
        node: Any = entity
        for part in parts:
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                break
        if node is None:
            continue
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = node
    return result
