"""A real partial failure: the database server is down at the database step.

The request fails there after its retries, with the reason; once the server is up, `retry`
finishes it without redoing the repository step, and `abort` removes what was created.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.main import create_application
from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from tests.integration.conftest import ADMIN_TOKEN, service_body
from tests.waiting import wait_for_state


@pytest.fixture
def late_postgres(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[EmbeddedPostgres, str]]:
    """A PostgreSQL server whose URL is known but which is stopped until the test starts it."""
    cluster = EmbeddedPostgres(tmp_path_factory.mktemp("late-postgres"), durable=False)
    url = cluster.ensure_running()
    cluster.stop()
    yield cluster, url
    cluster.stop()


@pytest.fixture
def failing_api(
    make_settings: Callable[..., Settings], late_postgres: tuple[EmbeddedPostgres, str]
) -> Iterator[TestClient]:
    settings = make_settings(postgres_admin_url=late_postgres[1])
    headers = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    with TestClient(create_application(settings), headers=headers) as client:
        client.app_state = settings  # type: ignore[attr-defined]
        yield client


def _fail_at_database(api: TestClient) -> dict[str, object]:
    created = api.post("/api/v1/services", json=service_body("orders", "postgres", "redis"))
    assert created.status_code == 202, created.text
    failed = wait_for_state(api, created.json()["id"])
    assert failed["state"] == "failed"
    assert failed["failed_step"] == "postgres:postgres"
    steps = {s["key"]: s for s in failed["steps"]}
    assert steps["git:repository"]["state"] == "succeeded"
    assert steps["postgres:postgres"]["state"] == "failed"
    assert steps["postgres:postgres"]["attempts"] == 3
    assert "connect" in steps["postgres:postgres"]["error"].lower()
    assert "(after 3 attempts)" in steps["postgres:postgres"]["error"]
    assert steps["redis:redis"]["state"] == "pending"
    assert "Provision PostgreSQL" in str(failed["error"])
    return failed


def _commits(repo: Path) -> int:
    out = subprocess.run(
        ["git", "--git-dir", str(repo), "rev-list", "--count", "main"],
        check=True,
        capture_output=True,
        text=True,
    )
    return int(out.stdout)


def test_retry_continues_from_the_failed_step(
    failing_api: TestClient, late_postgres: tuple[EmbeddedPostgres, str], settings: Settings
) -> None:
    failed = _fail_at_database(failing_api)
    late_postgres[0].ensure_running()

    retried = failing_api.post(f"/api/v1/requests/{failed['id']}/retry")
    assert retried.status_code == 202, retried.text
    done = wait_for_state(failing_api, str(failed["id"]))
    assert done["state"] == "succeeded", done
    steps = {s["key"]: s for s in done["steps"]}
    assert steps["git:repository"]["attempts"] == 1
    assert steps["postgres:postgres"]["attempts"] == 4
    assert all(s["state"] == "succeeded" for s in done["steps"])
    assert _commits(settings.git_root / "orders.git") == 1

    again = failing_api.post(f"/api/v1/requests/{failed['id']}/retry")
    assert again.status_code == 409
    assert "succeeded" in again.json()["detail"]


def test_abort_removes_everything_created_before_the_failure(
    failing_api: TestClient, settings: Settings
) -> None:
    failed = _fail_at_database(failing_api)
    assert (settings.git_root / "orders.git").exists()
    teardown = failing_api.delete("/api/v1/services/orders")
    assert teardown.status_code == 409, "a failed create is retried or aborted, not torn down"
    assert "abort" in teardown.json()["detail"]

    aborted = failing_api.post(f"/api/v1/requests/{failed['id']}/abort")
    assert aborted.status_code == 202, aborted.text
    done = wait_for_state(failing_api, str(failed["id"]))
    assert done["state"] == "rolled_back", done
    states = {s["key"]: s["state"] for s in done["steps"]}
    assert states["git:repository"] == "compensated"
    assert states["postgres:postgres"] == "skipped", "its server was never reached: nothing to undo"
    assert states["catalog:entry"] == "skipped"
    assert not (settings.git_root / "orders.git").exists()
    assert failing_api.get("/api/v1/services/orders").status_code == 404

    recreated = failing_api.post("/api/v1/services", json=service_body("orders"))
    assert recreated.status_code == 202, "the name is free again after a roll back"
