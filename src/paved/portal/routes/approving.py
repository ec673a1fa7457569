"""Approvals inbox: the requests waiting for the viewer's decision; approve or reject with a
comment, through the API (which refuses self-approval and anyone but a lead or an admin)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paved.core.states import ApprovalState
from paved.orchestrator import approving
from paved.portal.calling import RefusedError, call_api
from paved.portal.rendering import page
from paved.portal.viewers import CurrentViewer, Viewer, checked_form

router = APIRouter()


@router.get("/approvals", response_class=HTMLResponse)
def inbox(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """What waits for me, and what I decided or asked for lately."""
    return _render(request, viewer)


@router.post("/approvals/{approval_id}", response_model=None)
async def decide(request: Request, approval_id: str, viewer: CurrentViewer) -> Response:
    form = await checked_form(request, viewer)
    body = {"decision": str(form.get("decision") or ""), "comment": str(form.get("comment") or "")}
    path = f"/api/v1/approvals/{quote(approval_id, safe='')}"
    try:
        decided = await call_api(request, viewer, "POST", path, json=body)
    except RefusedError as problem:
        return await run_in_threadpool(_render, request, viewer, problem.detail, problem.status)
    return RedirectResponse(f"/requests/{decided['request_id']}", status_code=303)


def _render(request: Request, viewer: Viewer, notice: str = "", status: int = 200) -> HTMLResponse:
    waiting = approving.list_approvals(viewer.principal, decidable=True)
    recent = approving.list_approvals(viewer.principal, state=None, decidable=False, limit=20)
    recent = [
        a for a in recent if a.state != ApprovalState.pending or a.requested_by == viewer.user
    ]
    return page(
        request,
        "approvals.html",
        viewer,
        waiting=waiting,
        recent=recent,
        notice=notice,
        status=status,
    )
