"""Portal sessions: signing in with an API token opens one, signing out (or revoking the token)
ends it.

The browser's cookie holds a random 256-bit session id; the store keeps only its SHA-256 hash,
as it does for API tokens, so a copy of the database opens no session. Each session has its own
CSRF token, which every form (and every cookie-authenticated unsafe API call) must echo.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from paved.core.errors import NotAuthenticatedError
from paved.store import identity
from paved.store.identity import Principal, hash_token
from paved.store.models import ApiToken, PortalSession, User, utcnow

SESSION_LIFETIME = timedelta(hours=12)
COOKIE = "paved_session"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class OpenSession:
    """A live session: who it is, and the CSRF token its forms must carry."""

    principal: Principal
    csrf_token: str


def open_session(session: Session, token: str) -> tuple[str, OpenSession]:
    """Sign in with an API token: the new session id (for the cookie, shown once) and session."""
    found = session.execute(
        select(ApiToken.id, User)
        .join(User, User.name == ApiToken.user)
        .where(ApiToken.token_hash == hash_token(token))
    ).one_or_none()
    if found is None:
        raise NotAuthenticatedError("that API token is not known (revoked or mistyped)")
    token_id, user = found
    session_id = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(PortalSession).where(PortalSession.expires_at < now))
    session.add(
        PortalSession(
            id_hash=hash_token(session_id),
            user=user.name,
            token_id=token_id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return session_id, OpenSession(identity.principal_of(session, user), csrf)


def find_session(session: Session, session_id: str) -> OpenSession | None:
    """The live session with this id, or None (unknown, expired, or its token was revoked)."""
    found = session.execute(
        select(PortalSession.csrf_token, PortalSession.expires_at, User)
        .join(User, User.name == PortalSession.user)
        .join(ApiToken, ApiToken.id == PortalSession.token_id)
        .where(PortalSession.id_hash == hash_token(session_id))
    ).one_or_none()
    if found is None:
        return None
    csrf, expires_at, user = found
    if _aware(expires_at) <= utcnow():
        return None
    return OpenSession(identity.principal_of(session, user), csrf)


def close_session(session: Session, session_id: str) -> None:
    """Sign out: the session id is no longer accepted anywhere."""
    session.execute(delete(PortalSession).where(PortalSession.id_hash == hash_token(session_id)))


def csrf_matches(expected: str, given: str | None) -> bool:
    """Compare CSRF tokens in constant time."""
    return given is not None and hmac.compare_digest(expected.encode(), given.encode())


def _aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
