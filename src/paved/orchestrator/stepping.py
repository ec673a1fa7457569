"""The steps of a request, run as DBOS steps by the workflows.

`act` applies one planned step through its provider ("ensure": observe, then create or update
only what differs; or "delete"). A `TemporaryError` is raised so DBOS retries the step with
backoff; anything else ends the step as failed. Every transition is written to the store, which
the API and its event stream read.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Literal

from paved.core.errors import PavedError, TemporaryError
from paved.core.ids import ExternalName
from paved.core.states import StepState
from paved.orchestrator import specs
from paved.orchestrator.runtime import Runtime, current
from paved.providers.base import Provider, ResourceRef
from paved.reconciler.deciding import Action, decide
from paved.schemas.services import ServiceCreate
from paved.store import requests as rows
from paved.store import services, template_origins
from paved.store.db import Session
from paved.store.models import RequestStep

Outcome = Literal["ok", "failed", "aborted"]


@dataclass(frozen=True)
class _Prepared:
    provider: Provider
    ref: ResourceRef
    spec: dict[str, Any]
    action: str
    size: str


def act(request_id: str, key: str) -> Outcome:
    """Apply one step through its provider; idempotent, so a replay after a crash is safe."""
    runtime = current()
    prepared = _prepare(runtime, request_id, key, StepState.running)
    if prepared is None:
        return "aborted"
    try:
        outputs = _apply(prepared)
    except TemporaryError as err:
        with runtime.store.session() as session:
            rows.note_step_error(
                session, request_id, key, f"{err} (will retry)", reached=not err.unreachable
            )
        raise
    except PavedError as err:
        _end(runtime, request_id, key, StepState.failed, error=str(err))
        return "failed"
    _pause_for_tests(runtime, f"{prepared.action}:{prepared.ref.kind}")
    with runtime.store.session() as session:
        rows.end_step(session, request_id, key, StepState.succeeded, outputs=outputs)
        _record_resource(session, prepared, outputs)
    return "ok"


def compensate(request_id: str, key: str) -> Outcome:
    """Undo one step: delete what it made (absent already is success)."""
    runtime = current()
    prepared = _prepare(runtime, request_id, key, StepState.compensating, compensating=True)
    assert prepared is not None
    try:
        prepared.provider.delete(prepared.ref)
    except TemporaryError as err:
        with runtime.store.session() as session:
            rows.note_step_error(
                session, request_id, key, f"{err} (will retry)", reached=not err.unreachable
            )
        raise
    except PavedError as err:
        _end(runtime, request_id, key, StepState.failed, error=f"roll back failed: {err}")
        return "failed"
    _pause_for_tests(runtime, f"compensate:{prepared.ref.kind}")
    with runtime.store.session() as session:
        rows.end_step(session, request_id, key, StepState.compensated)
        _forget_resource(runtime, session, prepared.ref.external_name)
    return "ok"


def _prepare(
    runtime: Runtime, request_id: str, key: str, state: StepState, *, compensating: bool = False
) -> _Prepared | None:
    """Begin an attempt of the step, then build its provider's spec.

    The spec (a template render, for the repository) is built after the writing transaction,
    so no database lock is held while it renders.
    """
    with runtime.store.session() as session:
        request = rows.get_request(session, request_id)
        if request.abort_requested and not compensating:
            return None
        step = rows.start_step(session, request_id, key, state)
        service = ServiceCreate.model_validate(request.spec)
        action = "delete" if compensating else step.action
        provider = runtime.providers.get(step.kind)
        secrets = {
            name: runtime.secrets.get_or_create(session, specs.secret_ref(step.external_name, name))
            for name in (provider.secret_keys if action != "delete" else ())
        }
    spec = {} if action == "delete" else {**specs.build_spec(runtime, service, step), **secrets}
    return _Prepared(
        provider=provider,
        ref=_ref_of(step, service),
        spec=spec,
        action=action,
        size=_size_of(service, step),
    )


def _apply(prepared: _Prepared) -> dict[str, Any]:
    provider, ref, spec = prepared.provider, prepared.ref, prepared.spec
    if prepared.action == "delete":
        provider.delete(ref)
        return {}
    observation = provider.observe(ref, spec)
    match decide(observation):
        case Action.create:
            return provider.create(ref, spec)
        case Action.update:
            return provider.update(ref, spec)
        case _:
            return dict(observation.outputs)


def _ref_of(step: RequestStep, service: ServiceCreate) -> ResourceRef:
    return ResourceRef(
        kind=step.kind,
        external_name=ExternalName(step.external_name),
        service=service.name,
        team=service.team,
        environment=service.environment,
        name=step.resource,
    )


def _size_of(service: ServiceCreate, step: RequestStep) -> str:
    sizes = {r.resource_name: r.size for r in service.resources if r.type == step.kind}
    return sizes.get(step.resource, "")


def _record_resource(session: Session, prepared: _Prepared, outputs: dict[str, Any]) -> None:
    ref = prepared.ref
    if prepared.action == "delete":
        _forget_resource(current(), session, ref.external_name)
        return
    services.record_resource(
        session,
        service=ref.service,
        external_name=ref.external_name,
        kind=ref.kind,
        name=ref.name,
        size=prepared.size,
        outputs=outputs,
    )
    if ref.kind == "git" and "url" in outputs:
        services.get_service(session, ref.service).repository_url = outputs["url"]
        _record_template_origin(session, prepared, outputs)


def _record_template_origin(session: Session, prepared: _Prepared, outputs: dict[str, Any]) -> None:
    """The repository's first commit is the render of this template version."""
    spec = prepared.spec
    if spec.get("template") and spec.get("template_version") and outputs.get("commit"):
        template_origins.record_origin(
            session,
            prepared.ref.service,
            str(spec["template"]),
            str(spec["template_version"]),
            str(outputs["commit"]),
        )


def _forget_resource(runtime: Runtime, session: Session, external_name: str) -> None:
    services.forget_resource(session, external_name)
    runtime.secrets.delete_prefix(session, specs.secret_ref(external_name, ""))


def _end(runtime: Runtime, request_id: str, key: str, state: StepState, *, error: str) -> None:
    with runtime.store.session() as session:
        rows.end_step(session, request_id, key, state, error=error)


def _pause_for_tests(runtime: Runtime, point: str) -> None:
    """Test hook: stop right after a provider call succeeded, before the step is recorded."""
    if runtime.settings.test_pause_after != point:
        return
    (runtime.settings.home / "paused").write_text(point)
    time.sleep(3600)
