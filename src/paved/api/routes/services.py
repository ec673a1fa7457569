"""`/api/v1/services`: create, read, list and tear down services; read their credentials."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Response, status

from paved.api.deps import CurrentPrincipal, StoreDep
from paved.orchestrator import credentials, submitting
from paved.schemas.requests import RequestPublic
from paved.schemas.services import CredentialsPublic, ServiceCreate, ServicePublic, ServicesPublic
from paved.store import services

router = APIRouter(prefix="/services", tags=["services"])


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=RequestPublic)
def create_service(
    body: ServiceCreate,
    principal: CurrentPrincipal,
    response: Response,
    idempotency_key: Annotated[
        str | None, Header(alias="Idempotency-Key", max_length=255, min_length=1)
    ] = None,
) -> RequestPublic:
    """Ask for a new service: answers 202 with the request that creates it.

    Policy decides first: a denial answers 403 with the `reasons` (the rules that denied it); a
    request that needs approval answers 202 in the state `waiting_approval`.
    """
    request = submitting.submit_create(principal, body, idempotency_key)
    response.headers["Location"] = f"/api/v1/requests/{request.id}"
    return request


@router.get("", response_model=ServicesPublic)
def read_services(
    store: StoreDep, _principal: CurrentPrincipal, team: str | None = None
) -> ServicesPublic:
    """List services, optionally of one team."""
    with store.reading() as session:
        data = [services.to_public(session, s) for s in services.list_services(session, team=team)]
    return ServicesPublic(data=data, count=len(data))


@router.get("/{name}", response_model=ServicePublic)
def read_service(name: str, store: StoreDep, _principal: CurrentPrincipal) -> ServicePublic:
    """One service with its resources (never their secrets)."""
    with store.reading() as session:
        return services.to_public(session, services.get_service(session, name))


@router.delete("/{name}", status_code=status.HTTP_202_ACCEPTED, response_model=RequestPublic)
def delete_service(name: str, principal: CurrentPrincipal, response: Response) -> RequestPublic:
    """Tear a service down: answers 202 with the request that removes every resource."""
    request = submitting.submit_delete(principal, name)
    response.headers["Location"] = f"/api/v1/requests/{request.id}"
    return request


@router.get("/{name}/credentials", response_model=CredentialsPublic)
def read_service_credentials(name: str, principal: CurrentPrincipal) -> CredentialsPublic:
    """The connection secrets of a service: members of its team only; every read is audited."""
    return credentials.read_credentials(principal, name)
