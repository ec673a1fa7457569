"""The `redis` provider: an ACL user per resource, confined to its service's keys and channels.

The user is named after the external name (`redis:checkout-payments-api-dev` ->
`checkout-payments-api-dev`) and may touch only `<service>:*` keys and channels, with every
command except the admin and dangerous ones.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from paved.core.errors import PermanentError, TemporaryError
from paved.core.settings import Settings
from paved.providers.base import Observation, Outputs, ResourceRef, Spec
from paved.providers.embedded.redis_server import EmbeddedRedis
from paved.providers.servers import AdminServer, url_host

if TYPE_CHECKING:  # redis itself is imported where it is used: 6 MB a process serving only
    import redis  # the API (which formats connection URLs) does not load

COMMAND_RULES = ("+@all", "-@admin", "-@dangerous")
TIMEOUT = 3.0
_NO_ACL_FILE = "not configured to use an ACL file"


def user_for(external_name: str) -> str:
    """The ACL user of a resource: its external name without the kind prefix."""
    return external_name.partition(":")[2] or external_name


def connection_url(outputs: Outputs, password: str) -> str:
    """The redis:// URL an application uses, from a resource's outputs and its password."""
    user, secret = quote(str(outputs["user"]), safe=""), quote(password, safe="")
    host = url_host(str(outputs["host"]))
    return f"redis://{user}:{secret}@{host}:{outputs['port']}/0"


class RedisUserProvider(AdminServer):
    """ACL users on the server that `admin_url()` names (a user allowed to run ACL commands).
    `admin_url` is called lazily, so it may start an embedded server; `available` (optional)
    raises `UnavailableError` when no server can be had."""

    kind = "redis"
    secret_keys: tuple[str, ...] = ("password",)

    def __init__(
        self,
        admin_url: Callable[[], str],
        available: Callable[[], None] | None = None,
        *,
        timeout: float = TIMEOUT,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        """`on_close` stops what the provider started (an embedded server) when Paved stops."""
        super().__init__(admin_url, available, on_close)
        self._timeout = timeout

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        user, password = user_for(ref.external_name), _password(spec)
        with self._admin("observe", user) as client:
            info = client.acl_getuser(user)
            if info is None:
                return Observation(exists=False, up_to_date=False)
            diff = _diff(info, ref.service, password)
            return Observation(
                exists=True,
                up_to_date=not diff,
                outputs=_outputs(client, ref, user),
                diff=tuple(diff),
            )

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self._ensure(ref, spec)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self._ensure(ref, spec)

    def delete(self, ref: ResourceRef) -> None:
        """Remove the user and the keys under its prefix: nothing of the service stays behind."""
        user = user_for(ref.external_name)
        with self._admin("delete", user) as client:
            if client.acl_deluser(user):
                _save(client)
            batch: list[str] = []
            for key in client.scan_iter(match=f"{ref.service}:*", count=1000):
                batch.append(key)
                if len(batch) >= 1000:
                    client.unlink(*batch)
                    batch.clear()
            if batch:
                client.unlink(*batch)

    def _ensure(self, ref: ResourceRef, spec: Spec) -> Outputs:
        """Set the user from scratch (`reset` first), so the result is exactly the spec."""
        user, password = user_for(ref.external_name), _password(spec)
        service = ref.service
        with self._admin("create", user) as client:
            client.acl_setuser(
                user,
                reset=True,
                enabled=True,
                hashed_passwords=[f"+{_digest(password)}"],
                keys=[f"{service}:*"],
                channels=[f"{service}:*"],
                categories=list(COMMAND_RULES),
            )
            _save(client)
            return _outputs(client, ref, user)

    @contextlib.contextmanager
    def _admin(self, action: str, user: str) -> Iterator[redis.Redis]:
        """A client as the admin; redis errors become provider errors."""
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        url = self._admin_url()
        client = redis.Redis.from_url(
            url,
            socket_connect_timeout=self._timeout,
            socket_timeout=self._timeout,
            decode_responses=True,
            retry=Retry(NoBackoff(), 0),
        )
        try:
            yield client
        except redis.RedisError as err:
            raise _wrap(err, action, user) from err
        finally:
            client.close()


def _diff(info: Mapping[str, Any], service: str, password: str) -> list[str]:
    flags = set(info.get("flags", []))
    diff = []
    if "on" not in flags:
        diff.append("enabled: off, want on")
    if list(info.get("passwords", [])) != [_digest(password)] or "nopass" in flags:
        diff.append("password: differs")
    keys = ["*"] if "allkeys" in flags else sorted(k.split("~", 1)[-1] for k in info["keys"])
    if keys != [f"{service}:*"]:
        diff.append(f"keys: is {' '.join(keys) or 'none'}, want {service}:*")
    channels = ["*"] if "allchannels" in flags else sorted(_channel(c) for c in info["channels"])
    if channels != [f"{service}:*"]:
        diff.append(f"channels: is {' '.join(channels) or 'none'}, want {service}:*")
    rules = [*info.get("categories", []), *info.get("commands", [])]
    wanted = {"+@all", "-@dangerous"}  # -@admin is implied by -@dangerous and may not be shown
    if not wanted <= set(rules) <= {*wanted, "-@admin"}:
        diff.append(f"commands: is {' '.join(rules) or 'none'}, want {' '.join(COMMAND_RULES)}")
    if info.get("selectors"):
        diff.append("selectors: present, want none")
    return diff


def _channel(pattern: str) -> str:
    return pattern[1:] if pattern.startswith("&") else pattern


def _digest(password: str) -> str:
    """The password as ACL GETUSER shows it: its SHA-256, in hex."""
    return hashlib.sha256(password.encode()).hexdigest()


def _save(client: redis.Redis) -> None:
    """Persist the ACL where the server keeps an ACL file; servers without one keep it in memory."""
    from redis.exceptions import ResponseError

    try:
        client.acl_save()
    except ResponseError as err:
        if _NO_ACL_FILE not in str(err):
            raise


def _outputs(client: redis.Redis, ref: ResourceRef, user: str) -> Outputs:
    kwargs = client.connection_pool.connection_kwargs
    return {
        "host": kwargs.get("host", "localhost"),
        "port": int(kwargs.get("port", 6379)),
        "user": user,
        "key_prefix": f"{ref.service}:",
    }


def _password(spec: Spec) -> str:
    password = spec.get("password")
    if not isinstance(password, str) or not password:
        raise PermanentError("the Redis spec carries no password")
    return password


def _wrap(
    err: redis.exceptions.RedisError, action: str, user: str
) -> TemporaryError | PermanentError:
    """Unreachable servers and timeouts become `TemporaryError`; a refused login does not."""
    from redis.exceptions import AuthenticationError
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    message = f"Redis: cannot {action} user {user}: {err}"
    if isinstance(err, AuthenticationError):
        return PermanentError(message)
    if isinstance(err, RedisConnectionError):
        return TemporaryError(message, delay=2.0, unreachable=True)
    if isinstance(err, RedisTimeoutError):
        return TemporaryError(message, delay=2.0)
    return PermanentError(message)


def build_redis_provider(settings: Settings) -> RedisUserProvider:
    """The provider on `settings.redis_admin_url`, or on an embedded server under home."""
    if settings.redis_admin_url:
        url = settings.redis_admin_url
        return RedisUserProvider(lambda: url)
    server = EmbeddedRedis(settings.home / "redis")
    return RedisUserProvider(
        server.ensure_running, available=server.check_available, on_close=server.stop
    )
