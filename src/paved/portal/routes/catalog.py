"""Catalog: search and filter entities with facets (through the catalog API), an entity's page
with its owner, system, links, annotations, relations and a drawn graph; and a Paved service's
page with its resources and recent requests."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from paved.portal.calling import RefusedError, call_api
from paved.portal.graph_drawing import draw
from paved.portal.rendering import error_page, page
from paved.portal.viewers import CurrentViewer, store_of
from paved.store import requests as rows
from paved.store import services

router = APIRouter()
FACETS = {
    "kind": "kind",
    "type": "spec.type",
    "owner": "spec.owner",
    "lifecycle": "spec.lifecycle",
    "tag": "metadata.tags",
}
LIMIT = 50


@router.get("/catalog", response_class=HTMLResponse)
async def catalog(request: Request, viewer: CurrentViewer, q: str = "") -> HTMLResponse:
    """Search (full text) and filter by kind, type, owner, lifecycle and tag, with counts."""
    text = q.strip()[:200]
    chosen = {k: request.query_params.get(k, "").strip() for k in FACETS}
    chosen = {k: v for k, v in chosen.items() if v}
    conditions = ",".join(f"{FACETS[k]}={v}" for k, v in chosen.items())
    params: dict[str, Any] = {"limit": LIMIT}
    if conditions:
        params["filter"] = conditions
    if text:
        params["q"] = text
    path = "/api/v1/catalog/entities/by-query" if text else "/api/v1/catalog/entities"
    facet_query = urlencode(
        [("facet", f) for f in FACETS.values()] + ([("filter", conditions)] if conditions else [])
    )
    try:
        found = await call_api(request, viewer, "GET", f"{path}?{urlencode(params)}")
        facets = await call_api(
            request, viewer, "GET", f"/api/v1/catalog/entity-facets?{facet_query}"
        )
    except RefusedError as problem:
        return error_page(request, viewer, problem.status, problem.detail)
    return page(
        request,
        "catalog.html",
        viewer,
        q=text,
        chosen=chosen,
        items=found["items"],
        total=found["totalItems"],
        facets={name: facets["facets"].get(field, []) for name, field in FACETS.items()},
        link=lambda **change: _link(text, chosen, change),
    )


def _link(text: str, chosen: dict[str, str], change: dict[str, str]) -> str:
    """The catalog URL with one facet chosen (or cleared, with an empty value)."""
    values = {**chosen, **change}
    query = [("q", text)] if text else []
    query += [(k, v) for k, v in values.items() if v]
    return "/catalog" + (f"?{urlencode(query)}" if query else "")


@router.get("/catalog/{kind}/{namespace}/{name}", response_class=HTMLResponse)
async def entity_page(
    request: Request, kind: str, namespace: str, name: str, viewer: CurrentViewer
) -> HTMLResponse:
    """One entity: what it is, who owns it, what it relates to (listed and drawn)."""
    segments = "/".join(quote(s, safe="") for s in (kind, namespace, name))
    try:
        entity = await call_api(
            request, viewer, "GET", f"/api/v1/catalog/entities/by-name/{segments}"
        )
        ref = f"{kind}:{namespace}/{name}".lower()
        graph = await call_api(
            request, viewer, "GET", f"/api/v1/catalog/graph?{urlencode({'root': ref, 'depth': 1})}"
        )
    except RefusedError as problem:
        return error_page(request, viewer, problem.status, problem.detail)
    service = None
    if entity.get("kind") == "Component":
        service = await run_in_threadpool(_service_of, request, name)
    return page(
        request,
        "entity.html",
        viewer,
        entity=entity,
        graph=Markup(draw(graph)),  # noqa: S704  drawn from escaped text only
        service=service,
    )


def _service_of(request: Request, name: str) -> Any:
    with store_of(request).reading() as session:
        found = services.find_service(session, name)
        return services.to_public(session, found) if found is not None else None


@router.get("/services/{name}", response_class=HTMLResponse)
def service_page(request: Request, name: str, viewer: CurrentViewer) -> HTMLResponse:
    """One service: owner, state, repository, resources, recent requests."""
    with store_of(request).reading() as session:
        service = services.to_public(session, services.get_service(session, name))
        recent = rows.list_requests(session, service=name, limit=10)
    return page(request, "service.html", viewer, service=service, recent=recent)
