"""The portal as a developer uses it, in a real Chromium against a real `paved up`: sign in,
create a service with the mouse and watch it succeed, find it in the catalog, fix a form error
shown next to its field, report friction."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE, screenshot, sign_in
from tests.e2e.harness import ADMIN_TOKEN, PavedProcess


def test_create_a_service_and_watch_it_succeed(paved: PavedProcess, page: Page) -> None:
    paved.start()
    page.goto(paved.url + "/sign-in")
    screenshot(page, "sign-in")
    sign_in(page, paved, ADMIN_TOKEN)
    screenshot(page, "home-empty")

    page.get_by_role("link", name="Create New Service").click()
    expect(page.get_by_role("heading", name="Create a new service")).to_be_visible()
    screenshot(page, "create-templates")
    page.get_by_role("link", name="Use Python API").click()

    page.get_by_label("Name").fill("payments-api")
    page.get_by_label("Owning team").select_option("checkout")
    page.get_by_label("Description").fill("Takes the money")
    page.get_by_label("Python version").select_option("3.11")
    page.get_by_label("postgres").check()
    page.get_by_label("redis").check()
    page.get_by_role("button", name="Preview decision and cost").click()
    expect(page.locator("#decision")).to_contain_text("Allowed")
    expect(page.locator("#cost")).to_have_text("125.00 USD per month")
    expect(page.get_by_label("Name")).to_have_value("payments-api")
    screenshot(page, "create-form-preview")

    page.get_by_role("button", name="Create service").click()
    expect(page).to_have_url(re.compile(r"/requests/req_"))
    state = page.locator("#request-state .badge")
    expect(state).to_have_text("succeeded", timeout=90_000)
    steps = page.locator("#steps tbody tr")
    expect(steps).to_have_count(6)  # repository, database, Redis user, CI, monitoring, catalog
    for key in ("git:repository", "postgres:postgres", "redis:redis"):
        expect(page.locator(f'tr[data-step="{key}"] .step-state')).to_have_text("succeeded")
    for index in range(6):
        expect(steps.nth(index).locator(".step-state")).to_have_text("succeeded")
    clone = page.get_by_label("Clone it")
    expect(clone).to_have_value(f"git clone {paved.url}/git/payments-api.git")
    screenshot(page, "request-succeeded")

    page.get_by_role("link", name="Catalog").click()
    page.get_by_label("Search the catalog").fill("payments")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#result-count")).to_contain_text("match “payments”")
    page.get_by_label("Filters").get_by_role("link", name="component", exact=True).click()
    expect(page.locator("#result-count")).to_contain_text("1 entity match")
    screenshot(page, "catalog")
    page.locator("#results").get_by_role("link", name="payments-api").click()
    expect(page.get_by_role("heading", name="payments-api")).to_be_visible()
    expect(page.get_by_text("Takes the money")).to_be_visible()
    expect(page.locator("svg.graph")).to_be_visible()
    expect(page.locator("#relations")).to_contain_text("group:default/checkout")
    screenshot(page, "entity")
    page.get_by_role("link", name="payments-api", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"/services/payments-api$"))
    screenshot(page, "service")

    page.get_by_role("link", name="Home").click()
    expect(page.locator("table").get_by_role("link", name="payments-api")).to_be_visible()
    screenshot(page, "home")
    page.set_viewport_size(PHONE)
    screenshot(page, "home-phone")


def test_a_form_error_is_shown_next_to_its_field(paved: PavedProcess, page: Page) -> None:
    paved.start()
    sign_in(page, paved, ADMIN_TOKEN)
    page.goto(paved.url + "/create/python-api")

    page.get_by_label("Name").fill("Payments_API")
    page.get_by_role("button", name="Create service").click()
    name = page.get_by_label("Name")
    expect(name).to_have_attribute("aria-invalid", "true")
    error = page.locator("#err-name")
    expect(error).to_contain_text("should match pattern")
    expect(name).to_have_attribute("aria-describedby", re.compile(r"\berr-name\b"))
    expect(page.locator("#f-name + .field-error")).to_have_count(1)

    name.fill("orders")
    page.get_by_label("Port").fill("80")
    page.get_by_role("button", name="Create service").click()
    port_error = page.locator("#err-parameters-port")
    expect(port_error).to_contain_text("less than the minimum of 1024")
    expect(page.locator("#err-name")).to_have_count(0)
    expect(page.get_by_label("Name")).to_have_value("orders")
    screenshot(page, "create-form-error")

    page.get_by_label("Port").fill("8080")
    page.get_by_role("button", name="Create service").click()
    expect(page.locator("#request-state .badge")).to_have_text("succeeded", timeout=90_000)


def test_friction_is_reported_from_any_page_and_listed_for_admins(
    paved: PavedProcess, page: Page
) -> None:
    paved.start()
    sign_in(page, paved, ADMIN_TOKEN)
    page.get_by_role("link", name="Catalog").click()
    page.get_by_text("Report friction").click()
    page.get_by_label("What got in your way on this page?").fill("search has no filters")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status")).to_contain_text("friction report was recorded")
    expect(page).to_have_url(re.compile(r"/catalog\?reported=1$"))

    page.goto(paved.url + "/admin/friction")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("search has no filters")
    expect(row).to_contain_text("/catalog")
    expect(row).to_contain_text("admin")
    screenshot(page, "friction-reports")


def test_sign_out_ends_the_session(paved: PavedProcess, page: Page) -> None:
    paved.start()
    sign_in(page, paved, ADMIN_TOKEN)
    cookie = next(c for c in page.context.cookies() if c["name"] == "paved_session")
    assert cookie["httpOnly"] is True
    assert cookie["sameSite"] == "Lax"

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/sign-in"))
    with paved.client() as api:
        stale = api.get(
            "/api/v1/whoami",
            headers={"Authorization": "", "Cookie": f"paved_session={cookie['value']}"},
        )
    assert stale.status_code == 401
    page.goto(paved.url + "/admin")
    expect(page).to_have_url(re.compile(r"/sign-in\?next=/admin"))
