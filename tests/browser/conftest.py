"""Browser tests: Playwright drives Debian's Chromium (no browser download) against a real
`paved up` process. Screenshots go to `PAVED_TEST_ARTIFACTS` (default `test-artifacts/`)."""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, Playwright, expect, sync_playwright

from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from tests.e2e.conftest import paved as paved  # the same `paved up` process as the e2e tests
from tests.e2e.harness import PavedProcess

CHROMIUM = Path(os.environ.get("PAVED_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(os.environ.get("PAVED_TEST_ARTIFACTS", "test-artifacts")) / "screenshots"
DESKTOP = {"width": 1280, "height": 860}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (or set PAVED_CHROMIUM)")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser(playwright: Playwright, tmp_path: Path) -> Iterator[BrowserContext]:
    """A fresh headless Chromium with its own user-data directory."""
    context = playwright.chromium.launch_persistent_context(
        tmp_path / "chromium-profile",
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=DESKTOP,
    )
    context.set_default_timeout(30_000)
    yield context
    context.close()


@pytest.fixture
def page(browser: BrowserContext) -> Page:
    return browser.pages[0] if browser.pages else browser.new_page()


@pytest.fixture
def stopped_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoppedPostgres]:
    """A PostgreSQL server whose URL is known but which is down until the test starts it."""
    cluster = EmbeddedPostgres(tmp_path_factory.mktemp("stopped-postgres"), durable=False)
    url = cluster.ensure_running()
    cluster.stop()
    stopped = StoppedPostgres(cluster, url)
    yield stopped
    stopped.release_port()
    cluster.stop()


class StoppedPostgres:
    """While down, its port stays bound here: another test's server, picking a free port
    meanwhile, would otherwise take it, and the URL would lead to that server."""

    def __init__(self, cluster: EmbeddedPostgres, url: str) -> None:
        self.cluster, self.url = cluster, url
        port = urlsplit(url).port
        assert port is not None
        self._held: socket.socket | None = socket.create_server(("127.0.0.1", port))

    def release_port(self) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def start(self) -> None:
        """Bring the server up on the port its URL names."""
        self.release_port()
        assert self.cluster.ensure_running() == self.url, "the server came back elsewhere"


def sign_in(page: Page, paved: PavedProcess, token: str) -> None:
    """Open the portal and sign in with `token` through the form, as a person would."""
    page.goto(paved.url + "/")
    expect(page).to_have_url(re.compile(r"/sign-in"))
    page.get_by_label("API token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name="Create New Service")).to_be_visible()


def screenshot(page: Page, name: str) -> None:
    """Save a full-page screenshot as a test artifact."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
