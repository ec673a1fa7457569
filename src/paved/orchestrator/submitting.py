"""The orchestrator's front door: validate a request, store it, start its workflow.

The edges (API, CLI, portal) call these functions and never import DBOS. A request is stored
before its workflow is queued; `recover` queues any whose process died in between, and the
workflow id derived from the request makes queuing twice harmless.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from dbos import DBOS

from paved.core.errors import (
    ConflictError,
    InputError,
    NotAllowedError,
    PavedError,
    PolicyDeniedError,
)
from paved.core.ids import RunId, new_request_id, run_id_for
from paved.core.states import RequestKind, RequestState, ServiceState
from paved.orchestrator import approving, guarding, workflows
from paved.orchestrator.planning import SERVICE_KINDS, plan_create, plan_delete
from paved.orchestrator.queuing import enqueue
from paved.orchestrator.runtime import current
from paved.schemas.policy import Approver, Outcome, PolicyEvaluation
from paved.schemas.requests import RequestPublic
from paved.schemas.services import ServiceCreate
from paved.store import approvals, audit, idempotency, identity, services
from paved.store import requests as rows
from paved.store.db import Session
from paved.store.identity import Principal
from paved.store.models import Request
from paved.templates.scaffolding import provided_values

_RUNNING = {RequestState.accepted, RequestState.running, RequestState.rolling_back}


def resource_types() -> list[str]:
    """The resource types a service may ask for."""
    return [k for k in current().providers.kinds() if k not in SERVICE_KINDS]


def validate_create(principal: Principal, spec: ServiceCreate) -> ServiceCreate:
    """Check the request against templates, teams, resource types and the caller's rights."""
    runtime = current()
    template = runtime.templates.get(spec.template)
    provided = provided_values(template, spec, runtime.repository_url(spec.name))
    parameters = runtime.templates.validate_parameters(spec.template, spec.parameters, provided)
    with runtime.store.reading() as session:
        if not identity.team_exists(session, spec.team):
            raise InputError(f"team {spec.team!r} does not exist", field="team")
    if not principal.is_member(spec.team):
        raise NotAllowedError(f"{principal.user} is not a member of team {spec.team}")
    known = resource_types()
    for index, resource in enumerate(spec.resources):
        if resource.type not in known:
            raise InputError(
                f"unknown resource type {resource.type!r}; known: {', '.join(known)}",
                field=f"resources.{index}.type",
            )
        if template.resources is not None and resource.type not in template.resources:
            raise InputError(
                f"template {template.name} cannot use {resource.type!r}; it can use: "
                f"{', '.join(template.resources) or 'no resources'}",
                field=f"resources.{index}.type",
            )
        runtime.providers.get(resource.type).check_available()
    return spec.model_copy(update={"parameters": parameters})


def submit_create(
    principal: Principal, spec: ServiceCreate, idempotency_key: str | None = None
) -> RequestPublic:
    """Accept a create-service request: decide it by policy, store it, and queue its workflow
    (or, if policy wants an approval, leave it waiting for one)."""
    spec = validate_create(principal, spec)
    fingerprint = _fingerprint("create_service", spec.model_dump(mode="json"))
    runtime = current()
    if idempotency_key:
        with runtime.store.session() as session:
            existing = idempotency.claim(session, principal.user, idempotency_key, fingerprint)
        if existing:
            _enqueue_pending(existing)
            return read_request(existing)
    request_id = new_request_id()
    try:
        with runtime.store.session() as session:
            waiting = _decide_and_insert(session, principal, spec, request_id)
            if idempotency_key:
                idempotency.bind(session, principal.user, idempotency_key, request_id)
    except PavedError as err:
        with runtime.store.session() as session:
            if isinstance(err, PolicyDeniedError):
                audit.record(
                    session,
                    principal.user,
                    "policy.deny",
                    f"service:{spec.name}",
                    reasons=err.reasons,
                    team=spec.team,
                    environment=spec.environment,
                )
            if idempotency_key:
                idempotency.release(session, principal.user, idempotency_key)
        raise
    if not waiting:
        enqueue(workflows.apply_request_workflow, run_id_for(request_id), request_id)
    return read_request(request_id)


def evaluate_create(principal: Principal, spec: ServiceCreate) -> PolicyEvaluation:
    """A dry run: what policy would decide about creating `spec`, and why; nothing is stored."""
    spec = validate_create(principal, spec)
    with current().store.reading() as session:
        return guarding.evaluate(session, principal, guarding.with_default_tags(session, spec))


def _decide_and_insert(
    session: Session, principal: Principal, spec: ServiceCreate, request_id: str
) -> bool:
    """Decide the request and store it; True if it waits for an approval.

    The team's row is locked first, so two requests of one team are decided one after the
    other and together never cross its budget.
    """
    identity.get_team(session, spec.team, lock=True)
    spec = guarding.with_default_tags(session, spec)
    evaluation = guarding.evaluate(session, principal, spec)
    decision = evaluation.decision
    guarding.refuse_if_denied(decision)
    waiting = decision.outcome is Outcome.needs_approval
    services.insert_service(
        session,
        spec,
        request_id,
        ServiceState.waiting_approval if waiting else ServiceState.provisioning,
    )
    _insert(
        session,
        request_id,
        RequestKind.create_service,
        spec,
        principal.user,
        state=RequestState.waiting_approval if waiting else RequestState.accepted,
        policy={
            "decision": decision.model_dump(mode="json"),
            "cost": evaluation.cost.model_dump(mode="json"),
        },
    )
    audit.record(
        session,
        principal.user,
        f"policy.{decision.outcome.value}",
        f"request:{request_id}",
        reasons=[r.model_dump() for r in decision.reasons],
        revision=decision.policy_revision,
    )
    if waiting:
        approver = decision.approvers[0] if decision.approvers else Approver(team=spec.team)
        approvals.insert_approval(
            session,
            request_id=request_id,
            team=approver.team,
            role=approver.role,
            requested_by=principal.user,
            reasons=[r.model_dump() for r in decision.reasons],
            timeout=timedelta(seconds=current().settings.approval_timeout),
        )
    return waiting


