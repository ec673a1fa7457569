"""How the CLI says what policy decided: denial lines, the waiting line, amounts of money."""

from __future__ import annotations

import pytest

from paved.cli.output import error_line, money, policy_lines, waiting_line
from paved.client import ApiError
from paved.schemas.problems import Problem
from paved.schemas.requests import RequestPublic

MOMENT = "2030-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("amount", "text"), [(310, "$310"), (310.5, "$310.50"), (0.1 + 0.2, "$0.30"), (0, "$0")]
)
def test_money_is_written_as_the_policies_write_it(amount: float, text: str) -> None:
    assert money(amount) == text


def test_a_denial_prints_one_line_per_reason_with_its_rule() -> None:
    problem = Problem.model_validate(
        {
            "title": "Forbidden",
            "status": 403,
            "detail": "…",
            "reasons": [
                {"rule": "sizes.rego", "message": "postgres size xlarge exceeds the maximum"},
                {"rule": "tags.rego", "message": "postgres is missing required tag team"},
            ],
        }
    )

    line = error_line(ApiError.from_problem(problem))

    assert line.splitlines() == [
        "denied: postgres size xlarge exceeds the maximum  [policy: sizes.rego]",
        "denied: postgres is missing required tag team  [policy: tags.rego]",
    ]


def _waiting() -> RequestPublic:
    reason = {"rule": "approvals.rego", "message": "prod needs approval by a lead of team t"}
    return RequestPublic.model_validate(
        {
            "id": "req_1",
            "kind": "create_service",
            "service": "pay",
            "team": "t",
            "environment": "prod",
            "state": "waiting_approval",
            "actor": "bob",
            "created_at": MOMENT,
            "updated_at": MOMENT,
            "steps": [],
            "decision": {
                "outcome": "needs_approval",
                "reasons": [reason],
                "approvers": [{"team": "t", "role": "lead"}],
            },
            "cost": {"estimate_monthly": 310.5},
            "approval": {
                "id": "apr_1",
                "request_id": "req_1",
                "service": "pay",
                "team": "t",
                "environment": "prod",
                "role": "lead",
                "state": "pending",
                "requested_by": "bob",
                "reasons": [reason],
                "created_at": MOMENT,
                "expires_at": MOMENT,
            },
        }
    )


def test_a_waiting_request_says_who_must_approve_and_what_it_costs() -> None:
    request = _waiting()

    assert waiting_line(request) == (
        "waiting for approval by a lead of team t — estimated cost $310.50/month"
    )
    assert policy_lines(request) == [
        "needs approval: prod needs approval by a lead of team t  [policy: approvals.rego]",
        "estimated cost $310.50/month",
        "approval apr_1 pending (a lead of team t; expires 2030-01-01 00:00 UTC)",
    ]
