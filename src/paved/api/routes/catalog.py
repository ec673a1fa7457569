"""`/api/v1/catalog`: Backstage-compatible entities, locations, search, facets, graph, hygiene.

Entity bodies are stored stitched, as JSON text, and served without being parsed again. The
hot reads (by name, filtered lists, search) are sub-millisecond indexed queries: they run on
the event loop over a plain connection, and their caller is recognised from a short-lived
token cache (`CatalogReader`), which saves most of a request's cost at 3 AM-incident load.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response, status

from paved.api.catalog_auth import catalog_reader
from paved.api.deps import AdminPrincipal, CurrentPrincipal, StoreDep
from paved.catalog import exporting, graphing, hygiene, querying
from paved.catalog.locations import Locations, reader_for
from paved.catalog.reading import is_local
from paved.catalog.refs import EntityRef
from paved.core.errors import InputError, NotAllowedError, NotFoundError
from paved.schemas.catalog import (
    FacetsPublic,
    GraphPublic,
    HygienePublic,
    LocationCreate,
    LocationPublic,
    LocationsPublic,
    RefreshResult,
)
from paved.store import catalog_queries as queries
from paved.store.db import Store
from paved.store.identity import Principal
from paved.store.models import CatalogLocation

router = APIRouter(prefix="/catalog", tags=["catalog"])
CatalogReader = Annotated[Principal, Depends(catalog_reader)]
JSON = "application/json"
FACETS = {
    "kind": "kind",
    "metadata.namespace": "namespace",
    "spec.type": "type",
    "spec.lifecycle": "lifecycle",
    "spec.owner": "owner",
    "metadata.tags": "tags",
}
FilterParam = Annotated[list[str], Query(description="`key=value,…` (AND); repeat to OR")]


# The hot reads come first: FastAPI tries a router's routes in the order they were added. Their
# common case is answered ahead of FastAPI by `api.catalog_lane`, with the functions below.


def page_response(
    store: Store,
    filters: list[str],
    text: str | None,
    order: str | None,
    cursor: str | None,
    limit: int,
    fields: str | None,
) -> Response:
    """One page of entities as Backstage's list body; `InputError` names a bad parameter."""
    listing = querying.ListRequest(tuple(filters), text, order, cursor, limit)
    query = querying.build_query(listing)
    with queries.reading(store) as reads:
        page = queries.list_page(reads, query)
    next_cursor = querying.next_cursor(listing, query, page.last, len(page.bodies))
    if fields:
        wanted = [f.strip() for f in fields.split(",") if f.strip()]
        items = ",".join(json.dumps(querying.project(b, wanted)) for b in page.bodies)
    else:
        items = ",".join(page.bodies)
    cursor_json = f'"{next_cursor}"' if next_cursor else "null"
    content = (
        f'{{"items":[{items}],"totalItems":{page.total},"pageInfo":{{"nextCursor":{cursor_json}}}}}'
    )
    return Response(content, media_type=JSON)


def search_text(q: str | None, full_text_filter_term: str | None) -> str | None:
    """The text searched for (`q`, or Backstage's `fullTextFilterTerm`); it needs a word."""
    text = q if q is not None else full_text_filter_term
    if text is not None and not queries.search_terms(text):
        raise InputError("q must contain at least one word", field="q")
    return text


def entity_response(store: Store, kind: str, namespace: str, name: str) -> Response:
    """The stitched body of one entity; `NotFoundError` when there is none."""
    ref = EntityRef(kind, namespace, name).key
    with queries.reading(store) as reads:
        body = queries.read_body(reads, ref)
    if body is None:
        raise NotFoundError(f"entity {ref} does not exist", field="ref")
    return Response(body, media_type=JSON)


@router.get("/entities")
async def read_entities(
    request: Request,
    _principal: CatalogReader,
    filter: FilterParam = [],  # noqa: B006 (Backstage's parameter name; FastAPI copies it)
    fields: str | None = None,
    order: str | None = None,
    cursor: str | None = None,
    limit: int = querying.DEFAULT_LIMIT,
) -> Response:
    """Entities matching `filter` (Backstage syntax), `order`ed, one cursor page of `limit`."""
    return page_response(request.app.state.store, filter, None, order, cursor, limit, fields)


@router.get("/entities/by-query")
async def query_entities(
    request: Request,
    _principal: CatalogReader,
    q: str | None = None,
    fullTextFilterTerm: str | None = None,  # noqa: N803 (Backstage's name)
    filter: FilterParam = [],  # noqa: B006
    fields: str | None = None,
    order: str | None = None,
    cursor: str | None = None,
    limit: int = querying.DEFAULT_LIMIT,
) -> Response:
    """Full-text search over names, titles, descriptions and tags, best match first."""
    text = search_text(q, fullTextFilterTerm)
    return page_response(request.app.state.store, filter, text, order, cursor, limit, fields)


@router.get("/entities/by-name/{kind}/{namespace}/{name}")
async def read_entity(
    kind: str, namespace: str, name: str, request: Request, _principal: CatalogReader
) -> Response:
    """One entity by kind, namespace and name (case-insensitive)."""
    return entity_response(request.app.state.store, kind, namespace, name)