def submit_delete(principal: Principal, name: str) -> RequestPublic:
    """Tear a service down: a tracked request that removes every resource it has."""
    runtime = current()
    request_id = new_request_id()
    with runtime.store.session() as session:
        service = services.get_service(session, name, lock=True)
        if not principal.is_member(service.team):
            raise NotAllowedError(f"{principal.user} is not a member of team {service.team}")
        _check_deletable(name, ServiceState(service.state), service.request_id)
        spec = ServiceCreate.model_validate(service.spec)
        _insert(session, request_id, RequestKind.delete_service, spec, principal.user)
        service.state = ServiceState.deleting.value
        service.request_id = request_id
    enqueue(workflows.apply_request_workflow, run_id_for(request_id), request_id)
    return read_request(request_id)


_BUSY = {
    ServiceState.waiting_approval: "is waiting for approval (request {r}): an approver decides "
    "first",
    ServiceState.provisioning: "is being created by request {r}: wait for it, or abort it",
    ServiceState.failed: "failed to be created (request {r}): retry that request, or abort it "
    "to remove what it made",
    ServiceState.deleting: "is being deleted by request {r}; if that failed, retry it",
}


def _check_deletable(name: str, state: ServiceState, request_id: str | None) -> None:
    if state in _BUSY:
        raise ConflictError(f"service {name} " + _BUSY[state].format(r=request_id))


def retry(principal: Principal, request_id: str) -> RequestPublic:
    """Continue a failed request from the failed step (or its roll back from where it stopped)."""
    with current().store.session() as session:
        request = rows.claim_transition(session, request_id, {RequestState.failed}, "retried")
        _check_member(principal, request)
        run_id = _next_run(request)
        rollback = request.phase == "rollback"
        rows.touch(
            request, state=(RequestState.rolling_back if rollback else RequestState.running).value
        )
    workflow = (
        workflows.roll_back_request_workflow if rollback else workflows.apply_request_workflow
    )
    enqueue(workflow, run_id, request_id)
    return read_request(request_id)


def abort(principal: Principal, request_id: str) -> RequestPublic:
    """Stop a request and remove everything it created, last first (a request still waiting
    for approval is withdrawn: it created nothing)."""
    allowed = {
        RequestState.failed,
        RequestState.accepted,
        RequestState.running,
        RequestState.waiting_approval,
    }
    with current().store.session() as session:
        request = rows.claim_transition(session, request_id, allowed, "aborted")
        _check_member(principal, request)
        if request.kind == RequestKind.delete_service:
            raise ConflictError("a teardown cannot be rolled back; retry it to finish it")
        if request.state == RequestState.waiting_approval:
            approving.withdraw(session, principal.user, request)
            run_id = None
        elif request.state != RequestState.failed:
            rows.touch(request, abort_requested=True)
            run_id = None
        else:
            run_id = _next_run(request)
            rows.touch(request, state=RequestState.rolling_back.value, phase="rollback")
    if run_id is not None:
        enqueue(workflows.roll_back_request_workflow, run_id, request_id)
    return read_request(request_id)


def read_request(request_id: str) -> RequestPublic:
    with current().store.reading() as session:
        return rows.to_public(session, rows.get_request(session, request_id))


def recover() -> int:
    """Queue the workflow of every unfinished request whose process died before queuing it."""
    with current().store.reading() as session:
        pending = [
            (r.id, r.run_id, r.phase)
            for state in _RUNNING
            for r in rows.list_requests(session, state=state.value, limit=10_000)
        ]
    queued = 0
    for request_id, run_id, phase in pending:
        if DBOS.get_workflow_status(run_id) is not None:
            continue  # DBOS resumes workflows it knows of by itself
        workflow = (
            workflows.roll_back_request_workflow
            if phase == "rollback"
            else workflows.apply_request_workflow
        )
        enqueue(workflow, RunId(run_id), request_id)
        queued += 1
    return queued


def _insert(
    session: Session,
    request_id: str,
    kind: RequestKind,
    spec: ServiceCreate,
    actor: str,
    *,
    state: RequestState = RequestState.accepted,
    policy: dict[str, Any] | None = None,
) -> Request:
    plan = plan_create(spec) if kind == RequestKind.create_service else plan_delete(spec)
    return rows.insert_request(
        session,
        request_id=request_id,
        run_id=run_id_for(request_id),
        kind=kind.value,
        service=spec.name,
        team=spec.team,
        environment=spec.environment,
        actor=actor,
        spec=spec.model_dump(mode="json"),
        steps=plan,
        state=state,
        policy=policy,
    )


def _next_run(request: Request) -> RunId:
    runs = request.runs + 1
    run_id = RunId(f"{run_id_for(request.id)}-run{runs}")
    rows.touch(request, runs=runs, run_id=run_id, abort_requested=False)
    return run_id


def _check_member(principal: Principal, request: Request) -> None:
    if not principal.is_member(request.team):
        raise NotAllowedError(f"{principal.user} is not a member of team {request.team}")


def _enqueue_pending(request_id: str) -> None:
    with current().store.reading() as session:
        request = rows.get_request(session, request_id)
        if RequestState(request.state) not in _RUNNING or request.phase != "apply":
            return
        run_id = RunId(request.run_id)
    enqueue(workflows.apply_request_workflow, run_id, request_id)


def _fingerprint(operation: str, body: object) -> str:
    canonical = json.dumps([operation, body], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
