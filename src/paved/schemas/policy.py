"""Wire models of policy: the input document (version 1) that Rego sees as `input`, and the
decision it yields. Both are plain JSON; `paved.policy.documents` says how an input is built.

    {"version": 1,
     "actor": {"user": "ann", "is_admin": false, "roles": {"checkout": "lead"}},
     "team": "checkout", "environment": "prod",
     "request": {"kind": "service.create", "service": "pay", "template": "python-api",
                 "tags": {"team": "checkout", "cost-center": "cc-42"}},
     "resources": [{"type": "postgres", "name": "postgres", "size": "medium",
                    "region": null, "tags": {"team": "checkout", "cost-center": "cc-42"}}],
     "cost": {"currency": "USD", "estimate_monthly": 310, "team_spend_monthly": 900,
              "team_budget_monthly": 2000}}

A change that removes or renames a field is a new version; adding an optional field is not.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from paved.core.states import TeamRole

INPUT_VERSION: Literal[1] = 1


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Actor(_Document):
    """Who asks: a user, their role in each team they belong to, and whether they are an admin."""

    user: str
    is_admin: bool = False
    roles: dict[str, TeamRole] = Field(default_factory=dict, description="team -> role")


class RequestFacts(_Document):
    """What is asked: the kind of change and the service it is about."""

    kind: str = Field(default="service.create", description="e.g. service.create")
    service: str
    template: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class ResourceFacts(_Document):
    """One resource the request would create or change."""

    type: str
    name: str
    size: str
    region: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class CostFacts(_Document):
    """Money, per month: this request's estimate, the team's committed spend and its budget."""

    currency: str = "USD"
    estimate_monthly: float = 0.0
    team_spend_monthly: float = 0.0
    team_budget_monthly: float | None = Field(default=None, description="null: no budget")


class PolicyInput(_Document):
    """The whole input document, version 1."""

    version: Literal[1] = INPUT_VERSION
    actor: Actor
    team: str
    environment: str
    request: RequestFacts
    resources: list[ResourceFacts] = Field(default_factory=list)
    cost: CostFacts = Field(default_factory=CostFacts)


class Outcome(StrEnum):
    """What policy says about a request."""

    allow = "allow"
    deny = "deny"
    needs_approval = "needs_approval"


class Reason(_Document):
    """Why: the rule (its file, e.g. `sizes.rego`) and a sentence a user can act on."""

    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.message}"


class Approver(_Document):
    """Who may approve: a role in a team (e.g. a lead of team checkout)."""

    team: str
    role: TeamRole = TeamRole.lead


class Notification(_Document):
    """A message policy wants sent, e.g. to `team:checkout`."""

    to: str
    message: str
    rule: str = ""


class Decision(_Document):
    """The outcome with its reasons; for `needs_approval` also who may approve."""

    version: Literal[1] = INPUT_VERSION
    outcome: Outcome
    reasons: list[Reason] = Field(default_factory=list)
    approvers: list[Approver] = Field(default_factory=list)
    notifications: list[Notification] = Field(default_factory=list)
    policy_revision: str = Field(default="", description="which bundle decided")

    @property
    def allowed(self) -> bool:
        return self.outcome is Outcome.allow

    def summary(self) -> str:
        """One line per reason, e.g. `denied: … [policy: sizes.rego]`."""
        word = {Outcome.allow: "allowed", Outcome.deny: "denied"}.get(
            self.outcome, "needs approval"
        )
        if not self.reasons:
            return word
        return "\n".join(f"{word}: {r.message}  [policy: {r.rule}]" for r in self.reasons)


class PolicyEvaluation(BaseModel):
    """A dry run's answer: the decision, the cost it was based on, and the input Rego saw."""

    decision: Decision
    cost: CostFacts
    input: PolicyInput
