"""`/api/v1/teams`, `/api/v1/users/{user}/tokens` and `/api/v1/whoami`: who may do what."""

from __future__ import annotations

from fastapi import APIRouter, status

from paved.api.deps import AdminPrincipal, CurrentPrincipal, StoreDep
from paved.core.errors import NotAllowedError
from paved.core.states import TeamRole
from paved.insights.costing import team_spend
from paved.schemas.teams import (
    MemberAdd,
    TeamCreate,
    TeamPublic,
    TeamsPublic,
    TeamUpdate,
    TokenCreate,
    TokenCreated,
    WhoAmI,
)
from paved.store import audit, identity, services
from paved.store.db import Session
from paved.store.models import utcnow

router = APIRouter(tags=["teams"])


@router.post("/teams", status_code=status.HTTP_201_CREATED, response_model=TeamPublic)
def create_team(body: TeamCreate, store: StoreDep, principal: AdminPrincipal) -> TeamPublic:
    """Create a team (admins only)."""
    with store.session() as session:
        identity.create_team(
            session,
            body.name,
            body.title,
            cost_center=body.cost_center,
            monthly_budget=body.monthly_budget,
        )
        audit.record(session, principal.user, "team.create", f"team:{body.name}")
        return _public(session, body.name)


@router.patch("/teams/{team}", response_model=TeamPublic)
def update_team(
    team: str, body: TeamUpdate, store: StoreDep, principal: AdminPrincipal
) -> TeamPublic:
    """Change a team's title, cost center or monthly budget (admins only); null clears."""
    changes = body.model_dump(exclude_unset=True)
    with store.session() as session:
        found = identity.get_team(session, team, field="team", lock=True)
        for name, value in changes.items():
            setattr(found, name, value)
        audit.record(session, principal.user, "team.update", f"team:{team}", **changes)
        return _public(session, team)


@router.get("/teams", response_model=TeamsPublic)
def read_teams(store: StoreDep, _principal: CurrentPrincipal) -> TeamsPublic:
    """List teams with their members."""
    with store.reading() as session:
        data = [_public(session, t.name) for t in identity.list_teams(session)]
    return TeamsPublic(data=data, count=len(data))


@router.post("/teams/{team}/members", response_model=TeamPublic)
def add_team_member(
    team: str, body: MemberAdd, store: StoreDep, principal: CurrentPrincipal
) -> TeamPublic:
    """Add a user to a team (or change their role): admins and the team's leads."""
    if not (principal.is_admin or principal.teams.get(team) == TeamRole.lead):
        raise NotAllowedError(f"only an admin or a lead of team {team} may change its members")
    with store.session() as session:
        identity.set_member(session, team, body.user, body.role)
        audit.record(
            session,
            principal.user,
            "team.member",
            f"team:{team}",
            user=body.user,
            role=body.role.value,
        )
        return _public(session, team)


@router.post(
    "/users/{user}/tokens", status_code=status.HTTP_201_CREATED, response_model=TokenCreated
)
def create_user_token(
    user: str, body: TokenCreate, store: StoreDep, principal: CurrentPrincipal
) -> TokenCreated:
    """Issue an API token for a user (admins, or users for themselves); it is shown only once."""
    if not (principal.is_admin or principal.user == user):
        raise NotAllowedError("only an admin may issue tokens for another user")
    with store.session() as session:
        token = identity.add_token(session, user, body.name)
        audit.record(session, principal.user, "token.create", f"user:{user}", name=body.name)
    return TokenCreated(user=user, name=body.name, token=token, created_at=utcnow())


def _public(session: Session, name: str) -> TeamPublic:
    """A team with its members and its committed monthly spend."""
    team = identity.get_team(session, name)
    return TeamPublic(
        name=team.name,
        title=team.title,
        cost_center=team.cost_center,
        monthly_budget=team.monthly_budget,
        monthly_spend=team_spend(services.requested_resources(session, name)),
        members=identity.members_of(session, name),
    )


@router.get("/whoami", response_model=WhoAmI)
def read_whoami(principal: CurrentPrincipal) -> WhoAmI:
    """Who the token belongs to."""
    return WhoAmI(user=principal.user, is_admin=principal.is_admin, teams=principal.teams)
