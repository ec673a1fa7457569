"""Dependencies every router shares: the store, the caller, the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paved.core.errors import NotAllowedError, NotAuthenticatedError
from paved.core.settings import Settings
from paved.store import identity
from paved.store.db import Store
from paved.store.identity import Principal

_bearer = HTTPBearer(auto_error=False, description="an API token: `Authorization: Bearer <token>`")


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def current_principal(
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from the bearer token; 401 without a known one."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticatedError(
            "an API token is required: send 'Authorization: Bearer <token>'"
        )
    with store.reading() as session:
        principal = identity.authenticate(session, credentials.credentials)
    if principal is None:
        raise NotAuthenticatedError("the API token is not known (revoked or mistyped)")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise NotAllowedError("only an admin may do this")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
