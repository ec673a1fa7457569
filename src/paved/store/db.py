"""Engines, sessions and migrations: SQLite (WAL) by default, PostgreSQL when configured."""

from __future__ import annotations

import functools
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from paved.core.errors import TemporaryError

__all__ = ["Session", "Store", "make_engine", "migrate"]

MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 7_311_001


class Store:
    """The store's engine and session factory; one per process."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._readers = sessionmaker(self.engine, expire_on_commit=False)
        self._writers = sessionmaker(
            self.engine.execution_options(paved_write=True), expire_on_commit=False
        )

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A writing transaction: committed on success, rolled back on any error."""
        with _transient_as_temporary(), self._writers.begin() as session:
            yield session

    @contextmanager
    def exclusive(self, name: str) -> Iterator[Session]:
        """A writing transaction that no other process runs under the same `name` at once.

        On PostgreSQL a transaction-scoped advisory lock; SQLite's writers are serialised anyway.
        """
        with self.session() as session:
            if self.engine.dialect.name == "postgresql":
                key = _MIGRATION_LOCK + zlib.crc32(name.encode())
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only transaction (on SQLite it does not take the write lock)."""
        with _transient_as_temporary(), self._readers.begin() as session:
            yield session

    @functools.cached_property
    def read_engine(self) -> Engine:
        """The engine of single-statement reads (the catalog's hot reads, on raw connections).

        On PostgreSQL its own pool, in autocommit and not reset on return: a read then costs one
        round trip, and no client-side transaction bookkeeping (about a fifth of a by-name read).
        """
        if self.engine.dialect.name != "postgresql":
            return self.engine
        return create_engine(
            self.url,
            pool_size=5,
            max_overflow=30,
            pool_recycle=1800,
            isolation_level="AUTOCOMMIT",
            pool_reset_on_return=None,
        )

    def ping(self) -> None:
        """Raise unless the database answers."""
        with self.reading() as session:
            session.execute(text("SELECT 1"))

    def migrate(self) -> None:
        migrate(self.engine)

    def dispose(self) -> None:
        if "read_engine" in self.__dict__:
            self.read_engine.dispose()
        self.engine.dispose()


@contextmanager
def _transient_as_temporary() -> Iterator[None]:
    """A busy or unreachable database is a temporary fault (retried by steps, 503 in the API)."""
    try:
        yield
    except OperationalError as err:
        raise TemporaryError(f"the database is unavailable: {err.orig}") from err


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin_immediate)
        return engine
    return create_engine(url, pool_size=10, max_overflow=30, pool_recycle=1800)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # durable like DBOS's own commits: fsync each one
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    # statement journals in memory: inside a transaction every row a bulk write inserts journals
    # the pages it changes (2.5 million writes to a temporary file in a 100,000-entity load)
    cursor.execute("PRAGMA temp_store=MEMORY")
    cursor.close()


def _sqlite_begin_immediate(connection: Any) -> None:
    """Writers take the lock at BEGIN, so concurrent writers queue instead of failing to upgrade."""
    immediate = connection.get_execution_options().get("paved_write", False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision; safe to call from many processes at once."""
    from alembic import command  # here: 9 MB a serving process that does not migrate never loads
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
