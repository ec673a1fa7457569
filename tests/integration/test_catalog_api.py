"""The catalog's read API and discovery on a real store: filters, cursors, search, facets,
graph, orphans, conflicts, substitutions, git locations and hygiene."""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import http.server
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.types import Scope

from paved.api.catalog_lane import CatalogLane
from paved.catalog.ingesting import BULK_LOAD
from paved.catalog.locations import Locations
from paved.catalog.reading import Reader
from paved.catalog.refreshing import refresh_due
from paved.core.settings import Settings
from paved.providers import gitting
from paved.store import identity
from paved.store.db import Store
from tests.integration.catalog_fixtures import (
    by_name,
    catalog_api,
    entity,
    refs,
    register,
    relations,
    write_yaml,
)

__all__ = ["catalog_api"]
ENTITIES = "/api/v1/catalog/entities"


def small_catalog(tmp_path: Path) -> Path:
    docs = [
        entity("Group", "checkout", type="team", children=[]),
        entity("Group", "search", type="team", children=[]),
    ]
    for i in range(12):
        owner = "group:checkout" if i % 2 == 0 else "search"
        docs.append(
            entity(
                "Component",
                f"svc-{i:02d}",
                type="service" if i % 3 else "website",
                lifecycle="production",
                owner=owner,
                title=f"Service {i}",
                description="payments ledger" if i == 7 else "something else",
                tags=["python", "pci"] if i < 4 else ["go"],
                annotations={"paved.dev/tier": "gold" if i == 5 else "bronze"},
                dependsOn=[f"component:svc-{i + 1:02d}"] if i < 11 else ["resource:missing-db"],
            )
        )
    return write_yaml(tmp_path / "catalog-info.yaml", *docs)


def get(api: TestClient, path: str = ENTITIES, **params: Any) -> dict[str, Any]:
    response = api.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_filters_fields_order_and_cursor_pages(catalog_api: TestClient, tmp_path: Path) -> None:
    register(catalog_api, small_catalog(tmp_path))
    page = get(catalog_api, filter="kind=component,spec.owner=group:checkout", limit=50)
    assert page["totalItems"] == 6
    assert all(e["spec"]["owner"] == "group:checkout" for e in page["items"])
    same = get(catalog_api, filter="KIND=Component,spec.owner=group:default/checkout")
    assert refs(same) == refs(page)
    either = get(catalog_api, filter=["kind=group", "metadata.annotations.paved.dev/tier=gold"])
    assert refs(either) == [
        "component:default/svc-05",
        "group:default/checkout",
        "group:default/search",
    ]
    assert get(catalog_api, filter="metadata.tags=pci")["totalItems"] == 4
    assert get(catalog_api, filter="relations.ownedBy=group:default/search")["totalItems"] == 6
    derived = get(catalog_api, filter="relations.ownerOf=component:svc-01")
    assert refs(derived) == ["group:default/search"], "the direction nobody declared"
    assert get(catalog_api, filter="kind=component,spec.type=website")["totalItems"] == 4
    assert get(catalog_api, filter="spec.dependsOn")["totalItems"] == 12
    projected = get(catalog_api, filter="metadata.name=svc-03", fields="metadata.name,kind")
    assert projected["items"] == [{"metadata": {"name": "svc-03"}, "kind": "Component"}]

    seen: list[str] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 5}
        params.update(
            {"cursor": cursor}
            if cursor
            else {"filter": "kind=component", "order": "-metadata.name"}
        )
        page = get(catalog_api, **params)
        seen += refs(page)
        cursor = page["pageInfo"]["nextCursor"]
        if not cursor:
            break
    assert seen == [f"component:default/svc-{i:02d}" for i in reversed(range(12))]


def walk(api: TestClient, path: str, **first: Any) -> list[str]:
    """Every ref of a listing, page by page, following its cursors."""
    seen: list[str] = []
    page = get(api, path, **first)
    total = page["totalItems"]
    while True:
        seen += refs(page)
        assert page["totalItems"] == total, "every page, the last and an empty one too, counts all"
        cursor = page["pageInfo"]["nextCursor"]
        if not cursor:
            return seen
        page = get(api, path, cursor=cursor, limit=first["limit"])


