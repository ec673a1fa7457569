"""`paved up`: run Paved in one process — API, worker and embedded local providers."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

_ENV = {
    "home": "PAVED_HOME",
    "database_url": "PAVED_DATABASE_URL",
    "postgres_admin_url": "PAVED_POSTGRES_ADMIN_URL",
    "redis_admin_url": "PAVED_REDIS_ADMIN_URL",
}


def up(
    host: Annotated[
        str, typer.Option(envvar="PAVED_HOST", help="address to listen on")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="PAVED_PORT", help="port to listen on")] = 8000,
    home: Annotated[
        Path | None, typer.Option(help="data directory (env PAVED_HOME; default ./.paved)")
    ] = None,
    database_url: Annotated[
        str | None,
        typer.Option(
            help="store database (env PAVED_DATABASE_URL; default SQLite under the data directory)"
        ),
    ] = None,
    postgres_admin_url: Annotated[
        str | None,
        typer.Option(
            help="PostgreSQL server to provision on (env PAVED_POSTGRES_ADMIN_URL;"
            " default: a cluster Paved starts)"
        ),
    ] = None,
    redis_admin_url: Annotated[
        str | None,
        typer.Option(
            help="Redis server to provision on (env PAVED_REDIS_ADMIN_URL;"
            " default: a server Paved starts)"
        ),
    ] = None,
) -> None:
    """Start Paved: the Platform API and a worker, on SQLite and local providers by default."""
    import uvicorn

    from paved.core.settings import Settings
    from paved.main import create_application

    given = {
        "home": home,
        "database_url": database_url,
        "postgres_admin_url": postgres_admin_url,
        "redis_admin_url": redis_admin_url,
    }
    for name, value in given.items():
        if value is not None:
            os.environ[_ENV[name]] = str(value)
    settings = Settings(host=host, port=port)
    app = create_application(settings)
    typer.echo(f"Paved on {settings.base_url}  (data in {settings.home})")
    typer.echo(f"admin token: {settings.admin_token_file}")
    typer.echo(f"API docs:    {settings.base_url}/api/v1/docs")
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
