"""Policy decides every create-service request before anything is made: denials answer 403 with
the rules' reasons, production waits for a lead's approval, budgets hold, and a dry run tells
the same without creating anything."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from paved.core.settings import Settings
from paved.main import create_application
from paved.store.db import Store
from paved.store.models import AuditEntry
from tests.integration.conftest import ADMIN_TOKEN, service_body
from tests.waiting import wait_for_state

SQLITE_ONLY = pytest.mark.parametrize("store_backend", ["sqlite"])


def _token(api: TestClient, user: str) -> dict[str, str]:
    token = api.post(f"/api/v1/users/{user}/tokens", json={}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _audit(settings: Settings, action: str) -> list[AuditEntry]:
    store = Store(settings.store_url)
    try:
        with store.reading() as session:
            query = select(AuditEntry).where(AuditEntry.action == action)
            return list(session.scalars(query))
    finally:
        store.dispose()


def _prod(name: str, size: str = "medium", **extra: Any) -> dict[str, Any]:
    body = service_body(name, environment="prod", **extra)
    body["resources"] = [{"type": "postgres", "size": size}]
    return body


def test_a_denied_request_answers_403_with_the_rules_and_is_audited(
    api: TestClient, settings: Settings
) -> None:
    answer = api.post("/api/v1/services", json=_prod("big-db", size="xlarge"))

    assert answer.status_code == 403
    problem = answer.json()
    assert problem["type"].endswith("/policy-denied")
    assert problem["reasons"] == [
        {
            "rule": "sizes.rego",
            "message": "postgres size xlarge exceeds the maximum for prod (large)",
        }
    ]
    assert api.get("/api/v1/services/big-db").status_code == 404
    assert api.get("/api/v1/requests", params={"service": "big-db"}).json()["count"] == 0
    [entry] = _audit(settings, "policy.deny")
    assert entry.target == "service:big-db"
    assert entry.detail["reasons"][0]["rule"] == "sizes.rego"


def test_dev_is_allowed_with_the_tags_policy_requires_filled_in(api: TestClient) -> None:
    answer = api.post("/api/v1/services", json=service_body("tagged", "postgres"))

    assert answer.status_code == 202, answer.text
    request = answer.json()
    assert request["decision"]["outcome"] == "allow"
    assert request["cost"]["estimate_monthly"] == 95
    tags = api.get("/api/v1/services/tagged").json()["tags"]
    assert tags == {"team": "checkout", "cost-center": "cc-1042", "ttl": "7d"}
    assert wait_for_state(api, request["id"])["state"] == "succeeded"


@SQLITE_ONLY
def test_a_callers_own_tags_win_and_a_bad_ttl_is_denied(api: TestClient) -> None:
    body = service_body("long-lived", "redis", tags={"ttl": "90d"})

    answer = api.post("/api/v1/services", json=body)

    assert answer.status_code == 403
    assert answer.json()["reasons"] == [
        {"rule": "ttl.rego", "message": "redis ttl 90d exceeds the maximum for dev (30d)"}
    ]


@SQLITE_ONLY
def test_staging_is_allowed_with_a_cost_notification_to_the_team(api: TestClient) -> None:
    body = service_body("stage", environment="staging")
    body["resources"] = [{"type": "postgres", "size": "medium"}]

    request = api.post("/api/v1/services", json=body).json()

    assert request["decision"]["outcome"] == "allow"
    assert request["decision"]["notifications"] == [
        {
            "to": "team:checkout",
            "message": "stage in staging: estimated cost $310/month",
            "rule": "approvals.rego",
        }
    ]
    wait_for_state(api, request["id"])


def test_production_waits_for_a_lead_who_approves_and_it_is_made(api: TestClient) -> None:
    bob, alice = _token(api, "bob"), _token(api, "alice")

    answer = api.post("/api/v1/services", json=_prod("pay"), headers=bob)

    assert answer.status_code == 202
    request = answer.json()
    assert request["state"] == "waiting_approval"
    assert request["decision"]["outcome"] == "needs_approval"
    assert request["decision"]["approvers"] == [{"team": "checkout", "role": "lead"}]
    assert request["cost"]["estimate_monthly"] == 310
    assert {s["state"] for s in request["steps"]} == {"pending"}
    approval = request["approval"]
    assert approval["state"] == "pending"
    assert approval["requested_by"] == "bob"
    assert api.get("/api/v1/services/pay").json()["state"] == "waiting_approval"

    inbox = api.get("/api/v1/approvals", headers=alice).json()
    assert [a["id"] for a in inbox["data"]] == [approval["id"]]
    assert api.get("/api/v1/approvals", headers=bob).json()["count"] == 0
    own = api.get("/api/v1/approvals", params={"mine": False}, headers=bob).json()
    assert [a["id"] for a in own["data"]] == [approval["id"]]

    decided = api.post(
        f"/api/v1/approvals/{approval['id']}",
        json={"decision": "approve", "comment": "capacity reviewed"},
        headers=alice,
    )

    assert decided.status_code == 200, decided.text
    assert decided.json()["state"] == "approved"
    done = wait_for_state(api, request["id"])
    assert done["state"] == "succeeded"
    assert done["approval"]["decided_by"] == "alice"
    assert done["approval"]["comment"] == "capacity reviewed"
    again = api.post(f"/api/v1/approvals/{approval['id']}", json={"decision": "reject"})
    assert again.status_code == 409
    assert "already approved by alice" in again.json()["detail"]


@SQLITE_ONLY
def test_nobody_approves_their_own_request_and_a_member_cannot_approve(
    api: TestClient,
) -> None:
    alice, bob = _token(api, "alice"), _token(api, "bob")
    request = api.post("/api/v1/services", json=_prod("mine"), headers=alice).json()
    approval_id = request["approval"]["id"]

    own = api.post(f"/api/v1/approvals/{approval_id}", json={"decision": "approve"}, headers=alice)
    member = api.post(f"/api/v1/approvals/{approval_id}", json={"decision": "approve"}, headers=bob)

    assert own.status_code == 403
    assert "own request" in own.json()["detail"]
    assert member.status_code == 403
    assert "only a lead of team checkout" in member.json()["detail"]
    assert api.get(f"/api/v1/requests/{request['id']}").json()["state"] == "waiting_approval"
    api.post("/api/v1/teams/platform/members", json={"user": "mallory"})
    outsider = _token(api, "mallory")
    hidden = api.get(f"/api/v1/approvals/{approval_id}", headers=outsider)
    assert hidden.status_code == 404


def test_a_rejection_ends_the_request_with_nothing_created(
    api: TestClient, settings: Settings
) -> None:
    bob, alice = _token(api, "bob"), _token(api, "alice")
    request = api.post("/api/v1/services", json=_prod("nope"), headers=bob).json()

    answer = api.post(
        f"/api/v1/approvals/{request['approval']['id']}",
        json={"decision": "reject", "comment": "use the shared cluster"},
        headers=alice,
    )

    assert answer.json()["state"] == "rejected"
    ended = api.get(f"/api/v1/requests/{request['id']}").json()
    assert ended["state"] == "rejected"
    assert ended["error"] == "rejected by alice: use the shared cluster"
    assert {s["state"] for s in ended["steps"]} == {"skipped"}
    assert api.get("/api/v1/services/nope").status_code == 404
    assert not (settings.git_root / "nope.git").exists()
    again = api.post("/api/v1/services", json=service_body("nope"))
    assert again.status_code == 202, "the name is free again"


@SQLITE_ONLY
def test_an_approval_nobody_decides_expires_the_request(
    make_settings: Callable[..., Settings],
) -> None:
    settings = make_settings(approval_timeout=0.3, sweep_interval=0.1)
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as api:
        bob = _token(api, "bob")
        request = api.post("/api/v1/services", json=_prod("slow"), headers=bob).json()

        ended = wait_for_state(api, request["id"], {"expired"}, timeout=30)

        assert ended["error"] == "no approver decided in time"
        assert ended["approval"]["state"] == "expired"
        assert api.get("/api/v1/services/slow").status_code == 404
        late = api.post(
            f"/api/v1/approvals/{request['approval']['id']}", json={"decision": "approve"}
        )
        assert late.status_code == 409


def test_a_budget_denies_the_request_that_would_cross_it_and_allows_reaching_it(
    api: TestClient,
) -> None:
    team = {"name": "search", "cost_center": "cc-7", "monthly_budget": 150}
    assert api.post("/api/v1/teams", json=team).status_code == 201
    first = service_body("index", "postgres", "redis", team="search")  # 95 + 30
    wait_for_state(api, api.post("/api/v1/services", json=first).json()["id"])

    over = api.post("/api/v1/services", json=service_body("cache", "redis", team="search"))

    assert over.status_code == 403
    assert over.json()["reasons"] == [
        {
            "rule": "budget.rego",
            "message": "team search would spend $155/month, over its budget of $150 "
            "(now $125, this request $30)",
        }
    ]
    assert api.patch("/api/v1/teams/search", json={"monthly_budget": 155}).status_code == 200
    exactly = api.post("/api/v1/services", json=service_body("cache", "redis", team="search"))
    assert exactly.status_code == 202, exactly.text
    teams = {t["name"]: t for t in api.get("/api/v1/teams").json()["data"]}
    assert teams["search"]["monthly_spend"] == 155
    wait_for_state(api, exactly.json()["id"])


@SQLITE_ONLY
def test_a_dry_run_answers_with_the_decision_and_creates_nothing(api: TestClient) -> None:
    answer = api.post("/api/v1/policy/evaluate", json=_prod("maybe", size="xlarge"))

    assert answer.status_code == 200
    evaluation = answer.json()
    assert evaluation["decision"]["outcome"] == "deny"
    assert evaluation["decision"]["reasons"][0]["rule"] == "sizes.rego"
    assert evaluation["cost"]["estimate_monthly"] == 1240
    assert evaluation["input"]["resources"][0]["tags"]["cost-center"] == "cc-1042"
    assert api.get("/api/v1/services/maybe").status_code == 404
    assert api.get("/api/v1/requests", params={"service": "maybe"}).json()["count"] == 0
    allowed = api.post("/api/v1/policy/evaluate", json=_prod("maybe")).json()
    assert allowed["decision"]["outcome"] == "needs_approval"


QA_RULE = """package paved.guardrails

