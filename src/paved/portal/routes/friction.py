"""Report friction: a one-line complaint from any page, and the list admins read."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paved.portal.calling import RefusedError, call_api
from paved.portal.rendering import error_page, page
from paved.portal.viewers import CurrentViewer, checked_form, safe_next

router = APIRouter()


@router.post("/friction")
async def report_friction(request: Request, viewer: CurrentViewer) -> Response:
    """Record the complaint through the API and go back to the page it came from."""
    form = await checked_form(request, viewer)
    where = safe_next(str(form.get("page") or "/"))
    body = {"text": str(form.get("text") or ""), "page": where}
    try:
        await call_api(request, viewer, "POST", "/api/v1/friction", json=body)
    except RefusedError as problem:
        return error_page(request, viewer, problem.status, f"Not recorded: {problem.detail}")
    joiner = "&" if "?" in where else "?"
    return RedirectResponse(f"{where}{joiner}reported=1", status_code=303)


@router.get("/admin/friction", response_class=HTMLResponse)
async def friction_list(request: Request, viewer: CurrentViewer) -> Response:
    """Every friction report, newest first (admins only: the API refuses anyone else)."""
    try:
        reports = await call_api(request, viewer, "GET", "/api/v1/friction?limit=200")
    except RefusedError as problem:
        return error_page(request, viewer, problem.status, problem.detail)
    return page(request, "friction.html", viewer, reports=reports)
