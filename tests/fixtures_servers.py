"""Real PostgreSQL and Redis servers for the test suite, started from the installed binaries.

A pytest plugin (`pytest_plugins = ["tests.fixtures_servers"]`): each session, and so each
pytest-xdist worker, starts its own servers in its own temp dir on first use and stops them at
the end. Missing binaries fail the tests that need them, saying what to install.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator

import psycopg
import pytest
from psycopg import sql

from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from paved.providers.embedded.redis_server import EmbeddedRedis


def database_url(admin_url: str, database: str) -> str:
    """The same server and credentials as `admin_url`, on another database."""
    base, _, query = admin_url.partition("?")
    server = base.rpartition("/")[0]
    return f"{server}/{database}" + (f"?{query}" if query else "")


@pytest.fixture(scope="session")
def embedded_postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedPostgres]:
    """The session's PostgreSQL cluster (fsync off), running; stopped and removed at the end."""
    if EmbeddedPostgres.find_binaries() is None:
        pytest.fail(
            "PostgreSQL binaries (initdb, pg_ctl, postgres) are not installed: "
            "`apt-get install postgresql`",
            pytrace=False,
        )
    cluster = EmbeddedPostgres(tmp_path_factory.mktemp("postgres"), durable=False)
    cluster.ensure_running()
    yield cluster
    cluster.stop()
    if cluster.base_dir != cluster.data_dir:
        shutil.rmtree(cluster.base_dir, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_admin_url(embedded_postgres: EmbeddedPostgres) -> str:
    """A superuser URL (`postgresql://paved_admin:...@127.0.0.1:<port>/postgres`)."""
    return embedded_postgres.ensure_running()


@pytest.fixture(scope="session")
def postgres_database_factory(postgres_admin_url: str) -> Iterator[Callable[[], str]]:
    """Makes empty databases on the session's server and returns their URLs (as the superuser);
    every one of them, and the `<name>_dbos_sys` database DBOS may add beside it, is dropped
    when the session ends."""
    created: list[str] = []

    def make() -> str:
        name = f"test_{uuid.uuid4().hex[:12]}"
        _admin_execute(postgres_admin_url, "CREATE DATABASE {}", name)
        created.append(name)
        return database_url(postgres_admin_url, name)

    yield make
    for name in created:
        _drop_databases(postgres_admin_url, name)


@pytest.fixture
def fresh_postgres_database(postgres_admin_url: str) -> Iterator[str]:
    """A new empty database for one test, as a `postgresql://` URL; dropped afterwards (with the
    `<name>_dbos_sys` database DBOS may have created beside it)."""
    name = f"test_{uuid.uuid4().hex[:12]}"
    _admin_execute(postgres_admin_url, "CREATE DATABASE {}", name)
    yield database_url(postgres_admin_url, name)
    _drop_databases(postgres_admin_url, name)


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedRedis]:
    """The session's Redis server, running; stopped at the end."""
    if EmbeddedRedis.find_binary() is None:
        pytest.fail("redis-server is not installed: `apt-get install redis-server`", pytrace=False)
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.ensure_running()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_admin_url(embedded_redis: EmbeddedRedis) -> str:
    """The `default` user's URL (`redis://default:...@127.0.0.1:<port>/0`)."""
    return embedded_redis.ensure_running()


def _drop_databases(admin_url: str, name: str) -> None:
    for database in (name, f"{name}_dbos_sys"):
        _admin_execute(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", database)


def _admin_execute(admin_url: str, statement: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))
