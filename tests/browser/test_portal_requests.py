"""Requests in the portal when things don't go straight through: a failure shown with its error
and finished by Retry, hidden from another team (whose retry the API refuses too), and a
production request that waits for a lead who approves it in the inbox."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import StoppedPostgres, screenshot, sign_in
from tests.e2e.harness import ADMIN_TOKEN, PavedProcess


def _token(paved: PavedProcess, user: str, team: str, role: str = "member") -> str:
    with paved.client() as api:
        api.post(f"/api/v1/teams/{team}/members", json={"user": user, "role": role})
        token: str = api.post(f"/api/v1/users/{user}/tokens", json={}).json()["token"]
    return token


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))


def _fill_service(page: Page, paved: PavedProcess, name: str, *resources: str) -> None:
    page.goto(paved.url + "/create/python-api")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Owning team").select_option("checkout")
    for resource in resources:
        page.get_by_label(resource).check()


def test_a_failing_request_shows_its_error_and_retry_finishes_it(
    paved: PavedProcess, page: Page, stopped_postgres: StoppedPostgres
) -> None:
    paved.start(PAVED_POSTGRES_ADMIN_URL=stopped_postgres.url)
    mallory = _token(paved, "mallory", "platform")
    sign_in(page, paved, ADMIN_TOKEN)
    _fill_service(page, paved, "ledger", "postgres")
    page.get_by_role("button", name="Create service").click()

    expect(page.locator("#request-state .badge")).to_have_text("failed", timeout=90_000)
    failed = page.locator('tr[data-step="postgres:postgres"]')
    expect(failed.locator(".step-state")).to_have_text("failed")
    expect(failed.locator(".step-error")).to_contain_text("PostgreSQL")
    expect(page.locator("#request-error")).to_contain_text("PostgreSQL")
    request_url = page.url
    screenshot(page, "request-failed")

    _sign_out(page)
    sign_in(page, paved, mallory)
    page.goto(request_url)
    expect(page.locator("#no-actions")).to_contain_text("Only members of team checkout")
    expect(page.get_by_role("button", name=re.compile("Retry|Abort"))).to_have_count(0)
    request_id = request_url.rsplit("/", 1)[1]
    with paved.client(mallory) as api:
        refused = api.post(f"/api/v1/requests/{request_id}/retry")
    assert refused.status_code == 403

    _sign_out(page)
    sign_in(page, paved, ADMIN_TOKEN)
    page.goto(request_url)
    stopped_postgres.start()
    page.get_by_role("button", name="Retry from the failed step").click()
    expect(page.locator("#request-state .badge")).to_have_text("succeeded", timeout=90_000)
    expect(page.locator('tr[data-step="git:repository"] .step-attempts')).to_have_text("1")


def test_production_waits_for_a_lead_who_approves_in_the_inbox(
    paved: PavedProcess, page: Page
) -> None:
    paved.start()
    bob = _token(paved, "bob", "checkout")
    alice = _token(paved, "alice", "checkout", "lead")
    sign_in(page, paved, bob)
    _fill_service(page, paved, "pay", "postgres")
    page.get_by_label("Environment").select_option("prod")
    page.get_by_role("button", name="Preview decision and cost").click()
    expect(page.locator("#decision")).to_contain_text("Needs approval")
    expect(page.locator("#decision")).to_contain_text("a lead of team checkout decides")
    screenshot(page, "create-needs-approval")
    page.get_by_role("button", name="Create service").click()

    expect(page.locator("#request-state .badge")).to_have_text("waiting approval")
    expect(page.locator("#approval")).to_contain_text("by a lead of team checkout")
    expect(page.get_by_role("button", name="Withdraw the request")).to_be_visible()
    request_url = page.url
    screenshot(page, "request-waiting")

    _sign_out(page)
    sign_in(page, paved, alice)
    page.get_by_role("link", name="Decide in the inbox").click()
    expect(page.locator("#waiting li[data-approval]")).to_have_count(1)
    screenshot(page, "approvals")
    page.get_by_label("Comment on pay").fill("fits the budget")
    page.get_by_role("button", name="Approve pay").click()

    expect(page).to_have_url(request_url)
    expect(page.locator("#request-state .badge")).to_have_text("succeeded", timeout=90_000)
    expect(page.locator("#approval")).to_contain_text("by alice")
    expect(page.locator("#approval")).to_contain_text("fits the budget")
