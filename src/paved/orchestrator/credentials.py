"""Reading a service's connection secrets: members of its team only, every read audited."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from paved.core.errors import NotAllowedError
from paved.orchestrator.runtime import current
from paved.orchestrator.specs import secret_ref
from paved.providers import postgres, redis_users
from paved.schemas.services import Credential, CredentialsPublic
from paved.store import audit, services
from paved.store.identity import Principal

_URLS: dict[str, Callable[[dict[str, Any], str], str]] = {
    "postgres": postgres.connection_url,
    "redis": redis_users.connection_url,
}


def read_credentials(principal: Principal, name: str) -> CredentialsPublic:
    runtime = current()
    with runtime.store.reading() as session:
        team = services.get_service(session, name).team
    if team not in principal.teams:
        with runtime.store.session() as session:
            audit.record(session, principal.user, "credentials.denied", f"service:{name}")
        raise NotAllowedError(f"only members of team {team} may read these credentials")
    with runtime.store.session() as session:
        data: list[Credential] = []
        for resource in services.resources_of(session, name):
            provider = runtime.providers.get(resource.kind)
            if not provider.secret_keys:
                continue
            values = {k: str(v) for k, v in resource.outputs.items()}
            for key in provider.secret_keys:
                values[key] = (
                    runtime.secrets.get(session, secret_ref(resource.external_name, key)) or ""
                )
            if resource.kind in _URLS and values.get("password"):
                values["url"] = _URLS[resource.kind](dict(resource.outputs), values["password"])
            data.append(Credential(resource=resource.name, type=resource.kind, values=values))
        audit.record(
            session,
            principal.user,
            "credentials.read",
            f"service:{name}",
            resources=[c.resource for c in data],
        )
    return CredentialsPublic(service=name, data=data)
