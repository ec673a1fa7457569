"""The request page: every step with state, duration, attempts and error, live over the API's
event stream; Retry and Abort when it failed (for those the API lets act); outputs when done."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paved.core.states import ApprovalState, RequestKind, RequestState
from paved.orchestrator import submitting
from paved.portal.calling import RefusedError, call_api
from paved.portal.rendering import error_page, page
from paved.portal.viewers import CurrentViewer, Viewer, checked_form, store_of
from paved.store import approvals, services

router = APIRouter()
SETTLED = {state for state in RequestState if state.is_final} | {RequestState.failed}


@router.get("/requests/{request_id}", response_class=HTMLResponse)
def request_page(request: Request, request_id: str, viewer: CurrentViewer) -> HTMLResponse:
    """One request, live."""
    return _render(request, viewer, request_id)


def _render(
    request: Request, viewer: Viewer, request_id: str, notice: str = "", status: int = 200
) -> HTMLResponse:
    current = submitting.read_request(request_id)
    with store_of(request).reading() as session:
        found = services.find_service(session, current.service)
        service = services.to_public(session, found) if found is not None else None
    state = RequestState(current.state)
    member = viewer.may_act_for(current.team)
    may_act = member and state is RequestState.failed
    approval = current.approval
    may_decide = (
        approval is not None
        and approval.state == ApprovalState.pending
        and approvals.may_decide(viewer.principal, approval)
    )
    return page(
        request,
        "request.html",
        viewer,
        req=current,
        service=service,
        settled=state in SETTLED,
        may_retry=may_act,
        may_abort=may_act and current.kind == RequestKind.create_service,
        may_withdraw=member and state is RequestState.waiting_approval,
        may_decide=may_decide,
        notice=notice,
        status=status,
    )


@router.post("/requests/{request_id}/{action}")
async def act_on_request(
    request: Request, request_id: str, action: str, viewer: CurrentViewer
) -> Response:
    """Retry or abort, through the API (which refuses anyone not of the request's team)."""
    await checked_form(request, viewer)
    if action not in ("retry", "abort"):
        return error_page(request, viewer, 404, f"there is no action {action!r} on a request")
    path = f"/api/v1/requests/{quote(request_id, safe='')}/{action}"
    try:
        await call_api(request, viewer, "POST", path)
    except RefusedError as problem:
        return await run_in_threadpool(
            _render, request, viewer, request_id, problem.detail, problem.status
        )
    return RedirectResponse(f"/requests/{request_id}", status_code=303)
