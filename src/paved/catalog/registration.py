"""Registering a Paved service in the catalog, with the provider interface the orchestrator uses.

The spec carries the entities (Component, Resources) and the owner Group; all of a service's
entities come from one source, `paved:service:<name>`, so they are replaced and removed together.
"""

from __future__ import annotations

from typing import Any

from paved.catalog.entities import NAMESPACE, entity_ref
from paved.providers.base import MISSING, Observation, Outputs, ResourceRef, Spec
from paved.store import catalog as rows
from paved.store.db import Store


def _ref_of(entity: dict[str, Any]) -> str:
    metadata = entity["metadata"]
    return entity_ref(entity["kind"], metadata["name"], metadata.get("namespace", NAMESPACE))


def service_source(service: str) -> str:
    return f"paved:service:{service}"


class CatalogProvider:
    """Keeps a service's entities in Paved's catalog."""

    kind = "catalog"
    secret_keys: tuple[str, ...] = ()

    def __init__(self, store: Store) -> None:
        self._store = store

    def check_available(self) -> None:
        return None

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        with self._store.reading() as session:
            stored = {
                row.ref: row.entity
                for row in rows.entities_from(session, service_source(ref.service))
            }
            group = rows.get_entity(session, _ref_of(spec["group"]))
        if not stored:
            return MISSING
        wanted = {_ref_of(e): e for e in spec["entities"]}
        diff = tuple(
            sorted(r for r in wanted.keys() | stored.keys() if wanted.get(r) != stored.get(r))
        )
        if group is None:
            diff = (*diff, _ref_of(spec["group"]))
        return Observation(exists=True, up_to_date=not diff, outputs=_outputs(wanted), diff=diff)

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self.update(ref, spec)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        source = service_source(ref.service)
        wanted = {_ref_of(e): e for e in spec["entities"]}
        with self._store.session() as session:
            rows.delete_from(session, source)
            for entity_ref_, entity in wanted.items():
                rows.upsert_entity(session, entity_ref_, entity, source)
            group = spec["group"]
            rows.insert_if_absent(session, _ref_of(group), group, f"paved:team:{ref.team}")
        return _outputs(wanted)

    def delete(self, ref: ResourceRef) -> None:
        with self._store.session() as session:
            rows.delete_from(session, service_source(ref.service))


def _outputs(wanted: dict[str, Any]) -> Outputs:
    return {"entities": sorted(wanted)}
