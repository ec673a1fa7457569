"""Signing in with an API token, and signing out.

The sign-in form is protected from login CSRF by a double-submit token: a random value in a
short-lived cookie that the form must repeat.
"""

from __future__ import annotations

import secrets

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paved.core.errors import NotAuthenticatedError
from paved.portal.rendering import page
from paved.portal.viewers import CSRF_FIELD, CurrentViewer, checked_form, safe_next, store_of
from paved.store import sessions
from paved.store.db import Store

router = APIRouter()
_PRE_COOKIE = "paved_signin_csrf"


def _secure(request: Request) -> bool:
    """Secure cookies whenever the portal is reached over HTTPS (directly or per its public URL)."""
    public_url = request.app.state.settings.public_url or ""
    return request.url.scheme == "https" or public_url.startswith("https://")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/", error: str = "") -> Response:
    """The sign-in page: paste an API token."""
    pre = secrets.token_urlsafe(32)
    response = page(
        request, "sign_in.html", None, next=safe_next(next), pre_csrf=pre, error=error, status=200
    )
    response.set_cookie(
        _PRE_COOKIE, pre, max_age=3600, httponly=True, samesite="strict", secure=_secure(request)
    )
    return response


@router.post("/sign-in")
async def sign_in(request: Request) -> Response:
    """Open a session for the token's user and go where they were heading."""
    form = await request.form()
    target = safe_next(str(form.get("next") or "/"))
    pre = request.cookies.get(_PRE_COOKIE)
    if not pre or not sessions.csrf_matches(pre, str(form.get(CSRF_FIELD) or "")):
        return _again(request, target, "The sign-in form expired: try again.")
    token = str(form.get("token") or "").strip()
    if not token:
        return _again(request, target, "Paste your API token.")
    try:
        session_id = await run_in_threadpool(_open, store_of(request), token)
    except NotAuthenticatedError as err:
        return _again(request, target, str(err).capitalize() + ".")
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        sessions.COOKIE,
        session_id,
        max_age=int(sessions.SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(request),
    )
    response.delete_cookie(_PRE_COOKIE)
    return response


def _open(store: Store, token: str) -> str:
    with store.session() as session:
        session_id, _ = sessions.open_session(session, token)
    return session_id


def _close(store: Store, session_id: str) -> None:
    with store.session() as session:
        sessions.close_session(session, session_id)


def _again(request: Request, target: str, error: str) -> Response:
    response = sign_in_form(request, next=target, error=error)
    response.status_code = 401
    return response


@router.post("/sign-out")
async def sign_out(request: Request, viewer: CurrentViewer) -> Response:
    """End the session everywhere: the cookie's id is no longer accepted."""
    await checked_form(request, viewer)
    await run_in_threadpool(_close, store_of(request), viewer.session_id)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(sessions.COOKIE)
    return response
