"""A real Paved API (no worker: the catalog needs none) on SQLite or PostgreSQL, and helpers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from paved.api.app import create_app
from paved.core.settings import Settings
from paved.main import bootstrap
from paved.store.db import Store
from tests.integration.conftest import ADMIN_TOKEN

EXAMPLES = Path(__file__).resolve().parents[1] / "conformance" / "backstage" / "examples"


@pytest.fixture
def catalog_api(settings: Settings) -> Iterator[TestClient]:
    settings.home.mkdir(parents=True, exist_ok=True)
    store = Store(settings.store_url)
    store.migrate()
    bootstrap(settings, store)
    app = create_app(settings, store)
    with TestClient(app, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}) as client:
        yield client
    store.dispose()


def write_yaml(path: Path, *documents: dict[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump_all(documents, sort_keys=False))
    return path


def entity(kind: str, name: str, **spec: Any) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    for key in ("title", "description", "tags", "annotations", "namespace"):
        if key in spec:
            metadata[key] = spec.pop(key)
    return {"apiVersion": "backstage.io/v1alpha1", "kind": kind, "metadata": metadata, "spec": spec}


def register(api: TestClient, path: Path | str, type_: str = "file") -> dict[str, Any]:
    response = api.post("/api/v1/catalog/locations", json={"type": type_, "target": str(path)})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def by_name(api: TestClient, kind: str, name: str, namespace: str = "default") -> dict[str, Any]:
    response = api.get(f"/api/v1/catalog/entities/by-name/{kind}/{namespace}/{name}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def relations(entity_: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["type"], r["targetRef"]) for r in entity_["relations"]}


def refs(page: dict[str, Any]) -> list[str]:
    return [
        f"{e['kind']}:{e['metadata'].get('namespace', 'default')}/{e['metadata']['name']}".lower()
        for e in page["items"]
    ]
