"""Users, teams, membership and API tokens (stored as SHA-256 hashes, shown once)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from paved.core.errors import ConflictError, NotFoundError
from paved.core.states import TeamRole
from paved.store.models import ApiToken, Membership, Team, User

TOKEN_PREFIX = "paved_"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, whether an admin, and their role in each team."""

    user: str
    is_admin: bool
    teams: dict[str, TeamRole] = field(default_factory=dict)

    def is_member(self, team: str) -> bool:
        return self.is_admin or team in self.teams


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def ensure_user(session: Session, name: str, *, is_admin: bool = False) -> User:
    user = session.get(User, name)
    if user is None:
        user = User(name=name, is_admin=is_admin)
        session.add(user)
        session.flush()
    elif is_admin and not user.is_admin:
        user.is_admin = True
    return user


def add_token(session: Session, user: str, name: str, token: str | None = None) -> str:
    """Store a token for `user` (a new random one unless given) and return it in clear, once."""
    if session.get(User, user) is None:
        raise NotFoundError(f"user {user!r} does not exist", field="user")
    value = token or new_token()
    session.add(ApiToken(user=user, name=name, token_hash=hash_token(value)))
    session.flush()
    return value


def has_admin(session: Session) -> bool:
    return session.scalar(select(User.name).where(User.is_admin).limit(1)) is not None


def authenticate(session: Session, token: str) -> Principal | None:
    """The principal a bearer token belongs to, or None."""
    row = session.execute(
        select(User)
        .join(ApiToken, ApiToken.user == User.name)
        .where(ApiToken.token_hash == hash_token(token))
    ).scalar_one_or_none()
    if row is None:
        return None
    return principal_of(session, row)


def principal_of(session: Session, user: User) -> Principal:
    roles = session.execute(
        select(Membership.team, Membership.role).where(Membership.user == user.name)
    ).all()
    return Principal(user.name, user.is_admin, {team: TeamRole(role) for team, role in roles})


def create_team(
    session: Session,
    name: str,
    title: str = "",
    *,
    cost_center: str | None = None,
    monthly_budget: float | None = None,
) -> Team:
    if session.get(Team, name) is not None:
        raise ConflictError(f"team {name!r} already exists", field="name")
    team = Team(name=name, title=title, cost_center=cost_center, monthly_budget=monthly_budget)
    session.add(team)
    session.flush()
    return team


def get_team(session: Session, name: str, *, field: str = "team", lock: bool = False) -> Team:
    team = session.get(Team, name, with_for_update=lock)
    if team is None:
        raise NotFoundError(f"team {name!r} does not exist", field=field)
    return team


def team_exists(session: Session, name: str) -> bool:
    return session.get(Team, name) is not None


def list_teams(session: Session) -> list[Team]:
    return list(session.scalars(select(Team).order_by(Team.name)))


def members_of(session: Session, team: str) -> dict[str, TeamRole]:
    rows = session.execute(
        select(Membership.user, Membership.role)
        .where(Membership.team == team)
        .order_by(Membership.user)
    ).all()
    return {user: TeamRole(role) for user, role in rows}


def set_member(session: Session, team: str, user: str, role: TeamRole) -> None:
    """Add `user` (created if new) to `team` with `role`, or change their role."""
    get_team(session, team)
    ensure_user(session, user)
    membership = session.get(Membership, (team, user))
    if membership is None:
        session.add(Membership(team=team, user=user, role=role.value))
    else:
        membership.role = role.value
    session.flush()
