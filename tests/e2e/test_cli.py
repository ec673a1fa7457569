"""The CLI as a newcomer drives it: the README's scenario on the embedded default, and a failure
that the CLI reports and `paved request retry` finishes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import redis

from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from tests.e2e.harness import ADMIN_TOKEN, PavedProcess


def paved_cli(
    process: PavedProcess, *args: str, token: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAVED_URL": process.url, "PAVED_HOME": str(process.home)}
    env.pop("PAVED_TOKEN", None)
    if token:
        env["PAVED_TOKEN"] = token
    return subprocess.run(
        [sys.executable, "-m", "paved", *args], env=env, capture_output=True, text=True, timeout=120
    )


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[PavedProcess]:
    """`paved up` exactly as the README runs it: no servers configured, no token given."""
    process = PavedProcess(home=tmp_path / "home", env={})
    yield process
    process.stop()


def test_readme_scenario_on_the_embedded_default(embedded: PavedProcess, tmp_path: Path) -> None:
    embedded.start()
    assert (embedded.home / "admin-token").stat().st_mode & 0o077 == 0, "token file is private"
    created = paved_cli(
        embedded,
        "service",
        "create",
        "payments-api",
        "--template",
        "python-api",
        "--team",
        "checkout",
        "--with",
        "postgres",
        "--with",
        "redis",
    )
    assert created.returncode == 0, created.stderr + created.stdout
    for step in ("git:repository", "postgres:postgres", "redis:redis", "catalog:entry"):
        assert step in created.stdout
    shown = json.loads(paved_cli(embedded, "service", "show", "payments-api", "-o", "json").stdout)
    assert shown["state"] == "active"
    token = (embedded.home / "admin-token").read_text().strip()
    header = f"http.extraHeader=Authorization: Bearer {token}"
    subprocess.run(
        ["git", "-c", header, "clone", "-q", shown["repository_url"], str(tmp_path / "clone")],
        check=True,
    )
    assert (tmp_path / "clone" / "catalog-info.yaml").is_file()

    secrets = json.loads(
        paved_cli(embedded, "service", "credentials", "payments-api", "-o", "json").stdout
    )
    urls = {c["type"]: c["values"]["url"] for c in secrets["data"]}
    with psycopg.connect(urls["postgres"]) as conn:
        assert conn.execute("SELECT current_user").fetchone() is not None
    assert redis.Redis.from_url(urls["redis"]).set("payments-api:k", "v")

    passwords = [c["values"]["password"] for c in secrets["data"]]
    history = subprocess.run(
        ["git", "-C", str(tmp_path / "clone"), "log", "-p", "--all"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for password in passwords:
        assert password not in history, "a secret in git history"
        assert password not in embedded.log(tail=None), "a secret in the server's log"
        for database in embedded.home.glob("*.sqlite*"):
            assert password.encode() not in database.read_bytes(), f"a clear secret in {database}"
        assert password not in created.stdout + created.stderr

    deleted = paved_cli(embedded, "service", "delete", "payments-api", "--yes")
    assert deleted.returncode == 0, deleted.stderr
    listed = json.loads(paved_cli(embedded, "service", "list", "-o", "json").stdout)
    assert listed["count"] == 0


def test_cli_errors_are_one_line_with_a_non_zero_exit(embedded: PavedProcess) -> None:
    embedded.start()
    unknown = paved_cli(
        embedded, "service", "create", "x", "--template", "nope", "--team", "checkout"
    )
    assert unknown.returncode == 1
    assert unknown.stderr.count("\n") == 1
    assert "template" in unknown.stderr
    refused = paved_cli(embedded, "service", "list", token="paved_wrong")
    assert refused.returncode == 1
    assert "401" in refused.stderr


def test_failure_is_reported_and_retry_finishes_it(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory, redis_admin_url: str
) -> None:
    cluster = EmbeddedPostgres(tmp_path_factory.mktemp("late"), durable=False)
    admin_url = cluster.ensure_running()
    cluster.stop()
    process = PavedProcess(
        home=tmp_path / "home",
        env={
            "PAVED_POSTGRES_ADMIN_URL": admin_url,
            "PAVED_REDIS_ADMIN_URL": redis_admin_url,
            "PAVED_ADMIN_TOKEN": ADMIN_TOKEN,
            "PAVED_STEP_RETRY_INTERVAL": "0.1",
        },
    )
    try:
        process.start()
        failed = paved_cli(
            process,
            "service",
            "create",
            "orders",
            "--template",
            "python-api",
            "--team",
            "checkout",
            "--with",
            "postgres",
            token=ADMIN_TOKEN,
        )
        assert failed.returncode == 1
        assert "failed at step postgres:postgres" in failed.stderr
        assert "paved request retry" in failed.stderr
        request_id = json.loads(
            paved_cli(
                process, "request", "list", "--service", "orders", "-o", "json", token=ADMIN_TOKEN
            ).stdout
        )["data"][0]["id"]
        cluster.ensure_running()
        retried = paved_cli(process, "request", "retry", request_id, token=ADMIN_TOKEN)
        assert retried.returncode == 0, retried.stderr
        assert "succeeded" in retried.stdout
    finally:
        process.stop()
        cluster.stop()
