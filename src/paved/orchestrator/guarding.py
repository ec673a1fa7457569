"""Policy at the door: every change is decided before anything is stored or created.

The edge fills in the tags policy requires where Paved knows them (the owning team, its cost
center, a `ttl` for dev); policy then decides and never rewrites. Cost facts come from the price
catalog: what the request adds per month, and what the team's other services already commit.
"""

from __future__ import annotations

from paved.core.errors import PolicyDeniedError
from paved.insights.costing import default_catalog
from paved.orchestrator.runtime import current
from paved.policy.documents import input_for_service
from paved.schemas.policy import Actor, CostFacts, Decision, Outcome, PolicyEvaluation
from paved.schemas.services import ServiceCreate
from paved.store import identity, services
from paved.store.db import Session
from paved.store.identity import Principal

DEV_ENVIRONMENT = "dev"
DEFAULT_DEV_TTL = "7d"


def with_default_tags(session: Session, spec: ServiceCreate) -> ServiceCreate:
    """The service's tags with `team`, the team's `cost-center` and, in dev, a `ttl` filled in
    when not given; the caller's own tags win."""
    team = identity.get_team(session, spec.team)
    defaults = {"team": spec.team}
    if team.cost_center:
        defaults["cost-center"] = team.cost_center
    if spec.environment == DEV_ENVIRONMENT:
        defaults["ttl"] = DEFAULT_DEV_TTL
    return spec.model_copy(update={"tags": {**defaults, **spec.tags}})


def evaluate(session: Session, principal: Principal, spec: ServiceCreate) -> PolicyEvaluation:
    """What policy says about creating `spec` (tags already defaulted), with the facts it saw."""
    catalog = default_catalog()
    team = identity.get_team(session, spec.team)
    others = services.requested_resources(session, spec.team, excluding=spec.name)
    cost = CostFacts(
        currency=catalog.currency,
        estimate_monthly=catalog.total(spec.resources),
        team_spend_monthly=catalog.total(others),
        team_budget_monthly=team.monthly_budget,
    )
    actor = Actor(user=principal.user, is_admin=principal.is_admin, roles=dict(principal.teams))
    document = input_for_service(spec, actor=actor, cost=cost)
    return PolicyEvaluation(decision=current().policy.decide(document), cost=cost, input=document)


def refuse_if_denied(decision: Decision) -> None:
    """A denied decision as the error the edges show (`403` with the reasons)."""
    if decision.outcome is not Outcome.deny:
        return
    raise PolicyDeniedError(
        "; ".join(f"{r.message} [policy: {r.rule}]" for r in decision.reasons) or "denied",
        reasons=[r.model_dump() for r in decision.reasons],
    )
