"""Services and their resources as Paved records them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from paved.core.errors import ConflictError, NotFoundError
from paved.core.states import ServiceState
from paved.schemas.services import ResourcePublic, ResourceSpec, ServiceCreate, ServicePublic
from paved.store.models import Resource, Service


def insert_service(
    session: Session,
    spec: ServiceCreate,
    request_id: str,
    state: ServiceState = ServiceState.provisioning,
) -> Service:
    """Record a new service; `ConflictError` when the name is taken, even by a concurrent call."""
    if session.get(Service, spec.name) is not None:
        raise _taken(spec.name)
    service = Service(
        name=spec.name,
        team=spec.team,
        template=spec.template,
        environment=spec.environment,
        description=spec.description,
        tags=dict(spec.tags),
        parameters=dict(spec.parameters),
        spec=spec.model_dump(),
        state=state.value,
        request_id=request_id,
    )
    try:
        with session.begin_nested():
            session.add(service)
    except IntegrityError:
        raise _taken(spec.name) from None
    return service


def _taken(name: str) -> ConflictError:
    return ConflictError(f"a service named {name!r} already exists", field="name")


def get_service(session: Session, name: str, *, lock: bool = False) -> Service:
    query = select(Service).where(Service.name == name)
    if lock:
        query = query.with_for_update()
    service = session.scalar(query)
    if service is None:
        raise NotFoundError(f"service {name!r} does not exist", field="name")
    return service


def find_service(session: Session, name: str) -> Service | None:
    return session.get(Service, name)


def list_services(session: Session, *, team: str | None = None) -> list[Service]:
    query = select(Service).order_by(Service.name)
    if team:
        query = query.where(Service.team == team)
    return list(session.scalars(query))


def requested_resources(
    session: Session, team: str, *, excluding: str | None = None
) -> list[ResourceSpec]:
    """Every resource the team's services ask for (made, being made or awaiting approval)."""
    query = select(Service.spec).where(Service.team == team)
    if excluding:
        query = query.where(Service.name != excluding)
    return [
        ResourceSpec.model_validate(resource)
        for spec in session.scalars(query)
        for resource in spec.get("resources", [])
    ]


def resources_of(session: Session, service: str) -> list[Resource]:
    query = select(Resource).where(Resource.service == service).order_by(Resource.created_at)
    return list(session.scalars(query))


def record_resource(
    session: Session,
    *,
    service: str,
    external_name: str,
    kind: str,
    name: str,
    size: str,
    outputs: dict[str, Any],
) -> None:
    """Record (or refresh) a resource the service now has."""
    row = session.get(Resource, external_name)
    if row is None:
        session.add(
            Resource(
                external_name=external_name,
                service=service,
                kind=kind,
                name=name,
                size=size,
                outputs=outputs,
            )
        )
    else:
        row.outputs = outputs


def forget_resource(session: Session, external_name: str) -> None:
    session.execute(delete(Resource).where(Resource.external_name == external_name))


def remove_service(session: Session, name: str) -> None:
    session.execute(delete(Resource).where(Resource.service == name))
    session.execute(delete(Service).where(Service.name == name))


def to_public(session: Session, service: Service) -> ServicePublic:
    resources = [
        ResourcePublic(
            type=r.kind, name=r.name, size=r.size, external_name=r.external_name, outputs=r.outputs
        )
        for r in resources_of(session, service.name)
    ]
    return ServicePublic(
        name=service.name,
        team=service.team,
        template=service.template,
        environment=service.environment,
        description=service.description,
        tags=service.tags,
        state=service.state,
        repository_url=service.repository_url,
        resources=resources,
        request_id=service.request_id,
        created_at=service.created_at,
        updated_at=service.updated_at,
    )
