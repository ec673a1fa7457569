"""The `redis` provider and the embedded server, on a real Redis server."""

from __future__ import annotations

import secrets
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from redis.exceptions import NoPermissionError

from paved.core.errors import PermanentError, TemporaryError
from paved.core.ids import external_name
from paved.core.settings import Settings
from paved.providers.base import Provider, ResourceRef
from paved.providers.embedded import free_port
from paved.providers.embedded.redis_server import EmbeddedRedis
from paved.providers.redis_users import (
    RedisUserProvider,
    build_redis_provider,
    connection_url,
    user_for,
)
from tests.contract.suite import ProviderContract


@pytest.fixture(scope="module")
def provider(redis_admin_url: str) -> RedisUserProvider:
    return RedisUserProvider(lambda: redis_admin_url)


@pytest.fixture
def ref(provider: RedisUserProvider) -> Iterator[ResourceRef]:
    service = f"svc-{uuid.uuid4().hex[:8]}"
    ref = ResourceRef(
        kind="redis",
        external_name=external_name("redis", "checkout", service, "dev"),
        service=service,
        team="checkout",
        environment="dev",
        name="redis",
    )
    yield ref
    provider.delete(ref)


@pytest.fixture
def spec() -> dict[str, Any]:
    return {"size": "small", "password": secrets.token_urlsafe(16)}


@pytest.fixture
def admin(redis_admin_url: str) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_admin_url, decode_responses=True)
    yield client
    client.close()


class TestRedisContract(ProviderContract):
    """The generic provider contract."""


def test_names_and_urls() -> None:
    assert user_for("redis:checkout-payments-api-dev") == "checkout-payments-api-dev"
    outputs = {"host": "127.0.0.1", "port": 6379, "user": "u", "key_prefix": "s:"}
    assert connection_url(outputs, "p@ss") == "redis://u:p%40ss@127.0.0.1:6379/0"


def test_the_user_may_use_its_prefix_only(
    provider: RedisUserProvider, ref: ResourceRef, spec: dict[str, Any]
) -> None:
    outputs = provider.create(ref, spec)
    assert outputs["key_prefix"] == f"{ref.service}:"
    client = redis.Redis.from_url(connection_url(outputs, spec["password"]), decode_responses=True)
    try:
        client.set(f"{ref.service}:x", "1")
        assert client.get(f"{ref.service}:x") == "1"
        client.publish(f"{ref.service}:events", "hello")
        with pytest.raises(NoPermissionError):
            client.set("other:x", "1")
        with pytest.raises(NoPermissionError):
            client.publish("other:events", "hello")
        with pytest.raises(NoPermissionError):
            client.flushall()
        with pytest.raises(NoPermissionError):
            client.acl_list()
    finally:
        client.close()


def test_drift_is_seen_and_repaired(
    provider: RedisUserProvider, ref: ResourceRef, spec: dict[str, Any], admin: redis.Redis
) -> None:
    outputs = provider.create(ref, spec)
    user = outputs["user"]
    admin.acl_setuser(user, enabled=True, keys=["other:*"], categories=["+@dangerous"])
    admin.acl_setuser(user, enabled=True, passwords=["+changed-by-hand"])
    observation = provider.observe(ref, spec)
    assert observation.exists
    assert not observation.up_to_date
    assert {line.split(":")[0] for line in observation.diff} == {"keys", "commands", "password"}
    assert provider.update(ref, spec) == outputs
    assert provider.observe(ref, spec).up_to_date
    admin.acl_setuser(user, enabled=False)
    assert provider.observe(ref, spec).diff == ("enabled: off, want on",)


def test_delete_disconnects_the_user(
    provider: RedisUserProvider, ref: ResourceRef, spec: dict[str, Any]
) -> None:
    outputs = provider.create(ref, spec)
    client = redis.Redis.from_url(connection_url(outputs, spec["password"]))
    try:
        assert client.ping()
        provider.delete(ref)
        with pytest.raises(redis.exceptions.RedisError):
            client.ping()
    finally:
        client.close()


def test_delete_removes_the_service_keys_and_only_those(
    provider: RedisUserProvider, ref: ResourceRef, spec: dict[str, Any], admin: redis.Redis
) -> None:
    provider.create(ref, spec)
    admin.mset({f"{ref.service}:{i}": i for i in range(2500)})
    admin.set(f"{ref.service}-other:kept", "1")
    provider.delete(ref)
    assert list(admin.scan_iter(match=f"{ref.service}:*")) == []
    assert admin.get(f"{ref.service}-other:kept") == "1"
    admin.delete(f"{ref.service}-other:kept")


def test_an_unreachable_server_is_a_temporary_error(ref: ResourceRef, spec: dict[str, Any]) -> None:
    provider = RedisUserProvider(lambda: f"redis://default:pw@127.0.0.1:{free_port()}/0")
    with pytest.raises(TemporaryError, match="cannot observe") as caught:
        provider.observe(ref, spec)
    assert caught.value.unreachable
    with pytest.raises(TemporaryError):
        provider.create(ref, spec)


def test_a_wrong_admin_password_is_a_permanent_error(
    ref: ResourceRef, spec: dict[str, Any], redis_admin_url: str
) -> None:
    bad = redis_admin_url.replace("default:", "default:wrong", 1)
    with pytest.raises(PermanentError) as caught:
        RedisUserProvider(lambda: bad).observe(ref, spec)
    assert "wrong" not in str(caught.value)


def test_build_uses_the_configured_server(redis_admin_url: str, tmp_path: Path) -> None:
    configured = build_redis_provider(Settings(home=tmp_path, redis_admin_url=redis_admin_url))
    assert isinstance(configured, Provider)
    configured.check_available()
    embedded = build_redis_provider(Settings(home=tmp_path))
    embedded.check_available()
    assert not (tmp_path / "redis").exists()


def test_a_second_instance_and_process_reuse_the_running_server(
    embedded_redis: EmbeddedRedis, redis_admin_url: str
) -> None:
    assert EmbeddedRedis(embedded_redis.data_dir).ensure_running() == redis_admin_url
    script = (
        "import sys; from pathlib import Path;"
        "from paved.providers.embedded.redis_server import EmbeddedRedis;"
        "print(EmbeddedRedis(Path(sys.argv[1])).ensure_running())"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(embedded_redis.data_dir)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == redis_admin_url


def test_users_survive_a_restart_of_the_embedded_server(
    tmp_path: Path, ref: ResourceRef, spec: dict[str, Any]
) -> None:
    server = EmbeddedRedis(tmp_path / "redis")
    try:
        url = server.ensure_running()
        provider = RedisUserProvider(server.ensure_running)
        provider.create(ref, spec)
        server.stop()
        assert server.ensure_running() == url
        assert provider.observe(ref, spec).up_to_date
        provider.delete(ref)
    finally:
        server.stop()
