"""Registering a Paved service in the catalog, with the provider interface the orchestrator uses.

A service's repository holds its `catalog-info.yaml` (written by the template): the catalog
registers `<repository>/catalog-info.yaml` as a url location and reads the service's
Component, Resources and System back from it, like any other location. The owner Group comes
from Paved's teams, under the origin `paved:team:<team>`.
"""

from __future__ import annotations

from typing import Any

from paved.catalog import ingesting
from paved.catalog.locations import Locations
from paved.catalog.processing import Outcome, process_entity
from paved.catalog.reading import Reader
from paved.catalog.refs import ref_of_entity
from paved.core.errors import PermanentError
from paved.providers.base import MISSING, Observation, Outputs, ResourceRef, Spec
from paved.store import catalog_locations
from paved.store import catalog_queries as queries
from paved.store.db import Store

CATALOG_FILE = "catalog-info.yaml"


def catalog_target(repository_url: str) -> str:
    """The url location of a service's `catalog-info.yaml` in its repository."""
    return f"{repository_url.rstrip('/')}/{CATALOG_FILE}"


def team_origin(team: str) -> str:
    return f"paved:team:{team}"


class CatalogProvider:
    """Keeps a service's entities in Paved's catalog, read from its repository."""

    kind = "catalog"
    secret_keys: tuple[str, ...] = ()

    def __init__(self, store: Store, reader: Reader | None = None) -> None:
        self._store = store
        self._locations = Locations(store, reader or Reader())

    def check_available(self) -> None:
        return None

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        entities = [ref_of_entity(e).key for e in spec["entities"]]
        wanted = [*entities, _key(spec["group"])]
        with self._store.reading() as session:
            location = catalog_locations.find_location(
                session, catalog_target(spec["repository_url"])
            )
            missing = tuple(k for k in wanted if queries.body_of(session, k) is None)
        if location is None:
            return MISSING
        outputs = _outputs(location.id, entities)
        return Observation(exists=True, up_to_date=not missing, outputs=outputs, diff=missing)

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self.update(ref, spec)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        group = spec["group"]
        processed = process_entity(
            None, group, ref_of_entity(group), "paved", "teams", team_origin(ref.team)
        )
        with self._store.session() as session:
            ingesting.apply(session, team_origin(ref.team), Outcome(entities=[processed]))
        location = self._locations.ensure("url", catalog_target(spec["repository_url"]))
        component = ref_of_entity(spec["entities"][0]).key
        with self._store.reading() as session:
            found = queries.body_of(session, component) is not None
        if not found:
            problems = "; ".join(e["message"] for e in location.errors) or "no entities"
            raise PermanentError(f"the catalog cannot read {location.target}: {problems}")
        return _outputs(location.id, [ref_of_entity(e).key for e in spec["entities"]])

    def delete(self, ref: ResourceRef) -> None:
        with self._store.reading() as session:
            locations = [
                loc.id
                for loc in catalog_locations.list_locations(session)
                if loc.target.endswith(f"/{ref.service}.git/{CATALOG_FILE}")
            ]
        for location_id in locations:
            self._locations.delete(location_id)


def _key(entity: dict[str, Any]) -> str:
    return ref_of_entity(entity).key


def _outputs(location_id: str, refs: list[str]) -> Outputs:
    return {"location": location_id, "entities": sorted(refs)}
