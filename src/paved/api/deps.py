"""Dependencies every router shares: the store, the caller, the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paved.core.errors import NotAllowedError, NotAuthenticatedError
from paved.core.settings import Settings
from paved.store import identity, sessions
from paved.store.db import Store
from paved.store.identity import Principal

BEARER_SCHEME = "HTTPBearer"
BEARER_DESCRIPTION = "an API token: `Authorization: Bearer <token>`"
_bearer = HTTPBearer(auto_error=False, scheme_name=BEARER_SCHEME, description=BEARER_DESCRIPTION)


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


_SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def current_principal(
    request: Request,
    store: StoreDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, from the bearer token (or the portal's session cookie); 401 without one."""
    cookie = request.cookies.get(sessions.COOKIE)
    if credentials is None and cookie:
        return _session_principal(store, cookie, request)
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise NotAuthenticatedError(
            "an API token is required: send 'Authorization: Bearer <token>'"
        )
    with store.reading() as session:
        principal = identity.authenticate(session, credentials.credentials)
    if principal is None:
        raise NotAuthenticatedError("the API token is not known (revoked or mistyped)")
    return principal


def _session_principal(store: Store, cookie: str, request: Request) -> Principal:
    """A browser signed in to the portal; a change must echo the session's CSRF token."""
    with store.reading() as session:
        found = sessions.find_session(session, cookie)
    if found is None:
        raise NotAuthenticatedError("the portal session has ended: sign in again")
    unsafe = request.method not in _SAFE_METHODS
    if unsafe and not sessions.csrf_matches(
        found.csrf_token, request.headers.get(sessions.CSRF_HEADER)
    ):
        raise NotAllowedError(
            f"a change made with the portal's cookie needs its {sessions.CSRF_HEADER} header"
        )
    return found.principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def require_admin(principal: CurrentPrincipal) -> Principal:
    if not principal.is_admin:
        raise NotAllowedError("only an admin may do this")
    return principal


AdminPrincipal = Annotated[Principal, Depends(require_admin)]
