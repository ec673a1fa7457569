"""The `postgres` provider and the embedded cluster, on a real PostgreSQL server."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import sql

from paved.core.errors import PermanentError, TemporaryError
from paved.core.ids import external_name
from paved.core.settings import Settings
from paved.providers.base import Provider, ResourceRef
from paved.providers.embedded import free_port
from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from paved.providers.postgres import (
    PostgresProvider,
    build_postgres_provider,
    connection_url,
    identifier_for,
)
from tests.contract.suite import ProviderContract


@pytest.fixture(scope="module")
def provider(postgres_admin_url: str) -> PostgresProvider:
    return PostgresProvider(lambda: postgres_admin_url)


@pytest.fixture
def ref(provider: PostgresProvider) -> Iterator[ResourceRef]:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    ref = ResourceRef(
        kind="postgres",
        external_name=external_name("pg", "checkout", service, "dev"),
        service=service,
        team="checkout",
        environment="dev",
        name="pg",
    )
    yield ref
    provider.delete(ref)


@pytest.fixture
def spec() -> dict[str, Any]:
    return {"size": "small", "password": secrets.token_urlsafe(16)}


class TestPostgresContract(ProviderContract):
    """The generic provider contract."""


def admin(url: str, statement: str, *args: Any) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql.SQL(statement).format(*(sql.Identifier(a) for a in args)))


def test_names_follow_the_external_name() -> None:
    assert identifier_for("pg:checkout-payments-api-dev") == "checkout_payments_api_dev"
    assert identifier_for("pg:9lives-api-dev") == "_9lives_api_dev"


def test_long_names_are_truncated_with_a_hash() -> None:
    long_a, long_b = "pg:" + "a" * 70 + "-dev", "pg:" + "a" * 70 + "-prod"
    name_a, name_b = identifier_for(long_a), identifier_for(long_b)
    assert len(name_a.encode()) == 63
    assert name_a != name_b
    assert identifier_for(long_a) == name_a


def test_connection_url_carries_the_password_quoted() -> None:
    outputs = {"host": "127.0.0.1", "port": 5432, "database": "db", "user": "db"}
    assert connection_url(outputs, "p@ss/w") == "postgresql://db:p%40ss%2Fw@127.0.0.1:5432/db"


def test_the_role_works_in_its_database(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any]
) -> None:
    outputs = provider.create(ref, spec)
    assert set(outputs) == {"host", "port", "database", "user"}
    with psycopg.connect(connection_url(outputs, spec["password"]), autocommit=True) as conn:
        conn.execute("CREATE TABLE orders (id int PRIMARY KEY)")
        conn.execute("INSERT INTO orders VALUES (1)")
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (1,)


def test_other_roles_cannot_connect(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any], postgres_admin_url: str
) -> None:
    outputs = provider.create(ref, spec)
    other = f"other_{uuid.uuid4().hex[:8]}"
    admin(postgres_admin_url, "CREATE ROLE {} LOGIN PASSWORD 'other-pw'", other)
    try:
        url = connection_url({**outputs, "user": other}, "other-pw")
        with pytest.raises(psycopg.OperationalError, match="permission denied for database"):
            psycopg.connect(url, connect_timeout=3)
    finally:
        admin(postgres_admin_url, "DROP ROLE {}", other)


def test_size_sets_the_connection_limit(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any], postgres_admin_url: str
) -> None:
    provider.create(ref, {**spec, "size": "large"})
    observation = provider.observe(ref, {**spec, "size": "medium"})
    assert observation.diff == ("connection_limit: is 100, want 50",)
    provider.update(ref, {**spec, "size": "medium"})
    assert provider.observe(ref, {**spec, "size": "medium"}).up_to_date


def test_drift_is_seen_and_repaired(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any], postgres_admin_url: str
) -> None:
    outputs = provider.create(ref, spec)
    name = outputs["database"]
    admin(postgres_admin_url, "ALTER DATABASE {} CONNECTION LIMIT 5", name)
    admin(postgres_admin_url, "GRANT CONNECT ON DATABASE {} TO PUBLIC", name)
    admin(postgres_admin_url, "ALTER ROLE {} PASSWORD 'changed-by-hand'", name)
    observation = provider.observe(ref, spec)
    assert observation.exists
    assert not observation.up_to_date
    assert {line.split(":")[0] for line in observation.diff} == {
        "connection_limit",
        "public_connect",
        "password",
    }
    assert spec["password"] not in repr(observation)
    assert provider.update(ref, spec) == outputs
    assert provider.observe(ref, spec).up_to_date


def test_a_half_created_resource_is_completed(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any], postgres_admin_url: str
) -> None:
    name = identifier_for(ref.external_name)
    admin(postgres_admin_url, "CREATE ROLE {} LOGIN PASSWORD 'stale'", name)
    assert not provider.observe(ref, spec).exists
    outputs = provider.create(ref, spec)
    assert provider.observe(ref, spec).up_to_date
    with psycopg.connect(connection_url(outputs, spec["password"])) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (name,)


def test_delete_ends_the_role_s_sessions(
    provider: PostgresProvider, ref: ResourceRef, spec: dict[str, Any]
) -> None:
    outputs = provider.create(ref, spec)
    session = psycopg.connect(connection_url(outputs, spec["password"]))
    provider.delete(ref)
    with pytest.raises(psycopg.OperationalError):
        session.execute("SELECT 1")
    session.close()
    assert not provider.observe(ref, spec).exists


def test_an_unreachable_server_is_a_temporary_error(ref: ResourceRef, spec: dict[str, Any]) -> None:
    port = free_port()
    provider = PostgresProvider(lambda: f"postgresql://paved_admin:pw@127.0.0.1:{port}/postgres")
    with pytest.raises(TemporaryError, match="cannot observe") as caught:
        provider.observe(ref, spec)
    assert caught.value.unreachable
    with pytest.raises(TemporaryError):
        provider.create(ref, spec)


def test_a_wrong_admin_password_is_a_permanent_error(
    ref: ResourceRef, spec: dict[str, Any], postgres_admin_url: str
) -> None:
    bad = postgres_admin_url.replace("paved_admin:", "paved_admin:wrong", 1)
    with pytest.raises(PermanentError, match="authentication failed") as caught:
        PostgresProvider(lambda: bad).observe(ref, spec)
    assert "wrong" not in str(caught.value)


def test_a_spec_without_password_or_with_an_unknown_size_is_permanent(
    provider: PostgresProvider, ref: ResourceRef
) -> None:
    with pytest.raises(PermanentError, match="no password"):
        provider.create(ref, {"size": "small"})
    with pytest.raises(PermanentError, match="unknown PostgreSQL size"):
        provider.create(ref, {"size": "huge", "password": "x"})


def test_build_uses_the_configured_server(postgres_admin_url: str, tmp_path: Path) -> None:
    configured = build_postgres_provider(
        Settings(home=tmp_path, postgres_admin_url=postgres_admin_url)
    )
    assert isinstance(configured, Provider)
    configured.check_available()
    embedded = build_postgres_provider(Settings(home=tmp_path))
    embedded.check_available()
    assert not (tmp_path / "postgres").exists()


def test_a_second_instance_and_process_reuse_the_running_cluster(
    embedded_postgres: EmbeddedPostgres, postgres_admin_url: str
) -> None:
    assert EmbeddedPostgres(embedded_postgres.data_dir).ensure_running() == postgres_admin_url
    script = (
        "import sys; from pathlib import Path;"
        "from paved.providers.embedded.postgres_cluster import EmbeddedPostgres;"
        "print(EmbeddedPostgres(Path(sys.argv[1])).ensure_running())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(embedded_postgres.data_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == postgres_admin_url


def test_a_fresh_cluster_starts_once_stops_and_restarts_quickly(tmp_path: Path) -> None:
    cluster = EmbeddedPostgres(tmp_path / "pg", durable=False)
    urls: list[str] = []

    def start() -> None:
        urls.append(EmbeddedPostgres(tmp_path / "pg", durable=False).ensure_running())

    threads = [threading.Thread(target=start) for _ in range(3)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(set(urls)) == 1
        with psycopg.connect(urls[0], connect_timeout=3) as conn:
            assert conn.execute("SELECT current_user").fetchone() == ("paved_admin",)
        cluster.stop()
        assert cluster.ensure_running() == urls[0]
    finally:
        cluster.stop()
        if cluster.base_dir != cluster.data_dir:
            shutil.rmtree(cluster.base_dir, ignore_errors=True)