deny contains {"rule": "qa.rego", "message": "qa is closed"} if input.environment == "qa"
"""


@SQLITE_ONLY
def test_a_broken_policy_file_leaves_the_last_good_bundle_in_force(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    policy_dir = tmp_path / "policies"
    policy_dir.mkdir()
    (policy_dir / "qa.rego").write_text(QA_RULE)
    settings = make_settings(policy_dir=policy_dir, policy_check_interval=0)
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as api:
        body = service_body("qa-thing", environment="qa")

        def outcome() -> str:
            answer = api.post("/api/v1/policy/evaluate", json=body)
            assert answer.status_code == 200, answer.text
            return str(answer.json()["decision"]["reasons"][0]["rule"])

        assert outcome() == "qa.rego"
        (policy_dir / "qa.rego").write_text(QA_RULE.replace("if input", "if input input"))
        assert outcome() == "qa.rego", "the broken change is rejected; the last good one holds"
        (policy_dir / "qa.rego").write_text(QA_RULE.replace("qa.rego", "qa2.rego"))
        assert outcome() == "qa2.rego"


@SQLITE_ONLY
def test_a_waiting_request_can_be_withdrawn_and_nothing_is_created(api: TestClient) -> None:
    bob = _token(api, "bob")
    request = api.post("/api/v1/services", json=_prod("oops"), headers=bob).json()

    answer = api.post(f"/api/v1/requests/{request['id']}/abort", headers=bob)

    assert answer.status_code == 202, answer.text
    ended = answer.json()
    assert ended["state"] == "rolled_back"
    assert ended["error"] == "withdrawn by bob before approval"
    assert ended["approval"]["state"] == "withdrawn"
    assert api.get("/api/v1/services/oops").status_code == 404
    approval_id = request["approval"]["id"]
    late = api.post(f"/api/v1/approvals/{approval_id}", json={"decision": "approve"})
    assert late.status_code == 409
