"""Fixtures that run Paved as real processes against the session's PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import ADMIN_TOKEN, PavedProcess


@pytest.fixture
def paved(tmp_path: Path, postgres_admin_url: str, redis_admin_url: str) -> Iterator[PavedProcess]:
    """A `paved up` process (not started yet) on a fresh data directory."""
    env = {
        "PAVED_POSTGRES_ADMIN_URL": postgres_admin_url,
        "PAVED_REDIS_ADMIN_URL": redis_admin_url,
        "PAVED_ADMIN_TOKEN": ADMIN_TOKEN,
        "PAVED_STEP_RETRY_INTERVAL": "0.1",
    }
    process = PavedProcess(home=tmp_path / "home", env=env)
    yield process
    process.kill()
