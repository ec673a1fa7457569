"""Paved's own services are catalog entities read back from their repository's catalog-info.yaml."""

from __future__ import annotations

import yaml
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.providers import gitting
from tests.integration.catalog_fixtures import by_name, relations
from tests.integration.conftest import service_body
from tests.waiting import wait_for_state


def test_a_created_service_is_read_back_from_its_repository(
    api: TestClient, settings: Settings
) -> None:
    created = api.post(
        "/api/v1/services", json=service_body("orders", "postgres", description="Orders")
    )
    assert wait_for_state(api, created.json()["id"])["state"] == "succeeded"

    component = by_name(api, "component", "orders")
    target = f"{settings.base_url}/git/orders.git/catalog-info.yaml"
    assert (
        component["metadata"]["annotations"]["backstage.io/managed-by-location"] == f"url:{target}"
    )
    assert relations(component) == {
        ("ownedBy", "group:default/checkout"),
        ("partOf", "system:default/orders"),
        ("dependsOn", "resource:default/orders-postgres"),
    }
    assert "status" not in component, "owner, system and resource all exist"
    assert ("hasPart", "resource:default/orders-postgres") in relations(
        by_name(api, "system", "orders")
    )
    assert ("ownerOf", "component:default/orders") in relations(by_name(api, "group", "checkout"))
    [location] = [
        loc
        for loc in api.get("/api/v1/catalog/locations").json()["data"]
        if loc["target"] == target
    ]
    assert location["errors"] == []

    repo = settings.git_root / "orders.git"
    documents = list(yaml.safe_load_all(gitting.read_file(repo, "catalog-info.yaml") or ""))
    documents[0]["metadata"]["description"] = "Orders, now with refunds"
    gitting.commit_files(repo, {"catalog-info.yaml": yaml.safe_dump_all(documents)}, "describe")
    assert api.post(f"/api/v1/catalog/locations/{location['id']}/refresh").status_code == 200
    assert (
        by_name(api, "component", "orders")["metadata"]["description"] == "Orders, now with refunds"
    )

    gone = api.delete("/api/v1/services/orders")
    assert wait_for_state(api, gone.json()["id"])["state"] == "succeeded"
    assert api.get("/api/v1/catalog/entities/by-name/component/default/orders").status_code == 404
    assert api.get("/api/v1/catalog/entities/by-name/group/default/checkout").status_code == 200
