"""Catalog rows on PostgreSQL: a refresh appends the entities that are new to it, so one that
another refresh stored meanwhile makes it run again, never silently take the entity over."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from paved.catalog.processing import process_entity
from paved.catalog.refs import ref_of_entity
from paved.core.settings import Settings
from paved.store import catalog as rows
from paved.store.catalog import StoredMeanwhileError
from paved.store.db import Store
from tests.integration.catalog_fixtures import entity


def test_a_new_entity_another_refresh_stored_meanwhile_is_refused(
    tmp_path: Path, postgres_database_factory: Callable[[], str]
) -> None:
    store = Store(Settings(home=tmp_path, database_url=postgres_database_factory()).store_url)
    store.migrate()
    document = entity("Component", "svc", type="service", lifecycle="production", owner="team-a")
    ref = ref_of_entity(document)
    write = process_entity(None, document, ref, "file", "/a.yaml", "file:/a.yaml").write
    # both refreshes looked before either stored the entity: to both it is new
    with store.session() as first:
        rows.upsert(first, "file:/a.yaml", [write], replaced=[])
    with (
        pytest.raises(StoredMeanwhileError, match="refresh the location again"),
        store.session() as second,
    ):
        rows.upsert(second, "file:/b.yaml", [write], replaced=[])
    with store.reading() as session:
        assert rows.existing(session, [ref.key])[ref.key].origin == "file:/a.yaml"
    store.dispose()
