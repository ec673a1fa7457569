"""The composition root: builds the store, the providers, the orchestrator and the API app."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from paved.api.app import create_app
from paved.catalog import refreshing as catalog_refresh
from paved.catalog.locations import Locations, reader_for
from paved.catalog.registration import CatalogProvider
from paved.core.errors import PavedError
from paved.core.settings import Settings
from paved.core.states import TeamRole
from paved.orchestrator import approving, runtime, submitting
from paved.policy.deciding import PolicyEngine
from paved.portal.app import install as install_portal
from paved.providers import template_sources
from paved.providers.ci_pipelines import CiPipelineProvider
from paved.providers.git_repos import GitRepoProvider
from paved.providers.monitoring import MonitoringProvider
from paved.providers.postgres import build_postgres_provider
from paved.providers.redis_users import build_redis_provider
from paved.providers.registry import ProviderRegistry
from paved.store import identity
from paved.store.db import Store
from paved.store.secrets import SecretBox, load_or_create_key
from paved.templates import scaffolding
from paved.templates.library import TemplateLibrary, default_root

log = logging.getLogger("paved")

DEMO_TEAMS = {  # name: (title, cost center, monthly budget in USD or None)
    "checkout": ("Checkout", "cc-1042", 5000.0),
    "platform": ("Platform", "cc-1001", None),
}
DEMO_MEMBERS = [
    ("checkout", "admin", TeamRole.lead),
    ("checkout", "alice", TeamRole.lead),
    ("checkout", "bob", TeamRole.member),
]


def build_runtime(settings: Settings, store: Store) -> runtime.Runtime:
    """Everything a workflow needs, wired once."""
    git_root = settings.git_root
    git_root.mkdir(parents=True, exist_ok=True)
    git = GitRepoProvider(git_root, url_for=lambda name: f"{settings.base_url}/git/{name}.git")
    registry = ProviderRegistry(
        [
            git,
            build_postgres_provider(settings),
            build_redis_provider(settings),
            CiPipelineProvider(git_root),
            MonitoringProvider(git_root),
            CatalogProvider(store, reader_for(settings)),
        ]
    )
    key = load_or_create_key(settings.secret_key, settings.home / "secret.key")
    return runtime.Runtime(
        settings=settings,
        store=store,
        providers=registry,
        templates=build_template_library(settings),
        secrets=SecretBox(key),
        policy=PolicyEngine.from_directory(
            settings.policy_dir, check_interval=settings.policy_check_interval
        ),
        repository_url=git.url,
    )


def build_template_library(settings: Settings) -> TemplateLibrary:
    """The shipped templates, then each configured repository's (synced now, best effort)."""
    sources = []
    for url in settings.template_repository_urls:
        checkout = template_sources.checkout_dir(settings.home / "template-sources", url)
        try:
            template_sources.sync(url, checkout)
        except PavedError as err:
            log.warning("template repository %s not synced: %s", url, err)
        sources.append((checkout, url))
    return TemplateLibrary(settings.templates_dir or default_root(), sources)


def bootstrap(settings: Settings, store: Store) -> str | None:
    """First start: an admin (token written to a file only its owner can read) and demo teams.

    Many processes may start at once on one database: the first to take the lock does it.
    """
    with store.exclusive("bootstrap") as session:
        first_start = not identity.has_admin(session)
        identity.ensure_user(session, "admin", is_admin=True)
        token = None
        if first_start:
            token = identity.add_token(session, "admin", "bootstrap", settings.admin_token)
        if first_start and settings.demo_data:
            for name, (title, cost_center, budget) in DEMO_TEAMS.items():
                if not identity.team_exists(session, name):
                    identity.create_team(
                        session, name, title, cost_center=cost_center, monthly_budget=budget
                    )
            for team, user, role in DEMO_MEMBERS:
                identity.set_member(session, team, user, role)
    if token is not None:
        _write_private(settings.admin_token_file, token)
    return token


def _write_private(path: os.PathLike[str], content: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content + "\n")


def start_orchestrator(settings: Settings, store: Store, stopping: threading.Event) -> None:
    """Start DBOS (it must not run on the event loop's thread), resume unfinished requests now,
    and keep sweeping: requests whose run could not be queued, approvals nobody decided in time."""
    scaffolding.preload()
    runtime.start(build_runtime(settings, store))
    sweep()
    threading.Thread(
        target=_sweep_every,
        args=(settings.sweep_interval, stopping),
        name="paved-sweep",
        daemon=True,
    ).start()
    catalog_refresh.start(
        Locations(store, reader_for(settings)), settings.catalog_refresh_interval, stopping
    )


def _sweep_every(interval: float, stopping: threading.Event) -> None:
    while not stopping.wait(interval):
        sweep()


def sweep() -> None:
    """One pass of the sweep; a failure is logged and the next pass tries again."""
    try:
        recovered = submitting.recover()
        approving.expire_overdue()
    except Exception:
        log.warning("sweep failed", exc_info=True)
        return
    if recovered:
        log.info("queued %d unfinished requests", recovered)


def create_application(settings: Settings | None = None) -> FastAPI:
    """All of Paved in one ASGI app: the API, with the orchestrator started in its lifespan."""
    settings = settings or Settings()
    settings.home.mkdir(parents=True, exist_ok=True, mode=0o700)
    store = Store(settings.store_url)
    store.migrate()
    bootstrap(settings, store)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        stopping = threading.Event()
        await run_in_threadpool(start_orchestrator, settings, store, stopping)
        try:
            yield
        finally:
            stopping.set()
            await run_in_threadpool(runtime.stop)
            store.dispose()

    app = create_app(settings, store)
    install_portal(app)
    app.router.lifespan_context = lifespan
    return app
