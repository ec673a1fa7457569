"""What workflows and steps work with (store, providers, templates, secrets, policy), and
DBOS's lifecycle.

DBOS steps are plain functions replayed after a crash, so they find their collaborators here,
set once per process by the composition root, rather than in their arguments.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from dbos import DBOS, DBOSConfig, Queue

from paved.core.settings import Settings
from paved.policy.deciding import PolicyEngine
from paved.providers.registry import ProviderRegistry
from paved.store.db import Store
from paved.store.secrets import SecretBox
from paved.templates.library import TemplateLibrary

QUEUE = "paved-requests"


@dataclass
class Runtime:
    """The collaborators of every workflow in this process."""

    settings: Settings
    store: Store
    providers: ProviderRegistry
    templates: TemplateLibrary
    secrets: SecretBox
    policy: PolicyEngine
    repository_url: Callable[[str], str]


_current: Runtime | None = None
_queue: Queue | None = None


def is_running() -> bool:
    return _current is not None and _queue is not None


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("the orchestrator is not started (paved.orchestrator.runtime.start)")
    return _current


def start(runtime: Runtime) -> None:
    """Configure and launch DBOS on the system database, then recover unfinished requests."""
    global _current
    _current = runtime
    from paved.orchestrator import workflows  # noqa: F401  registers the workflows with DBOS

    settings = runtime.settings
    _use_wal(settings.system_database_url)
    config: DBOSConfig = {
        "name": "paved",
        "system_database_url": settings.system_database_url,
        "log_level": "WARNING",
        "application_version": "paved-1",
        "executor_id": settings.executor_id,
    }
    logging.getLogger("dbos").setLevel(logging.WARNING)
    DBOS(config=config)
    DBOS.launch()
    global _queue
    _queue = DBOS.register_queue(
        QUEUE, worker_concurrency=settings.request_concurrency, polling_interval_sec=0.05
    )


def queue() -> Queue:
    if _queue is None:
        raise RuntimeError("the orchestrator is not started")
    return _queue


def _use_wal(url: str) -> None:
    """DBOS's SQLite file in WAL mode (it persists in the file): commits without a rollback
    journal, readers beside the writer."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url.removeprefix("sqlite:///"))
    path.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")


def stop() -> None:
    global _current, _queue
    DBOS.destroy(workflow_completion_timeout_sec=0)
    if _current is not None:
        _current.providers.close()
    _current = None
    _queue = None
