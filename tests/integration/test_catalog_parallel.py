"""A big refresh's files are processed, and its bodies stitched, in worker processes: the
catalog that comes out is the one a single process makes, errors and conflicts included."""

from __future__ import annotations

import json
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from paved.catalog.locations import Locations
from paved.catalog.parallel import OutgrownError, Workers
from paved.catalog.processing import iter_location
from paved.catalog.reading import Reader
from paved.core.settings import Settings
from paved.store.db import Store
from paved.store.models import CatalogBody
from tests.integration import worker_marks
from tests.integration.catalog_fixtures import entity, write_yaml


def a_location(root: Path) -> Path:
    """Parts behind a glob, a nested Location, a duplicate, an invalid entity, bad YAML and a
    substitution (which only the registering process can read)."""
    write_yaml(
        root / "groups.yaml",
        *(entity("Group", f"team-{g}", type="team", children=[]) for g in range(3)),
    )
    for part in range(4):
        write_yaml(
            root / "parts" / f"part-{part}.yaml",
            *(
                entity(
                    "Component",
                    f"svc-{part}-{c}",
                    type="service",
                    lifecycle="production",
                    owner=f"team-{c % 4}",  # team-3 does not exist: a dangling relation
                    dependsOn=[f"component:svc-{(part + 1) % 4}-{c}"],
                    description=f"part {part}",
                )
                for c in range(30)
            ),
            entity(
                "Component", "svc-shared", type="service", lifecycle="x", owner=f"team-{part % 3}"
            ),
            entity("Component", f"Bad Name {part}", type="service", lifecycle="x", owner="team-0"),
        )
    (root / "parts" / "broken.yaml").write_text("kind: [unclosed\n")
    (root / "readme.txt").write_text("read by $text")
    api = entity("API", "orders", type="openapi", lifecycle="production", owner="team-1")
    api["spec"]["definition"] = {"$text": "./readme.txt"}
    write_yaml(root / "api.yaml", api)
    write_yaml(root / "nested.yaml", entity("Location", "nested", target="./api.yaml"))
    targets = ["./groups.yaml", "./parts/*.yaml", "./nested.yaml"]
    return write_yaml(root / "catalog-info.yaml", entity("Location", "root", targets=targets))


def _catalog(store: Store) -> dict[str, Any]:
    with store.reading() as session:
        bodies = session.execute(select(CatalogBody.ref, CatalogBody.body)).all()
    catalog = {}
    for ref, text in bodies:
        body = json.loads(text)
        body["metadata"].pop("uid")
        body["metadata"].pop("etag")
        catalog[ref] = body
    return catalog


def test_worker_processes_make_the_catalog_one_process_makes(
    settings: Settings, tmp_path: Path
) -> None:
    path = a_location(tmp_path / "catalog")
    settings.home.mkdir(parents=True, exist_ok=True)
    store = Store(settings.store_url)
    store.migrate()
    results = []
    # past `parallel_from`, the refresh moves to a process of its own, which starts the workers
    for parallel_from in (0, Locations(store, Reader()).parallel_from):
        locations = Locations(store, Reader(), parallel_from=parallel_from)
        location = locations.register("file", str(path))
        results.append((_catalog(store), location.errors, location.entity_count))
        locations.delete(location.id)
    store.dispose()

    in_workers, in_one = results
    assert in_workers == in_one
    catalog, errors, count = in_workers
    # groups, components, the shared one, the invalid ones (shown with their error), the API
    # and two Locations
    assert count == len(catalog) == 3 + 4 * 30 + 1 + 4 + 1 + 2
    assert catalog["api:default/orders"]["spec"]["definition"] == "read by $text"
    shared = catalog["component:default/svc-shared"]
    assert shared["metadata"]["annotations"]["backstage.io/managed-by-location"].endswith(
        "part-0.yaml"
    )
    messages = [e["message"] for e in errors]
    assert sum("also defined in" in m for m in messages) == 3
    assert sum("is not a valid name" in m for m in messages) == 4
    assert any("malformed YAML" in m for m in messages)
    owned = catalog["component:default/svc-1-0"]
    assert {"type": "dependsOn", "targetRef": "component:default/svc-2-0"} in [
        {k: r[k] for k in ("type", "targetRef")} for r in owned["relations"]
    ]
    assert {"type": "dependencyOf", "targetRef": "component:default/svc-0-0"} in [
        {k: r[k] for k in ("type", "targetRef")} for r in owned["relations"]
    ]
    dangling = catalog["component:default/svc-0-3"]["status"]["items"]
    assert any("group:default/team-3" in item["message"] for item in dangling)


def test_files_past_the_threshold_go_to_worker_processes(tmp_path: Path) -> None:
    path = a_location(tmp_path / "catalog")
    with Workers(start_after=0) as workers:
        in_workers = list(iter_location(Reader(), "file", str(path), workers))
        assert workers.started
    in_one = list(iter_location(Reader(), "file", str(path)))
    assert [(o.entities, o.errors) for o in in_workers] == [(o.entities, o.errors) for o in in_one]


def test_a_refresh_that_must_stay_small_stops_where_it_would_start_workers(
    tmp_path: Path,
) -> None:
    path = a_location(tmp_path / "catalog")
    with Workers(start_after=0, outgrow=True) as workers, pytest.raises(OutgrownError):
        list(iter_location(Reader(), "file", str(path), workers))
    assert not workers.started


def test_workers_are_forked_only_from_a_process_of_one_thread() -> None:
    # forked, a worker has what its parent had (Paved imported, no start-up)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as apart:
        assert (
            apart.submit(worker_marks.seen_by_forked_worker).result()
            == "set before the workers started"
        )
    # with a second thread alive, fork could copy a lock mid-use: the workers are spawned
    stop = threading.Event()
    busy = threading.Thread(target=stop.wait)
    busy.start()
    try:
        with Workers(start_after=0, fork=True) as workers:
            assert workers.run(1, worker_marks.mark).result() == "as imported"
    finally:
        stop.set()
        busy.join()
