"""Alembic's entry point: migrations run against DATABASE_URL with the service's tables."""

from alembic import context
from sqlalchemy import create_engine

from ${{ values.package }}.db import Base
from ${{ values.package }}.settings import get_settings

target_metadata = Base.metadata


def run_migrations() -> None:
    url = get_settings().database_url
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with create_engine(url).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
