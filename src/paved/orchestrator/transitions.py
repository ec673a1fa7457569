"""Request-level transitions, each run as one DBOS step: begin, finish, fail, roll back."""

from __future__ import annotations

from paved.core.states import RequestKind, RequestState, ServiceState, StepState
from paved.orchestrator.runtime import current
from paved.store import requests as rows
from paved.store import services

_UNDOABLE = {StepState.succeeded, StepState.failed, StepState.running, StepState.compensating}


def begin_apply(request_id: str) -> list[str]:
    """Mark the request running; the keys of its steps still to do, in order."""
    with current().store.session() as session:
        request = rows.get_request(session, request_id)
        rows.touch(request, state=RequestState.running.value, error=None, failed_step=None)
        return [s.key for s in rows.steps_of(session, request_id) if s.state != StepState.succeeded]


def finish_apply(request_id: str) -> str:
    """All steps done: the request succeeded, unless an abort arrived meanwhile."""
    with current().store.session() as session:
        request = rows.get_request(session, request_id, lock=True)
        if request.abort_requested:
            return "aborted"
        rows.touch(request, state=RequestState.succeeded.value)
        if request.kind == RequestKind.delete_service:
            services.remove_service(session, request.service)
        else:
            services.get_service(session, request.service).state = ServiceState.active.value
        return "succeeded"


def fail(request_id: str, key: str, error: str) -> str:
    """A step failed for good: the request stops there and says why."""
    with current().store.session() as session:
        step = rows.get_step(session, request_id, key)
        reason = (error or step.error or "failed").removesuffix(" (will retry)")
        if step.attempts > 1:
            reason = f"{reason} (after {step.attempts} attempts)"
        rows.end_step(session, request_id, key, StepState.failed, error=reason)
        request = rows.get_request(session, request_id)
        rows.touch(
            request,
            state=RequestState.failed.value,
            error=f"{step.title}: {reason}",
            failed_step=key,
        )
        service = services.find_service(session, request.service)
        if service is not None and request.kind == RequestKind.create_service:
            service.state = ServiceState.failed.value
    return "failed"


def begin_roll_back(request_id: str) -> list[str]:
    """Mark the request rolling back; the keys of the steps to undo, last first.

    Steps that never ran, or whose every attempt failed to reach its system, made nothing:
    they are skipped.
    """
    with current().store.session() as session:
        request = rows.get_request(session, request_id)
        rows.touch(
            request,
            state=RequestState.rolling_back.value,
            phase="rollback",
            error=None,
            failed_step=None,
        )
        steps = rows.steps_of(session, request_id)
        for step in steps:
            if step.state == StepState.pending or step.attempts == step.unreached:
                step.state = StepState.skipped.value
        return [s.key for s in reversed(steps) if StepState(s.state) in _UNDOABLE]


def finish_roll_back(request_id: str) -> str:
    """Everything undone: the service record goes too."""
    with current().store.session() as session:
        request = rows.get_request(session, request_id)
        rows.touch(request, state=RequestState.rolled_back.value)
        services.remove_service(session, request.service)
    return "rolled_back"
