"""The two scenarios of guardrails from a newcomer's CLI, on a real `paved up`: a denial with the
rule that denied it, and a production request that waits — across a kill -9 and a restart — for
a lead who approves it with `paved approvals`."""

from __future__ import annotations

import json

from tests.e2e.harness import PavedProcess
from tests.e2e.test_cli import paved_cli
from tests.waiting import wait_for_state


def test_denied_then_waiting_survives_a_restart_and_a_lead_approves(paved: PavedProcess) -> None:
    paved.start()
    denied = paved_cli(
        paved, "service", "create", "big-db", "--team", "checkout", "--env", "prod",
        "--with", "postgres:size=xlarge",
    )  # fmt: skip
    assert denied.returncode == 1
    assert denied.stderr.strip() == (
        "denied: postgres size xlarge exceeds the maximum for prod (large)  [policy: sizes.rego]"
    )

    waiting = paved_cli(
        paved, "service", "create", "pay", "--team", "checkout", "--env", "prod",
        "--with", "postgres:size=medium",
    )  # fmt: skip
    assert waiting.returncode == 0, waiting.stderr
    assert (
        "waiting for approval by a lead of team checkout — estimated cost $310/month"
        in waiting.stdout
    )

    paved.kill()
    paved.start()

    alice = paved_cli(paved, "token", "create", "alice").stdout.splitlines()[0]
    inbox = json.loads(paved_cli(paved, "approvals", "--output", "json", token=alice).stdout)
    [approval] = inbox["data"]
    assert approval["service"] == "pay"
    self_approval = paved_cli(paved, "approvals", "approve", approval["id"])
    assert self_approval.returncode == 1
    assert "own request" in self_approval.stderr

    approved = paved_cli(
        paved, "approvals", "approve", approval["id"], "--comment", "budgeted", token=alice
    )

    assert approved.returncode == 0, approved.stderr
    assert "approved by alice: budgeted" in approved.stdout
    with paved.client() as api:
        done = wait_for_state(api, approval["request_id"])
    assert done["state"] == "succeeded", done
    shown = paved_cli(paved, "request", "show", approval["request_id"])
    assert "needs approval: prod needs approval by a lead of team checkout" in shown.stdout
    assert "approved by alice: budgeted" in shown.stdout