def test_search_and_change_order_pages_cover_every_match_once(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    register(catalog_api, small_catalog(tmp_path))
    everything = get(catalog_api, filter="kind=component", limit=50)
    components = sorted(refs(everything))

    by_change = walk(
        catalog_api, ENTITIES, filter="kind=component", order="metadata.changedAt", limit=5
    )
    assert sorted(by_change) == components
    assert len(by_change) == len(set(by_change))
    newest_first = walk(
        catalog_api, ENTITIES, filter="kind=component", order="-metadata.changedAt", limit=5
    )
    assert newest_first == list(reversed(by_change))

    words = ["wordy"] * 30
    write_yaml(
        tmp_path / "ranked.yaml",
        entity("Component", "often", title="Ledger", description="ledger ledger ledger"),
        entity("Component", "once", description=" ".join(["ledger", *words])),
        entity("Component", "never", description=" ".join(words)),
    )
    register(catalog_api, tmp_path / "ranked.yaml")
    ranked = get(catalog_api, f"{ENTITIES}/by-query", q="ledger", limit=1)
    assert (refs(ranked), ranked["totalItems"]) == (["component:default/often"], 3)
    assert walk(catalog_api, f"{ENTITIES}/by-query", q="ledger", limit=1) == [
        "component:default/often",
        "component:default/svc-07",
        "component:default/once",
    ], "the best match first (short texts before long ones), and pages follow on"

    best_first = get(catalog_api, f"{ENTITIES}/by-query", q="service", limit=50)
    assert best_first["totalItems"] == len(components)
    paged = walk(catalog_api, f"{ENTITIES}/by-query", q="service", limit=4)
    assert paged == refs(best_first), "pages of a search keep its rank order"


def test_bad_query_parameters_are_named(catalog_api: TestClient) -> None:
    cases = [
        ({"limit": 0}, "limit"),
        ({"limit": 100000}, "limit"),
        ({"order": "spec.colour"}, "order"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"filter": "relations.lovedBy=x"}, "filter"),
    ]
    graph = catalog_api.get("/api/v1/catalog/graph", params={"root": "x", "relation": "lovedBy"})
    assert graph.status_code == 422
    assert "lovedBy" in graph.text
    for params, field in cases:
        response = catalog_api.get(ENTITIES, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")
        assert field in response.text
    missing = catalog_api.get(f"{ENTITIES}/by-name/component/default/nothing")
    assert missing.status_code == 404
    for headers in ({"Authorization": "Bearer paved_unknown"}, {"Authorization": ""}):
        for path in (ENTITIES, f"{ENTITIES}/by-query?q=x", f"{ENTITIES}/by-name/a/b/c"):
            refused = catalog_api.get(path, headers=headers)
            assert refused.status_code == 401, (path, headers)
            assert refused.headers["content-type"].startswith("application/problem+json")
    assert (
        catalog_api.post(
            "/api/v1/catalog/locations", json={"type": "ftp", "target": "x"}
        ).status_code
        == 422
    )
    relative = catalog_api.post(
        "/api/v1/catalog/locations", json={"type": "file", "target": "a.yaml"}
    )
    assert relative.status_code == 422


def test_search_facets_and_graph(catalog_api: TestClient, tmp_path: Path) -> None:
    register(catalog_api, small_catalog(tmp_path))
    found = get(catalog_api, f"{ENTITIES}/by-query", q="ledger", limit=50)
    assert refs(found) == ["component:default/svc-07"]
    assert refs(get(catalog_api, f"{ENTITIES}/by-query", q="Service 7")) == [
        "component:default/svc-07"
    ]
    assert (
        get(catalog_api, f"{ENTITIES}/by-query", q="pyth", filter="spec.type=website")["totalItems"]
        == 2
    )
    assert get(catalog_api, f"{ENTITIES}/by-query", q="nothing-like-it")["items"] == []

    facets = get(
        catalog_api, "/api/v1/catalog/entity-facets", facet=["kind", "metadata.tags", "spec.owner"]
    )["facets"]
    assert facets["kind"] == [{"value": "component", "count": 12}, {"value": "group", "count": 2}]
    assert {"value": "pci", "count": 4} in facets["metadata.tags"]
    assert {"value": "group:default/search", "count": 6} in facets["spec.owner"]

    graph = get(
        catalog_api, "/api/v1/catalog/graph", root="component:svc-09", depth=3, relation="dependsOn"
    )
    assert [n["ref"] for n in graph["nodes"]] == [
        "component:default/svc-09",
        "component:default/svc-10",
        "component:default/svc-11",
        "resource:default/missing-db",
    ]
    assert [n["exists"] for n in graph["nodes"]] == [True, True, True, False]
    assert {
        "source": "component:default/svc-11",
        "type": "dependsOn",
        "target": "resource:default/missing-db",
    } in graph["edges"]
    dangling = by_name(catalog_api, "component", "svc-11")["status"]["items"]
    assert dangling == [
        {
            "type": "paved.dev/dangling-relation",
            "level": "warning",
            "message": "dependsOn resource:default/missing-db: no such entity in the catalog",
        }
    ]
    assert ("dependencyOf", "component:default/svc-08") in relations(
        by_name(catalog_api, "component", "svc-09")
    )
    assert ("ownerOf", "component:default/svc-01") in relations(
        by_name(catalog_api, "group", "search")
    )


def test_a_relation_target_arriving_later_is_no_longer_dangling_on_either_side(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    service = entity("Component", "pay", type="service", lifecycle="x", owner="group:late")
    register(catalog_api, write_yaml(tmp_path / "pay.yaml", service))
    assert "status" in by_name(catalog_api, "component", "pay")

    register(catalog_api, write_yaml(tmp_path / "late.yaml", entity("Group", "late", type="team")))
    pay = by_name(catalog_api, "component", "pay")
    assert "status" not in pay  # the warning went with the missing group
    assert ("ownedBy", "group:default/late") in relations(pay)
    assert ("ownerOf", "component:default/pay") in relations(by_name(catalog_api, "group", "late"))


def test_orphans_conflicts_and_refresh_on_demand(catalog_api: TestClient, tmp_path: Path) -> None:
    first = write_yaml(
        tmp_path / "a.yaml",
        entity("Component", "kept", type="service", lifecycle="x", owner="g"),
        entity("Component", "dropped", type="service", lifecycle="x", owner="g"),
    )
    location = register(catalog_api, first)
    second = register(
        catalog_api,
        write_yaml(
            tmp_path / "b.yaml",
            entity("Component", "kept", type="library", lifecycle="x", owner="h"),
        ),
    )
    assert second["errors"] == [
        {
            "location": f"file:{tmp_path / 'b.yaml'}",
            "entity": "component:default/kept",
            "message": f"conflict: component:default/kept is already provided by file:{first}",
        }
    ]
    assert by_name(catalog_api, "component", "kept")["spec"]["type"] == "service"

    write_yaml(first, entity("Component", "kept", type="service", lifecycle="y", owner="g"))
    refreshed = catalog_api.post(f"/api/v1/catalog/locations/{location['id']}/refresh")
    assert refreshed.status_code == 200
    assert by_name(catalog_api, "component", "kept")["spec"]["lifecycle"] == "y"
    orphan = by_name(catalog_api, "component", "dropped")
    assert orphan["metadata"]["annotations"]["backstage.io/orphan"] == "true"
    orphans = get(catalog_api, filter="metadata.annotations.backstage.io/orphan=true")
    assert refs(orphans) == ["component:default/dropped"]
    hygiene = get(catalog_api, "/api/v1/catalog/hygiene")
    assert hygiene["orphans"] == [{"ref": "component:default/dropped", "source": f"file:{first}"}]

    assert (
        catalog_api.post(
            "/api/v1/catalog/locations", json={"type": "file", "target": str(first)}
        ).status_code
        == 409
    )
    assert catalog_api.delete(f"/api/v1/catalog/locations/{location['id']}").status_code == 204
    assert catalog_api.get(f"{ENTITIES}/by-name/component/default/kept").status_code == 404
    assert catalog_api.get(f"{ENTITIES}/by-name/component/default/dropped").status_code == 404
    assert catalog_api.get(f"/api/v1/catalog/locations/{location['id']}").status_code == 404


def test_substitutions_and_nested_locations(catalog_api: TestClient, tmp_path: Path) -> None:
    (tmp_path / "apis").mkdir()
    (tmp_path / "apis" / "openapi.yaml").write_text("openapi: 3.0.0\n")
    (tmp_path / "apis" / "extra.json").write_text(json.dumps({"tier": 1}))
    (tmp_path / "apis" / "links.yaml").write_text("- url: https://example.com\n  title: Home\n")
    api_doc = entity(
        "API",
        "orders",
        type="openapi",
        lifecycle="production",
        owner="team",
        definition={"$text": "./openapi.yaml"},
    )
    api_doc["metadata"]["links"] = {"$yaml": "links.yaml"}
    api_doc["spec"]["x-extra"] = {"$json": "./extra.json"}
    write_yaml(tmp_path / "apis" / "api.yaml", api_doc)
    write_yaml(
        tmp_path / "teams" / "x" / "catalog-info.yaml",
        entity("Group", "team", type="team", children=[]),
    )
    root = write_yaml(
        tmp_path / "root.yaml",
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Location",
            "metadata": {"name": "root"},
            "spec": {"targets": ["./apis/api.yaml", "./teams/**/catalog-info.yaml"]},
        },
    )
    location = register(catalog_api, root)
    assert location["errors"] == []
    assert location["entityCount"] == 3
    orders = by_name(catalog_api, "api", "orders")
    assert orders["spec"]["definition"] == "openapi: 3.0.0\n"
    assert orders["spec"]["x-extra"] == {"tier": 1}
    assert orders["metadata"]["links"] == [{"url": "https://example.com", "title": "Home"}]
    assert ("ownedBy", "group:default/team") in relations(orders)
    assert (
        by_name(catalog_api, "group", "team")["metadata"]["annotations"][
            "backstage.io/managed-by-origin-location"
        ]
        == f"file:{root}"
    )
    unknown = write_yaml(
        tmp_path / "bad.yaml",
        entity("API", "bad", type="openapi", lifecycle="p", owner="t", definition={"$sql": "x"}),
    )
    assert (
        "placeholder $sql is not supported"
        in register(catalog_api, unknown)["errors"][0]["message"]
    )


def test_a_git_repository_location_is_read_at_its_path(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    repo = tmp_path / "payments.git"
    gitting.init_bare(repo)
    text = json.dumps(
        entity("Component", "payments", type="service", lifecycle="production", owner="checkout")
    )
    gitting.commit_files(repo, {"catalog-info.yaml": text}, "first", initial=True)
    location = register(catalog_api, f"{repo.as_uri()}/catalog-info.yaml", "url")
    assert location["errors"] == []
    assert by_name(catalog_api, "component", "payments")["spec"]["owner"] == "checkout"
    missing = register(catalog_api, f"{repo.as_uri()}/blob/main/nothing.yaml", "url")
    assert "nothing.yaml not found" in missing["errors"][0]["message"]


def test_hygiene_lists_components_nobody_answers_for(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    register(
        catalog_api,
        write_yaml(
            tmp_path / "c.yaml",
            entity("Group", "real", type="team", children=[]),
            entity("Component", "owned", type="service", lifecycle="p", owner="real"),
            entity("Component", "ghost-owned", type="service", lifecycle="p", owner="gone"),
            entity("Location", "elsewhere", targets=["./none.yaml"]),
        ),
    )
    report = get(catalog_api, "/api/v1/catalog/hygiene")
    assert [(z["ref"], z["reason"]) for z in report["zombies"]] == [
        ("component:default/ghost-owned", "owner-missing")
    ]
    assert catalog_api.get("/api/v1/catalog/hygiene", params={"staleDays": 0}).status_code == 422


def test_scheduled_refresh_reads_only_locations_that_are_due(
    catalog_api: TestClient, tmp_path: Path, settings: Settings
) -> None:
    path = write_yaml(
        tmp_path / "s.yaml", entity("Component", "s", type="service", lifecycle="a", owner="g")
    )
    register(catalog_api, path)
    write_yaml(path, entity("Component", "s", type="service", lifecycle="b", owner="g"))
    locations = Locations(Store(settings.store_url), Reader())
    assert refresh_due(locations, interval=3600) == 0
    assert by_name(catalog_api, "component", "s")["spec"]["lifecycle"] == "a"
    assert refresh_due(locations, interval=0) == 1
    assert by_name(catalog_api, "component", "s")["spec"]["lifecycle"] == "b"
    locations.store.dispose()


def test_only_admins_read_the_servers_files(catalog_api: TestClient, tmp_path: Path) -> None:
    token = catalog_api.post("/api/v1/users/bob/tokens", json={"name": "t"}).json()["token"]
    bob = {"Authorization": f"Bearer {token}"}
    path = write_yaml(tmp_path / "x.yaml", entity("Group", "g", type="team", children=[]))
    refused = catalog_api.post(
        "/api/v1/catalog/locations", json={"type": "file", "target": str(path)}, headers=bob
    )
    assert refused.status_code == 403
    served = tmp_path / "served"
    api_doc = entity("API", "a", type="openapi", lifecycle="p", owner="g")
    api_doc["spec"]["definition"] = {"$text": f"file://{path}"}
    location_doc = entity("Location", "l", type="file", targets=[str(path)])
    write_yaml(served / "catalog-info.yaml", api_doc, location_doc)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    with http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        target = f"http://127.0.0.1:{server.server_address[1]}/catalog-info.yaml"
        answer = catalog_api.post(
            "/api/v1/catalog/locations", json={"type": "url", "target": target}, headers=bob
        )
        server.shutdown()
    assert answer.status_code == 201, answer.text
    messages = [e["message"] for e in answer.json()["errors"]]
    assert len(messages) == 2
    assert all("only a file location" in m for m in messages)
    assert catalog_api.get(f"{ENTITIES}/by-name/group/default/g").status_code == 404


def test_a_bulk_load_is_searchable_and_later_changes_are_indexed_one_by_one(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    """Past `BULK_LOAD` rows the full-text index is rebuilt once at the end of the load (on
    SQLite its triggers pause meanwhile): rows written before and after the pause are found,
    and afterwards the row-by-row upkeep is back."""
    size = BULK_LOAD + 1_500
    files = [
        write_yaml(
            tmp_path / f"part-{start}.yaml",
            *(
                entity(
                    "Component",
                    f"bulk-{i}",
                    type="service",
                    owner="checkout",
                    description=f"word{i} shared",
                )
                for i in range(start, min(start + 2_000, size))
            ),
        )
        for start in range(0, size, 2_000)
    ]
    index = write_yaml(
        tmp_path / "catalog-info.yaml",
        {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": "Location",
            "metadata": {"name": "bulk"},
            "spec": {"targets": [f"./{f.name}" for f in files]},
        },
    )
    register(catalog_api, index)
    search = f"{ENTITIES}/by-query"
    assert get(catalog_api, search, q="shared", limit=1)["totalItems"] == size
    for i in (0, 1_999, BULK_LOAD + 10, size - 1):  # first file (triggers) and after the pause
        assert refs(get(catalog_api, search, q=f"word{i}")) == [f"component:default/bulk-{i}"]

    renamed = files[0].read_text().replace("word0 shared", "renamed", 1)
    files[0].write_text(renamed)
    location = catalog_api.get("/api/v1/catalog/locations").json()["data"][0]
    refreshed = catalog_api.post(f"/api/v1/catalog/locations/{location['id']}/refresh")
    assert refreshed.status_code == 200, refreshed.text
    assert refs(get(catalog_api, search, q="renamed")) == ["component:default/bulk-0"]
    assert get(catalog_api, search, q="word0")["totalItems"] == 0


def test_reads_in_flight_with_a_new_token_wait_for_one_check_and_a_refusal_is_not_kept(
    catalog_api: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(catalog_api, small_catalog(tmp_path))
    token = catalog_api.post("/api/v1/users/bob/tokens", json={"name": "t"}).json()["token"]
    checked: list[str] = []
    real_authenticate = identity.authenticate

    def authenticate(session: Any, presented: str) -> Any:
        checked.append(presented)
        return real_authenticate(session, presented)

    monkeypatch.setattr(identity, "authenticate", authenticate)

    async def read_all(presented: str, n: int) -> list[int]:
        transport = httpx.ASGITransport(app=catalog_api.app)
        headers = {"Authorization": f"Bearer {presented}"}
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            path = f"{ENTITIES}/by-name/component/default/svc-01"
            answers = await asyncio.gather(*(client.get(path, headers=headers) for _ in range(n)))
        return [a.status_code for a in answers]

    def run(presented: str, n: int) -> list[int]:
        """`read_all` on an event loop of its own (a test before may leave one running here)."""
        with concurrent.futures.ThreadPoolExecutor(1) as thread:
            return thread.submit(asyncio.run, read_all(presented, n)).result()

    assert run(token, 20) == [200] * 20
    assert checked == [token], "twenty reads in flight, one check of their token"
    assert run(token, 5) == [200] * 5
    assert checked == [token], "a checked token is remembered"
    assert run("paved_unknown", 3) == [401] * 3
    assert run("paved_unknown", 1) == [401]
    assert checked.count("paved_unknown") == 2, "a refused token is checked again next time"


def test_the_catalog_lane_answers_plain_reads_as_the_routes_do_and_hands_on_the_rest(
    catalog_api: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(catalog_api, small_catalog(tmp_path))
    first = get(catalog_api, limit=5, order="metadata.title")
    answered: list[bool] = []
    real_answer = CatalogLane.answer

    def answer(lane: CatalogLane, scope: Scope) -> Any:
        response = real_answer(lane, scope)
        answered.append(response is not None)
        return response

    monkeypatch.setattr(CatalogLane, "answer", answer)
    by_name_path = f"{ENTITIES}/by-name"
    search = f"{ENTITIES}/by-query"
    plain: list[tuple[str, dict[str, Any]]] = [
        (f"{by_name_path}/component/default/svc-01", {}),
        (f"{by_name_path}/Component/DEFAULT/Svc-01", {}),
        (f"{by_name_path}/group/default/checkout", {}),
        (ENTITIES, {}),
        (ENTITIES, {"filter": "kind=component,spec.owner=group:checkout", "limit": 3}),
        (ENTITIES, {"filter": ["kind=group", "spec.type=website"], "order": "metadata.name"}),
        (ENTITIES, {"fields": "metadata.name,spec.owner", "limit": "007"}),
        (ENTITIES, {"cursor": first["pageInfo"]["nextCursor"], "limit": 5}),
        (ENTITIES, {"filter": "metadata.annotations.paved.dev/tier=gold", "unknown": "x"}),
        (search, {"q": "payments ledger"}),
        (search, {"fullTextFilterTerm": "service", "filter": "spec.type=website", "limit": 2}),
    ]
    handed_on: list[tuple[str, dict[str, Any]]] = [
        (f"{by_name_path}/component/default/nothing", {}),
        (ENTITIES, {"limit": 0}),
        (ENTITIES, {"limit": "x"}),
        (ENTITIES, {"limit": ["2", "3"]}),
        (ENTITIES, {"order": "spec.colour"}),
        (ENTITIES, {"cursor": "not-a-cursor"}),
        (search, {"q": "!!!"}),
    ]
    tokens = catalog_api.app.state.catalog_tokens  # type: ignore[attr-defined]
    for cases, lane_answers in ((plain, True), (handed_on, False)):
        for path, params in cases:
            tokens.clear()  # the token unchecked: FastAPI's route answers (and checks it)
            answered.clear()
            routed = catalog_api.get(path, params=params)
            laned = catalog_api.get(path, params=params)
            assert answered == [False, lane_answers], (path, params)
            assert laned.status_code == routed.status_code, (path, params, laned.text)
            assert laned.headers["content-type"] == routed.headers["content-type"]
            assert laned.content == routed.content, (path, params)
    answered.clear()
    unknown = catalog_api.get(ENTITIES, headers={"Authorization": "Bearer paved_unknown"})
    assert (unknown.status_code, answered) == (401, [False])
