"""`/api/v1/requests`: a request's status with every step, live events, retry and abort."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from sse_starlette import EventSourceResponse, ServerSentEvent

from paved.api.deps import CurrentPrincipal, StoreDep
from paved.core.states import RequestState
from paved.orchestrator import submitting
from paved.schemas.requests import RequestPublic, RequestsPublic
from paved.store import requests as rows
from paved.store.db import Store

router = APIRouter(prefix="/requests", tags=["requests"])
_POLL_SECONDS = 0.2
_ENDS = {state for state in RequestState if state.is_final} | {RequestState.failed}


@router.get("", response_model=RequestsPublic)
def read_requests(
    store: StoreDep,
    _principal: CurrentPrincipal,
    service: str | None = None,
    state: RequestState | None = None,
    limit: Annotated[int, Query(ge=1, le=500, description="at most this many, newest first")] = 50,
) -> RequestsPublic:
    """List requests, newest first."""
    with store.reading() as session:
        found = rows.list_requests(
            session, service=service, state=state.value if state else None, limit=limit
        )
        data = [rows.to_public(session, r) for r in found]
    return RequestsPublic(data=data, count=len(data))


@router.get("/{request_id}", response_model=RequestPublic)
def read_request(request_id: str, _principal: CurrentPrincipal) -> RequestPublic:
    """A request with every step: state, attempts, timings, error and outputs."""
    return submitting.read_request(request_id)


@router.get("/{request_id}/events", response_class=EventSourceResponse)
async def stream_request_events(
    request_id: str, request: Request, store: StoreDep, _principal: CurrentPrincipal
) -> EventSourceResponse:
    """The request as Server-Sent Events: one `request` event per change, until it ends."""
    await run_in_threadpool(submitting.read_request, request_id)
    return EventSourceResponse(_events(store, request_id, request))


async def _events(
    store: Store, request_id: str, request: Request
) -> AsyncIterator[ServerSentEvent]:
    seen: int | None = None
    while not await request.is_disconnected():
        version = await run_in_threadpool(_version, store, request_id)
        if version != seen:
            seen = version
            current = await run_in_threadpool(submitting.read_request, request_id)
            yield ServerSentEvent(data=current.model_dump_json(), event="request", id=str(version))
            if RequestState(current.state) in _ENDS:
                return
        await asyncio.sleep(_POLL_SECONDS)


def _version(store: Store, request_id: str) -> int | None:
    with store.reading() as session:
        return rows.request_version(session, request_id)


@router.post(
    "/{request_id}/retry", status_code=status.HTTP_202_ACCEPTED, response_model=RequestPublic
)
def retry_request(request_id: str, principal: CurrentPrincipal) -> RequestPublic:
    """Continue a failed request from the step that failed; earlier steps are not redone."""
    return submitting.retry(principal, request_id)


@router.post(
    "/{request_id}/abort", status_code=status.HTTP_202_ACCEPTED, response_model=RequestPublic
)
def abort_request(request_id: str, principal: CurrentPrincipal) -> RequestPublic:
    """Stop a request and remove everything it created, last first."""
    return submitting.abort(principal, request_id)
