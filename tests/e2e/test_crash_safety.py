"""Kill -9 Paved during each step in turn — right after the provider's call succeeded and before
the step is recorded — and during a roll back; after a restart every request finishes with
exactly one of each resource, or nothing at all."""

from __future__ import annotations

import subprocess
from pathlib import Path

import psycopg
import pytest
import redis

from paved.providers.postgres import identifier_for
from paved.providers.redis_users import user_for
from tests.e2e.harness import PavedProcess
from tests.waiting import wait_for_state

PAUSE_POINTS = ["git", "postgres", "redis", "ci", "monitoring", "catalog"]


def _git_count(git_dir: Path, *args: str) -> int:
    out = subprocess.run(
        ["git", "--git-dir", str(git_dir), "rev-list", "--count", "main", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(out.stdout)


def _role_and_database(admin_url: str, name: str) -> tuple[int, int]:
    with psycopg.connect(admin_url) as conn:
        roles = conn.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s", (name,)).fetchone()
        dbs = conn.execute(
            "SELECT count(*) FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
    assert roles is not None
    assert dbs is not None
    return int(roles[0]), int(dbs[0])


@pytest.mark.parametrize("kind", PAUSE_POINTS)
def test_kill_during_a_step_then_restart_makes_exactly_one_of_each(
    paved: PavedProcess, kind: str, postgres_admin_url: str, redis_admin_url: str
) -> None:
    service = f"crash-{kind}"
    paved.start(PAVED_TEST_PAUSE_AFTER=f"ensure:{kind}")
    with paved.client() as api:
        body = {
            "name": service,
            "template": "python-api",
            "team": "checkout",
            "resources": [{"type": "postgres"}, {"type": "redis"}],
        }
        request_id = api.post("/api/v1/services", json=body).json()["id"]
        assert paved.wait_for_pause() == f"ensure:{kind}"
    paved.kill()

    paved.start()
    with paved.client() as api:
        done = wait_for_state(api, request_id, {"succeeded", "failed"})
        assert done["state"] == "succeeded", done
        steps = {s["key"].split(":")[0]: s for s in done["steps"]}
        assert steps[kind]["attempts"] == 2, "the killed attempt and the one after the restart"
        assert all(s["attempts"] == 1 for k, s in steps.items() if k != kind)
        entities = done["steps"][-1]["outputs"]["entities"]
        assert entities == [
            f"component:default/{service}",
            f"resource:default/{service}-postgres",
            f"resource:default/{service}-redis",
            f"system:default/{service}",
        ]

    git_root = paved.home / "git"
    assert _git_count(git_root / f"{service}.git") == 1, "one first commit, CI file included"
    monitoring = git_root / "monitoring.git"
    assert _git_count(monitoring, "--", f"prometheus/rules/{service}.yml") == 1
    external = f"checkout-{service}-dev"
    assert _role_and_database(postgres_admin_url, identifier_for(f"postgres:{external}")) == (1, 1)
    assert redis.Redis.from_url(redis_admin_url).acl_getuser(user_for(f"redis:{external}"))


def test_kill_during_roll_back_then_restart_completes_it(
    paved: PavedProcess, postgres_admin_url: str
) -> None:
    service = "crash-abort"
    paved.start(PAVED_TEST_PAUSE_AFTER="ensure:monitoring")
    with paved.client() as api:
        body = {
            "name": service,
            "template": "python-api",
            "team": "checkout",
            "resources": [{"type": "postgres"}],
        }
        request_id = api.post("/api/v1/services", json=body).json()["id"]
        paved.wait_for_pause()
        assert api.post(f"/api/v1/requests/{request_id}/abort").status_code == 202
    paved.kill()

    paved.start(PAVED_TEST_PAUSE_AFTER="compensate:postgres")
    assert paved.wait_for_pause() == "compensate:postgres"
    paved.kill()

    paved.start()
    with paved.client() as api:
        done = wait_for_state(api, request_id, {"rolled_back", "failed", "succeeded"})
        assert done["state"] == "rolled_back", done
        assert api.get(f"/api/v1/services/{service}").status_code == 404
    assert not (paved.home / "git" / f"{service}.git").exists()
    monitoring = paved.home / "git" / "monitoring.git"
    files = subprocess.run(
        ["git", "--git-dir", str(monitoring), "ls-tree", "-r", "--name-only", "main"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert service not in files
    name = identifier_for(f"postgres:checkout-{service}-dev")
    assert _role_and_database(postgres_admin_url, name) == (0, 0)
