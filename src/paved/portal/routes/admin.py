"""Admin: teams, members and roles, API tokens (shown once). Every change goes through the API,
which decides who may make it: admins create teams, leads manage their team, everyone may
create tokens for themselves."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paved.core.states import TeamRole
from paved.portal.calling import RefusedError, call_api
from paved.portal.rendering import page
from paved.portal.viewers import CurrentViewer, Viewer, checked_form, store_of
from paved.store import identity

router = APIRouter()


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Teams and their members, and the forms to change them."""
    return _render(request, viewer)


def _render(
    request: Request,
    viewer: Viewer,
    *,
    errors: dict[str, str] | None = None,
    new_token: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with store_of(request).reading() as session:
        teams = [
            (team, identity.members_of(session, team.name)) for team in identity.list_teams(session)
        ]
    leads_of = sorted(t for t, role in viewer.teams.items() if role == TeamRole.lead)
    return page(
        request,
        "admin.html",
        viewer,
        teams=teams,
        managed=[t.name for t, _ in teams] if viewer.is_admin else leads_of,
        roles=[r.value for r in TeamRole],
        errors=errors or {},
        new_token=new_token,
        status=status,
    )


_ACTIONS = {
    "team": ("POST", "/api/v1/teams", ("name", "title")),
    "member": ("POST", "/api/v1/teams/{team}/members", ("user", "role")),
    "token": ("POST", "/api/v1/users/{user}/tokens", ("name",)),
}


@router.post("/admin/{action}", response_class=HTMLResponse)
async def admin_change(request: Request, action: str, viewer: CurrentViewer) -> Response:
    """Create a team, set a member's role, or create a token (whose value is shown once)."""
    form = await checked_form(request, viewer)
    if action not in _ACTIONS:
        return await run_in_threadpool(
            lambda: _render(request, viewer, errors={"": f"unknown action {action}"}, status=404)
        )
    method, path, keys = _ACTIONS[action]
    values = {k: str(v).strip() for k, v in form.items() if isinstance(v, str)}
    target = path.format(
        team=quote(values.get("team", ""), safe=""),
        user=quote(values.get("user", viewer.user) or viewer.user, safe=""),
    )
    body = {k: values[k] for k in keys if values.get(k)}
    try:
        answer = await call_api(request, viewer, method, target, json=body)
    except RefusedError as problem:
        errors = {f"{action}.{name}": reason for name, reason in problem.fields.items()}
        errors[action] = problem.detail
        status = problem.status
        return await run_in_threadpool(
            lambda: _render(request, viewer, errors=errors, status=status)
        )
    if action == "token":
        return await run_in_threadpool(lambda: _render(request, viewer, new_token=answer))
    return RedirectResponse("/admin", status_code=303)
