"""Who is looking at a page: the signed-in session behind the cookie, and the CSRF check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Request
from starlette.datastructures import FormData

from paved.core.errors import NotAllowedError
from paved.core.states import TeamRole
from paved.store import sessions
from paved.store.db import Store
from paved.store.identity import Principal

CSRF_FIELD = "csrf_token"


class SignInRequiredError(Exception):
    """No live session: the page answers with a redirect to the sign-in page."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path

    @property
    def location(self) -> str:
        return f"/sign-in?next={quote(self.next_path, safe='/')}"


@dataclass(frozen=True)
class Viewer:
    """The signed-in user of a page, with the session the portal's own API calls carry."""

    session_id: str
    principal: Principal
    csrf_token: str

    @property
    def user(self) -> str:
        return self.principal.user

    @property
    def is_admin(self) -> bool:
        return self.principal.is_admin

    @property
    def teams(self) -> dict[str, TeamRole]:
        return self.principal.teams

    def may_act_for(self, team: str) -> bool:
        """What the API allows on a team's requests: its members and admins."""
        return self.principal.is_member(team)


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_viewer(request: Request) -> Viewer:
    """The signed-in viewer; `SignInRequiredError` without a cookie of a live session."""
    session_id = request.cookies.get(sessions.COOKIE)
    found = None
    if session_id:
        with store_of(request).reading() as session:
            found = sessions.find_session(session, session_id)
    if session_id is None or found is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequiredError(target)
    return Viewer(session_id, found.principal, found.csrf_token)


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]


async def checked_form(request: Request, viewer: Viewer) -> FormData:
    """The submitted form, once its CSRF token is the session's."""
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not sessions.csrf_matches(viewer.csrf_token, given if isinstance(given, str) else None):
        raise NotAllowedError("the form is stale or was not sent by this portal: reload the page")
    return form


def safe_next(value: str | None) -> str:
    """A redirect target that stays on this site: a path, never `//host` or a scheme."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value
