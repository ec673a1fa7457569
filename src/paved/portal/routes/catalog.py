"""Catalog: search services, and a service's page with its resources and recent requests.

Until the catalog API (issue 4) lands, search covers services by name and description only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from paved.portal.rendering import page
from paved.portal.viewers import CurrentViewer, store_of
from paved.store import overview, services
from paved.store import requests as rows

router = APIRouter()


@router.get("/catalog", response_class=HTMLResponse)
def catalog(request: Request, viewer: CurrentViewer, q: str = "") -> HTMLResponse:
    """Search the catalog."""
    query = q.strip()[:200]
    with store_of(request).reading() as session:
        found, total = overview.search_services(session, query, limit=50)
    return page(request, "catalog.html", viewer, q=query, found=found, total=total)


@router.get("/services/{name}", response_class=HTMLResponse)
def service_page(request: Request, name: str, viewer: CurrentViewer) -> HTMLResponse:
    """One service: owner, state, repository, resources, recent requests."""
    with store_of(request).reading() as session:
        service = services.to_public(session, services.get_service(session, name))
        recent = rows.list_requests(session, service=name, limit=10)
    return page(request, "service.html", viewer, service=service, recent=recent)
