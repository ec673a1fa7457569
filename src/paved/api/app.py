"""Builds the FastAPI application of the Platform API v1."""

from __future__ import annotations

from fastapi import FastAPI

from paved import __version__
from paved.api import errors
from paved.api.catalog_lane import CatalogLane
from paved.api.routes import (
    approvals,
    catalog,
    friction,
    git,
    health,
    policy,
    requests,
    services,
    teams,
    templates,
)
from paved.core.settings import Settings
from paved.store.db import Store

API_PREFIX = "/api/v1"


def create_app(settings: Settings, store: Store) -> FastAPI:
    app = FastAPI(
        title="Paved Platform API",
        version=__version__,
        description="Self-service that really provisions things: services, requests, teams.",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = store
    # FastAPI tries routes in order: the catalog, read by the thousand, is tried first. Each
    # router is included in the app itself: every level of nesting is matched again per request.
    for router in (
        catalog.router,
        services.router,
        requests.router,
        approvals.router,
        policy.router,
        teams.router,
        templates.router,
        templates.upgrades,
        friction.router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health.router)
    app.include_router(git.router)
    errors.install(app)
    app.add_middleware(CatalogLane)
    return app
