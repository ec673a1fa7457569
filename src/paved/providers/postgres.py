"""The `postgres` provider: a login role and a database it owns, on a shared PostgreSQL server.

Both are named after the resource's external name (`pg:checkout-payments-api-dev` ->
`checkout_payments_api_dev`); only that role may connect to that database.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import psycopg
from psycopg import sql

from paved.core.errors import PermanentError, TemporaryError
from paved.core.settings import Settings
from paved.providers.base import Observation, Outputs, ResourceRef, Spec
from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from paved.providers.servers import AdminServer, url_host

SIZES = {"small": 20, "medium": 50, "large": 100, "xlarge": 200}
MAX_IDENTIFIER = 63
CONNECT_TIMEOUT = 3
_TRANSIENT_CLASSES = ("08", "40", "53", "57")  # connection, rollback, resources, operator
_TRANSIENT_STATES = ("55P03", "55006")  # lock not available, object in use
_TRANSIENT_TEXT = ("starting up", "shutting down", "too many", "connection slots", "recovery")
_CONCURRENT_TEXT = "concurrently updated"

_CONCURRENTLY_CREATED = (
    psycopg.errors.DuplicateObject,
    psycopg.errors.DuplicateDatabase,
    psycopg.errors.UniqueViolation,
)
Connection = psycopg.Connection[tuple[Any, ...]]


def identifier_for(external_name: str) -> str:
    """A valid PostgreSQL identifier of at most 63 bytes; longer names end with a hash."""
    base = external_name.partition(":")[2] or external_name
    name = re.sub(r"[^a-z0-9_]", "_", base.lower())
    if not re.match(r"[a-z_]", name):
        name = f"_{name}"
    if len(name) > MAX_IDENTIFIER:
        digest = hashlib.sha256(external_name.encode()).hexdigest()[:8]
        name = f"{name[: MAX_IDENTIFIER - 9]}_{digest}"
    return name


def connection_url(outputs: Outputs, password: str) -> str:
    """The libpq URL an application uses, from a resource's outputs and its password."""
    user, secret = quote(str(outputs["user"]), safe=""), quote(password, safe="")
    database = quote(str(outputs["database"]), safe="")
    host, port = str(outputs["host"]), outputs["port"]
    if host.startswith("/"):
        return f"postgresql://{user}:{secret}@/{database}?host={quote(host, safe='')}&port={port}"
    return f"postgresql://{user}:{secret}@{url_host(host)}:{port}/{database}"


@dataclass(frozen=True)
class _State:
    can_login: bool
    owner: str
    connection_limit: int
    public_connect: bool
    role_connect: bool


class PostgresProvider(AdminServer):
    """Roles and databases on the server that `admin_url()` names (a superuser, or a role with
    CREATEROLE and CREATEDB). `admin_url` is called lazily, so it may start an embedded cluster;
    `available` (optional) raises `UnavailableError` when no server can be had."""

    kind = "postgres"
    secret_keys: tuple[str, ...] = ("password",)

    def __init__(
        self,
        admin_url: Callable[[], str],
        available: Callable[[], None] | None = None,
        *,
        connect_timeout: int = CONNECT_TIMEOUT,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        """`on_close` stops what the provider started (an embedded server) when Paved stops."""
        super().__init__(admin_url, available, on_close)
        self._connect_timeout = connect_timeout

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        name = identifier_for(ref.external_name)
        limit, password = _limit(spec), _password(spec)
        with self._admin("observe", name) as conn:
            state = _read_state(conn, name)
            if state is None:
                return Observation(exists=False, up_to_date=False)
            diff = _diff(state, name, limit)
            if state.can_login and not self._password_matches(conn, name, password):
                diff.append("password: differs")
            return Observation(
                exists=True, up_to_date=not diff, outputs=_outputs(conn, name), diff=tuple(diff)
            )

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self._ensure(ref, spec)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self._ensure(ref, spec)

    def delete(self, ref: ResourceRef) -> None:
        name = identifier_for(ref.external_name)
        ident = sql.Identifier(name)
        with self._admin("delete", name) as conn:
            _lock(conn, name)
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE (usename = %s OR datname = %s) AND pid <> pg_backend_pid()",
                (name, name),
            )
            force = sql.SQL(" WITH (FORCE)" if conn.info.server_version >= 130000 else "")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(ident, force))
            if _role_exists(conn, name):
                conn.execute(sql.SQL("DROP OWNED BY {}").format(ident))
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(ident))

    def _ensure(self, ref: ResourceRef, spec: Spec) -> Outputs:
        """Create what is missing and correct what differs; safe to run any number of times."""
        name = identifier_for(ref.external_name)
        limit, password = _limit(spec), _password(spec)
        ident = sql.Identifier(name)
        with self._admin("create", name) as conn:
            _lock(conn, name)
            verifier = conn.pgconn.encrypt_password(
                password.encode(), name.encode(), b"scram-sha-256"
            ).decode()
            login = sql.SQL("WITH LOGIN PASSWORD {}").format(sql.Literal(verifier))
            try:
                verb = "ALTER" if _role_exists(conn, name) else "CREATE"
                conn.execute(sql.SQL(verb + " ROLE {} {}").format(ident, login))
            except _CONCURRENTLY_CREATED:  # by a concurrent call, since we looked
                conn.execute(sql.SQL("ALTER ROLE {} {}").format(ident, login))
            if not _database_exists(conn, name):
                with contextlib.suppress(*_CONCURRENTLY_CREATED):
                    conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(ident, ident))
            for statement in (
                "ALTER DATABASE {db} OWNER TO {role}",
                "ALTER DATABASE {db} CONNECTION LIMIT {limit}",
                "REVOKE CONNECT ON DATABASE {db} FROM PUBLIC",
                "GRANT CONNECT ON DATABASE {db} TO {role}",
            ):
                conn.execute(sql.SQL(statement).format(db=ident, role=ident, limit=limit))
            return _outputs(conn, name)

    @contextlib.contextmanager
    def _admin(self, action: str, name: str) -> Iterator[Connection]:
        """An autocommit connection as the admin; psycopg errors become provider errors."""
        url = self._admin_url()
        url = url.replace("postgresql+psycopg://", "postgresql://", 1)
        try:
            conn = psycopg.connect(url, autocommit=True, connect_timeout=self._connect_timeout)
        except psycopg.OperationalError as err:
            raise _wrap(err, action, name, connecting=True) from err
        try:
            with conn:
                yield conn
        except psycopg.Error as err:
            raise _wrap(err, action, name) from err

    def _password_matches(self, admin: Connection, name: str, password: str) -> bool:
        """Log in as the role: only an authentication failure means the password differs."""
        params = admin.info.get_parameters()
        try:
            with psycopg.connect(
                host=admin.info.host,
                port=admin.info.port,
                dbname=name,
                user=name,
                password=password,
                sslmode=params.get("sslmode", "prefer"),
                connect_timeout=self._connect_timeout,
            ):
                return True
        except psycopg.OperationalError as err:
            if "authentication failed" in str(err):
                return False
            if "FATAL" in str(err):
                return True  # authenticated, then refused for another reason
            raise