def get_locations(request: Request) -> Locations:
    app = request.app
    if not hasattr(app.state, "catalog_locations"):
        app.state.catalog_locations = Locations(app.state.store, reader_for(app.state.settings))
    locations: Locations = app.state.catalog_locations
    return locations


def _public(location: CatalogLocation) -> LocationPublic:
    return LocationPublic(
        id=location.id,
        type=location.type,
        target=location.target,
        entityCount=location.entity_count,
        errors=location.errors,
        createdAt=location.created_at,
        refreshedAt=location.refreshed_at,
    )


@router.post("/locations", status_code=status.HTTP_201_CREATED, response_model=LocationPublic)
def create_location(
    body: LocationCreate, request: Request, response: Response, principal: CurrentPrincipal
) -> LocationPublic:
    """Register a location and ingest it now; its processing errors are in the answer.

    A `file` location (or a `file://` URL) reads the server's disk: only admins may register one.
    """
    if is_local(body.type, body.target) and not principal.is_admin:
        raise NotAllowedError("only an admin may register a location on the server's own files")
    location = get_locations(request).register(body.type, body.target)
    response.headers["Location"] = f"/api/v1/catalog/locations/{location.id}"
    return _public(location)


@router.get("/locations", response_model=LocationsPublic)
def read_locations(request: Request, _principal: CurrentPrincipal) -> LocationsPublic:
    """Every registered location with its last refresh's errors."""
    data = [_public(loc) for loc in get_locations(request).list()]
    return LocationsPublic(data=data, count=len(data))


@router.get("/locations/{location_id}", response_model=LocationPublic)
def read_location(
    location_id: str, request: Request, _principal: CurrentPrincipal
) -> LocationPublic:
    """One location."""
    return _public(get_locations(request).get(location_id))


@router.delete("/locations/{location_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_location(location_id: str, request: Request, _principal: CurrentPrincipal) -> None:
    """Unregister a location; the entities it yielded are deleted."""
    get_locations(request).delete(location_id)


@router.post("/locations/{location_id}/refresh", response_model=LocationPublic)
def refresh_location(
    location_id: str, request: Request, _principal: CurrentPrincipal
) -> LocationPublic:
    """Read one location again now."""
    return _public(get_locations(request).refresh(location_id))


@router.post("/refresh", response_model=RefreshResult)
def refresh_catalog(request: Request, _principal: AdminPrincipal) -> RefreshResult:
    """Read every location again now (admins)."""
    return RefreshResult(refreshed=get_locations(request).refresh_all())


@router.get("/entity-facets", response_model=FacetsPublic)
def read_facets(
    store: StoreDep,
    _principal: CurrentPrincipal,
    facet: Annotated[list[str], Query()] = [],  # noqa: B006
    filter: FilterParam = [],  # noqa: B006
) -> FacetsPublic:
    """Counts by kind, type, owner, lifecycle, tag… of the entities matching `filter`."""
    wanted = facet or ["kind", "spec.type", "spec.owner", "spec.lifecycle", "metadata.tags"]
    conditions = querying.parse_filters(filter)
    result: dict[str, Any] = {}
    with store.reading() as session:
        for name in wanted:
            if name not in FACETS:
                raise InputError(f"facet must be one of {', '.join(FACETS)}", field="facet")
            pairs = queries.facet_counts(session, FACETS[name], conditions)
            result[name] = [{"value": v, "count": n} for v, n in pairs]
    return FacetsPublic(facets=result)


@router.get("/graph", response_model=GraphPublic)
def read_graph(
    store: StoreDep,
    _principal: CurrentPrincipal,
    root: str,
    depth: int = 2,
    relation: Annotated[list[str], Query()] = [],  # noqa: B006
) -> GraphPublic:
    """The relation graph within `depth` hops of `root` (optionally only some relation types)."""
    with store.reading() as session:
        found = graphing.graph(session, root, depth, tuple(relation) or None)
    return GraphPublic.model_validate(found)


@router.get("/hygiene", response_model=HygienePublic)
def read_hygiene(
    store: StoreDep,
    _principal: CurrentPrincipal,
    staleDays: Annotated[  # noqa: N803 (Backstage-style casing)
        int, Query(ge=1, le=36_500, description="no change in this many days: stale")
    ] = hygiene.DEFAULT_STALE_DAYS,
) -> HygienePublic:
    """Zombie services, orphans and entities with processing errors."""
    with store.reading() as session:
        return HygienePublic.model_validate(hygiene.report(session, staleDays))


@router.get("/export")
def export_entities(
    store: StoreDep,
    _principal: CurrentPrincipal,
    filter: FilterParam = [],  # noqa: B006
) -> Response:
    """Matching entities as `catalog-info.yaml` documents, as their authors wrote them."""
    with store.reading() as session:
        text = exporting.export_yaml(session, querying.parse_filters(filter))
    return Response(text, media_type="application/yaml")
