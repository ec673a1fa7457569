"""Requests and their steps: inserting them, moving them through their states, reading them.

Every change bumps the request's `version`, which the event stream watches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paved.core.errors import ConflictError, NotFoundError
from paved.core.states import RequestState, StepState
from paved.schemas.approvals import ApprovalPublic
from paved.schemas.requests import RequestPublic, StepPublic
from paved.store import approvals
from paved.store.models import Request, RequestStep, utcnow


@dataclass(frozen=True)
class NewStep:
    """One planned step of a new request."""

    key: str
    kind: str
    action: str
    resource: str
    title: str
    external_name: str


def insert_request(
    session: Session,
    *,
    request_id: str,
    run_id: str,
    kind: str,
    service: str,
    team: str,
    environment: str,
    actor: str,
    spec: dict[str, Any],
    steps: list[NewStep],
    state: RequestState = RequestState.accepted,
    policy: dict[str, Any] | None = None,
) -> Request:
    request = Request(
        id=request_id,
        run_id=run_id,
        kind=kind,
        service=service,
        team=team,
        environment=environment,
        actor=actor,
        spec=spec,
        state=state.value,
        policy=policy or {},
    )
    session.add(request)
    for position, step in enumerate(steps):
        session.add(
            RequestStep(
                request_id=request_id,
                key=step.key,
                position=position,
                kind=step.kind,
                action=step.action,
                resource=step.resource,
                title=step.title,
                external_name=step.external_name,
                state=StepState.pending.value,
            )
        )
    session.flush()
    return request


def get_request(session: Session, request_id: str, *, lock: bool = False) -> Request:
    query = select(Request).where(Request.id == request_id)
    if lock:
        query = query.with_for_update()
    request = session.scalar(query)
    if request is None:
        raise NotFoundError(f"request {request_id!r} does not exist", field="id")
    return request


def get_step(session: Session, request_id: str, key: str) -> RequestStep:
    step = session.get(RequestStep, (request_id, key))
    if step is None:
        raise NotFoundError(f"request {request_id!r} has no step {key!r}")
    return step


def steps_of(session: Session, request_id: str) -> list[RequestStep]:
    query = select(RequestStep).where(RequestStep.request_id == request_id)
    return list(session.scalars(query.order_by(RequestStep.position)))


def touch(request: Request, **changes: Any) -> None:
    """Apply `changes` to the request and bump its version."""
    for name, value in changes.items():
        setattr(request, name, value)
    request.version = (request.version or 0) + 1
    request.updated_at = utcnow()


def start_step(session: Session, request_id: str, key: str, state: StepState) -> RequestStep:
    """A new attempt of a step (or of its compensation) begins."""
    step = get_step(session, request_id, key)
    step.state = state.value
    step.attempts += 1
    step.started_at = step.started_at or utcnow()
    step.finished_at = None
    touch(get_request(session, request_id))
    return step


def end_step(
    session: Session,
    request_id: str,
    key: str,
    state: StepState,
    *,
    error: str | None = None,
    outputs: dict[str, Any] | None = None,
) -> RequestStep:
    step = get_step(session, request_id, key)
    step.state = state.value
    step.error = error
    if outputs is not None:
        step.outputs = outputs
    if state is not StepState.running:
        step.finished_at = utcnow()
    touch(get_request(session, request_id))
    return step


def note_step_error(
    session: Session, request_id: str, key: str, error: str, *, reached: bool
) -> None:
    """A transient fault: the step stays running and will be tried again.

    `reached` says the provider reached its system, so the attempt may have changed something;
    a step whose every attempt was unreached made nothing and needs no compensation.
    """
    step = get_step(session, request_id, key)
    step.error = error
    if not reached:
        step.unreached += 1
    touch(get_request(session, request_id))


def end_unstarted(
    request: Request, steps: list[RequestStep], state: RequestState, why: str
) -> None:
    """End a request none of whose steps ran (rejected, expired): every step is skipped."""
    for step in steps:
        step.state = StepState.skipped.value
    touch(request, state=state.value, error=why)


def claim_transition(
    session: Session, request_id: str, allowed: set[RequestState], verb: str
) -> Request:
    """Lock the request and check it may `verb` now; the caller then changes it."""
    request = get_request(session, request_id, lock=True)
    if RequestState(request.state) not in allowed:
        raise ConflictError(
            f"request {request_id} is {request.state}; only a request that is "
            f"{' or '.join(sorted(s.value for s in allowed))} can be {verb}"
        )
    return request


def list_requests(
    session: Session, *, service: str | None = None, state: str | None = None, limit: int = 50
) -> list[Request]:
    query = select(Request).order_by(Request.created_at.desc()).limit(limit)
    if service:
        query = query.where(Request.service == service)
    if state:
        query = query.where(Request.state == state)
    return list(session.scalars(query))


def request_version(session: Session, request_id: str) -> int | None:
    return session.scalar(select(Request.version).where(Request.id == request_id))


def to_public(session: Session, request: Request) -> RequestPublic:
    steps = [
        StepPublic(
            key=s.key,
            kind=s.kind,
            title=s.title,
            state=s.state,
            attempts=s.attempts,
            started_at=s.started_at,
            finished_at=s.finished_at,
            error=s.error,
            outputs=s.outputs,
        )
        for s in steps_of(session, request.id)
    ]
    return RequestPublic(
        id=request.id,
        kind=request.kind,
        service=request.service,
        team=request.team,
        environment=request.environment,
        state=request.state,
        actor=request.actor,
        error=request.error,
        failed_step=request.failed_step,
        decision=request.policy.get("decision"),
        cost=request.policy.get("cost"),
        approval=_approval(session, request.id),
        created_at=request.created_at,
        updated_at=request.updated_at,
        steps=steps,
    )


def _approval(session: Session, request_id: str) -> ApprovalPublic | None:
    approval = approvals.approval_of(session, request_id)
    return approvals.to_public(session, approval) if approval else None
