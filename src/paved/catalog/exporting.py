"""Export: entities back to `catalog-info.yaml` documents, exactly as ingested.

What processing added (uid, etag, relations, status, the managed-by annotations) is left out,
so registering the exported file yields the same entities again.
"""

from __future__ import annotations

from typing import Any

import yaml

from paved.catalog.stitching import exported
from paved.store import catalog_queries as queries
from paved.store.db import Session

MAX_EXPORT = 100_000


def export_yaml(session: Session, filters: tuple[tuple[queries.Condition, ...], ...]) -> str:
    entities = queries.entities(session, filters, MAX_EXPORT)
    return dump([exported(e) for e in entities])


def dump(entities: list[dict[str, Any]]) -> str:
    if not entities:
        return ""
    return yaml.safe_dump_all(entities, sort_keys=False, explicit_start=True, allow_unicode=True)
