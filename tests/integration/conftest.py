"""Paved's API and workflows on a real store (SQLite and PostgreSQL), with a fresh DBOS per test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.main import create_application

ADMIN_TOKEN = "paved_test_admin_token"


@pytest.fixture(params=["sqlite", "postgres"])
def store_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_settings(
    tmp_path: Path,
    store_backend: str,
    postgres_admin_url: str,
    redis_admin_url: str,
    postgres_database_factory: Callable[[], str],
) -> Callable[..., Settings]:
    """Settings on a fresh data directory and store; keyword arguments override."""

    def make(**overrides: Any) -> Settings:
        values: dict[str, Any] = {
            "home": tmp_path / "paved",
            "postgres_admin_url": postgres_admin_url,
            "redis_admin_url": redis_admin_url,
            "admin_token": ADMIN_TOKEN,
            "step_max_attempts": 3,
            "step_retry_interval": 0.1,
            "step_backoff_rate": 2.0,
        }
        if store_backend == "postgres":
            values["database_url"] = postgres_database_factory()
        values.update(overrides)
        return Settings(**values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


@pytest.fixture
def api(settings: Settings) -> Iterator[TestClient]:
    """A running Paved (API and worker) with the admin's token."""
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as client:
        yield client


def service_body(name: str, *resources: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "template": "python-api",
        "team": "checkout",
        "resources": [{"type": r} for r in resources],
        **extra,
    }
