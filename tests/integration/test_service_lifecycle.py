"""The whole create-service path on real PostgreSQL, Redis and git; a teardown leaves nothing."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from tests.integration.conftest import service_body
from tests.waiting import wait_for_state

STEP_KEYS = [
    "git:repository",
    "postgres:postgres",
    "redis:redis",
    "ci:pipeline",
    "monitoring:rules",
    "catalog:entry",
]


def _token_for(api: TestClient, user: str) -> dict[str, str]:
    token = api.post(f"/api/v1/users/{user}/tokens", json={"name": "test"}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def _git(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True)
    return done.stdout


def _pg_exists(admin_url: str, role: str) -> tuple[bool, bool]:
    with psycopg.connect(admin_url, autocommit=True) as conn:
        has_role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        has_db = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (role,)).fetchone()
    return has_role is not None, has_db is not None


def test_create_service_end_to_end_and_tear_it_down(
    api: TestClient,
    settings: Settings,
    postgres_admin_url: str,
    redis_admin_url: str,
    tmp_path: Path,
) -> None:
    body = service_body("payments-api", "postgres", "redis", description="Takes payments")
    created = api.post("/api/v1/services", json=body)
    assert created.status_code == 202, created.text
    request_id = created.json()["id"]
    assert created.headers["location"] == f"/api/v1/requests/{request_id}"

    done = wait_for_state(api, request_id)
    assert done["state"] == "succeeded", done
    assert [s["key"] for s in done["steps"]] == STEP_KEYS
    assert {(s["state"], s["attempts"]) for s in done["steps"]} == {("succeeded", 1)}

    service = api.get("/api/v1/services/payments-api").json()
    assert service["state"] == "active"
    assert service["repository_url"] == f"{settings.base_url}/git/payments-api.git"
    repository = next(r for r in service["resources"] if r["type"] == "git")
    clone = tmp_path / "clone"
    _git("clone", "--quiet", repository["outputs"]["path"], str(clone))
    for path in ("catalog-info.yaml", "CODEOWNERS", ".github/workflows/ci.yml", "pyproject.toml"):
        assert (clone / path).is_file(), path
    assert _git("rev-list", "--count", "HEAD", cwd=clone).strip() == "1"

    alice = _token_for(api, "alice")
    credentials = api.get("/api/v1/services/payments-api/credentials", headers=alice).json()
    values = {c["type"]: c["values"] for c in credentials["data"]}
    with psycopg.connect(values["postgres"]["url"], autocommit=True) as conn:
        conn.execute("CREATE TABLE payments (id int)")
        conn.execute("INSERT INTO payments VALUES (1)")
    cache = redis.Redis.from_url(values["redis"]["url"])
    cache.set("payments-api:greeting", "hi")
    assert cache.get("payments-api:greeting") == b"hi"
    with pytest.raises(redis.exceptions.NoPermissionError):
        cache.set("orders:greeting", "hi")

    _assert_no_secret_in(api, request_id, [v["password"] for v in values.values()])

    teardown = api.delete("/api/v1/services/payments-api")
    assert teardown.status_code == 202, teardown.text
    gone = wait_for_state(api, teardown.json()["id"])
    assert gone["state"] == "succeeded", gone
    assert api.get("/api/v1/services/payments-api").status_code == 404
    assert not (settings.git_root / "payments-api.git").exists()
    role = values["postgres"]["user"]
    assert _pg_exists(postgres_admin_url, role) == (False, False)
    admin = redis.Redis.from_url(redis_admin_url)
    assert admin.acl_getuser(values["redis"]["user"]) is None
    assert admin.get("payments-api:greeting") is None, "the service's keys go with it"
    rules = _git(
        "--git-dir",
        str(settings.git_root / "monitoring.git"),
        "ls-tree",
        "-r",
        "--name-only",
        "main",
    )
    assert "payments-api" not in rules


def _assert_no_secret_in(api: TestClient, request_id: str, secrets: list[str]) -> None:
    texts: list[Any] = [
        api.get(f"/api/v1/requests/{request_id}").text,
        api.get("/api/v1/services/payments-api").text,
        api.get("/api/v1/services").text,
        api.get(f"/api/v1/requests/{request_id}/events").text,
    ]
    for secret in secrets:
        assert secret
        assert all(secret not in text for text in texts)


def test_credentials_are_for_the_owning_team_only(api: TestClient) -> None:
    created = api.post("/api/v1/services", json=service_body("ledger", "redis")).json()
    assert wait_for_state(api, created["id"])["state"] == "succeeded"
    api.post("/api/v1/teams", json={"name": "search"})
    api.post("/api/v1/teams/search/members", json={"user": "carol", "role": "member"})
    carol = _token_for(api, "carol")
    refused = api.get("/api/v1/services/ledger/credentials", headers=carol)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert (
        api.get("/api/v1/services/ledger/credentials", headers=_token_for(api, "bob")).status_code
        == 200
    )
