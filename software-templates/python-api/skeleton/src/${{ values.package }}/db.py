"""The database: one SQLAlchemy engine per process and a session per request."""

from collections.abc import Iterator
from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import DeclarativeBase, Session

from ${{ values.package }}.settings import get_settings


class Base(DeclarativeBase):
    """The base class of the service's tables."""


@lru_cache
def get_engine() -> Engine:
    return create_engine(get_settings().database_url, pool_pre_ping=True)


def get_session() -> Iterator[Session]:
    """A FastAPI dependency: a session that is closed when the request ends."""
    with Session(get_engine()) as session:
        yield session


def ping() -> None:
    """Raise when the database does not answer."""
    with get_engine().connect() as connection:
        connection.execute(text("SELECT 1"))