def _read_state(conn: Connection, name: str) -> _State | None:
    row = conn.execute(
        "SELECT r.rolcanlogin, pg_get_userbyid(d.datdba), d.datconnlimit,"
        " has_database_privilege('public', d.oid, 'CONNECT'),"
        " has_database_privilege(r.oid, d.oid, 'CONNECT')"
        " FROM pg_roles r JOIN pg_database d ON d.datname = %s WHERE r.rolname = %s",
        (name, name),
    ).fetchone()
    return None if row is None else _State(*row)


def _diff(state: _State, name: str, limit: int) -> list[str]:
    diff = []
    if not state.can_login:
        diff.append("login: disabled, want enabled")
    if state.owner != name:
        diff.append(f"owner: is {state.owner}, want {name}")
    if state.connection_limit != limit:
        diff.append(f"connection_limit: is {state.connection_limit}, want {limit}")
    if state.public_connect:
        diff.append("public_connect: granted, want revoked")
    if not state.role_connect:
        diff.append("role_connect: revoked, want granted")
    return diff


def _lock(conn: Connection, name: str) -> None:
    """Serialise changes to one resource across processes (released when `conn` closes)."""
    key = int.from_bytes(hashlib.sha256(f"paved:postgres:{name}".encode()).digest()[:8], "big")
    conn.execute("SET lock_timeout = '20s'")
    conn.execute("SELECT pg_advisory_lock(%s)", (key - (1 << 63),))


def _role_exists(conn: Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def _database_exists(conn: Connection, name: str) -> bool:
    row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def _outputs(conn: Connection, name: str) -> Outputs:
    return {"host": conn.info.host, "port": conn.info.port, "database": name, "user": name}


def _limit(spec: Spec) -> int:
    size = spec.get("size") or "small"
    if size not in SIZES:
        raise PermanentError(f"unknown PostgreSQL size {size!r}; choose one of {', '.join(SIZES)}")
    return SIZES[size]


def _password(spec: Spec) -> str:
    password = spec.get("password")
    if not isinstance(password, str) or not password:
        raise PermanentError("the PostgreSQL spec carries no password")
    return password


def _wrap(
    err: psycopg.Error, action: str, name: str, *, connecting: bool = False
) -> TemporaryError | PermanentError:
    """Transient faults (unreachable server, timeouts, lock waits) become `TemporaryError`, which
    is `unreachable` when no connection was made; a refused login is permanent."""
    text = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
    message = f"PostgreSQL: cannot {action} {name}: {text}"
    state = err.sqlstate
    if state is None:
        transient = "FATAL" not in str(err) or any(part in str(err) for part in _TRANSIENT_TEXT)
    else:
        transient = state[:2] in _TRANSIENT_CLASSES or state in _TRANSIENT_STATES
        transient = transient or _CONCURRENT_TEXT in str(err)
    if not transient:
        return PermanentError(message)
    return TemporaryError(message, delay=2.0, unreachable=connecting)


def build_postgres_provider(settings: Settings) -> PostgresProvider:
    """The provider on `settings.postgres_admin_url`, or on an embedded cluster under home."""
    if settings.postgres_admin_url:
        url = settings.postgres_admin_url
        return PostgresProvider(lambda: url)
    cluster = EmbeddedPostgres(settings.home / "postgres")
    return PostgresProvider(
        cluster.ensure_running, available=cluster.check_available, on_close=cluster.stop
    )
