"""Migration 0008 on a store holding relations: they survive the new key, both ways."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, text

from paved.core.settings import Settings
from paved.store.db import MIGRATIONS, Store

RELATIONS = [
    ("component:default/a", "ownedBy", "group:default/team"),
    ("component:default/a", "partOf", "system:default/s"),
    ("user:default/u", "memberOf", "group:default/team"),
]


def _alembic(engine: Engine, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        getattr(command, action)(config, revision)


def _relations(engine: Engine, columns: str) -> list[tuple[str, ...]]:
    with engine.connect() as connection:
        query = f"SELECT {columns} FROM catalog_relations ORDER BY source, type, target"
        return [tuple(row) for row in connection.execute(text(query))]


def test_relations_keep_their_rows_through_0008_and_back_from_head(settings: Settings) -> None:
    settings.home.mkdir(parents=True, exist_ok=True)
    engine = Store(settings.store_url).engine
    _alembic(engine, "upgrade", "0007")
    with engine.begin() as connection:
        for source, type_, target in RELATIONS:
            connection.execute(
                text("INSERT INTO catalog_relations VALUES (:o, :s, :t, :g)"),
                {"o": source, "s": source, "t": type_, "g": target},
            )

    _alembic(engine, "upgrade", "head")
    assert _relations(engine, "*") == sorted(RELATIONS)
    with engine.begin() as connection:  # the key is (source, type, target)
        duplicate = text("INSERT INTO catalog_relations VALUES (:s, :t, :g) ON CONFLICT DO NOTHING")
        connection.execute(duplicate, dict(zip("stg", RELATIONS[0], strict=True)))
    assert len(_relations(engine, "*")) == len(RELATIONS)

    _alembic(engine, "downgrade", "0007")
    assert _relations(engine, "origin, source, type, target") == sorted(
        (s, s, t, g) for s, t, g in RELATIONS
    )
    _alembic(engine, "upgrade", "head")
    assert _relations(engine, "*") == sorted(RELATIONS)
    engine.dispose()
