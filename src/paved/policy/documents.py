"""Building the policy input document (its models are in `paved.schemas.policy`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from paved.core.states import TeamRole
from paved.schemas.policy import (
    Actor,
    CostFacts,
    PolicyInput,
    RequestFacts,
    ResourceFacts,
)
from paved.schemas.services import SIZES, ServiceCreate


def input_for_service(
    body: ServiceCreate,
    *,
    actor: Actor,
    cost: CostFacts,
    kind: str = "service.create",
    default_tags: Mapping[str, str] | None = None,
) -> PolicyInput:
    """The input document for creating `body`.

    Every resource carries the service's tags over `default_tags`, and `team` defaults to the
    owning team. A resource's region is its `region` parameter, if any.
    """
    tags = {**(default_tags or {}), "team": body.team, **body.tags}
    resources = [
        ResourceFacts(
            type=r.type,
            name=r.resource_name,
            size=r.size,
            region=r.params.get("region"),
            tags=dict(tags),
        )
        for r in body.resources
    ]
    return PolicyInput(
        actor=actor,
        team=body.team,
        environment=body.environment,
        request=RequestFacts(kind=kind, service=body.name, template=body.template, tags=tags),
        resources=resources,
        cost=cost,
    )


def probe_documents() -> list[dict[str, Any]]:
    """Inputs that exercise every rule path; a new bundle must evaluate them without error."""
    resources = [
        ResourceFacts(type=t, name=f"{t}-{size}", size=size, region=region, tags=tags)
        for t in ("postgres", "redis", "other")
        for size in SIZES
        for region, tags in ((None, {}), ("eu-west-1", {"team": "t", "ttl": "7d"}))
    ]
    cost = CostFacts(estimate_monthly=10.5, team_spend_monthly=100, team_budget_monthly=50)
    actor = Actor(user="probe", roles={"t": TeamRole.lead})
    return [
        PolicyInput(
            actor=actor,
            team="t",
            environment=env,
            request=RequestFacts(service="probe", template="probe"),
            resources=resources,
            cost=cost,
        ).model_dump(mode="json")
        for env in ("dev", "staging", "prod", "other")
    ]
