"""Home: my teams' services, requests in flight, approvals waiting for me, recent failures."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from paved.core.states import RequestState
from paved.orchestrator import approving
from paved.portal.rendering import page
from paved.portal.viewers import CurrentViewer, Viewer, store_of
from paved.store import overview

router = APIRouter()
IN_FLIGHT = (
    RequestState.waiting_approval,
    RequestState.accepted,
    RequestState.running,
    RequestState.rolling_back,
)


def teams_shown(viewer: Viewer) -> list[str] | None:
    """The teams a page is about: the viewer's, or every team for an admin in none."""
    if not viewer.teams and viewer.is_admin:
        return None
    return sorted(viewer.teams)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """The front page."""
    teams = teams_shown(viewer)
    with store_of(request).reading() as session:
        services, service_count = overview.services_of(session, teams, limit=15)
        in_flight = overview.requests_in(session, teams, [s.value for s in IN_FLIGHT], limit=15)
        failures = overview.requests_in(session, teams, [RequestState.failed.value], limit=10)
    approvals = approving.list_approvals(viewer.principal, decidable=True, limit=10)
    return page(
        request,
        "home.html",
        viewer,
        services=services,
        service_count=service_count,
        in_flight=in_flight,
        failures=failures,
        approvals=approvals,
    )
