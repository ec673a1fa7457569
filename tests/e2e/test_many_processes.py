"""Scale-out by configuration only: two Paved processes on one PostgreSQL share every request."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.e2e.harness import ADMIN_TOKEN, PavedProcess
from tests.waiting import wait_for_state


def test_two_processes_on_one_postgres_serve_and_work_the_same_requests(
    tmp_path: Path, fresh_postgres_database: str, postgres_admin_url: str, redis_admin_url: str
) -> None:
    env = {
        "PAVED_DATABASE_URL": fresh_postgres_database,
        "PAVED_POSTGRES_ADMIN_URL": postgres_admin_url,
        "PAVED_REDIS_ADMIN_URL": redis_admin_url,
        "PAVED_ADMIN_TOKEN": ADMIN_TOKEN,
    }
    home = tmp_path / "shared"
    processes = [
        PavedProcess(home=home, env={**env, "PAVED_EXECUTOR_ID": name}) for name in ("a", "b")
    ]
    starters = [threading.Thread(target=p.start) for p in processes]
    try:
        for starter in starters:
            starter.start()
        for starter in starters:
            starter.join()
        ids = []
        for index in range(6):
            with processes[index % 2].client() as api:
                body = {
                    "name": f"shared-{index}",
                    "template": "python-api",
                    "team": "checkout",
                    "resources": [{"type": "redis"}],
                }
                response = api.post("/api/v1/services", json=body)
                assert response.status_code == 202, response.text
                ids.append(response.json()["id"])
        for index, request_id in enumerate(ids):
            with processes[(index + 1) % 2].client() as api:
                done = wait_for_state(api, request_id, {"succeeded", "failed"})
                assert done["state"] == "succeeded", done
        for process in processes:
            with process.client() as api:
                names = {s["name"] for s in api.get("/api/v1/services").json()["data"]}
                assert names == {f"shared-{i}" for i in range(6)}
    finally:
        for process in processes:
            process.stop()
