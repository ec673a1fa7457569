"""Every Backstage example file is ingested: valid entities with Backstage's refs and relations,
invalid ones with a processing error that names the problem; export re-ingests identically."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from tests.integration.catalog_fixtures import (
    EXAMPLES,
    by_name,
    catalog_api,
    register,
    relations,
)

__all__ = ["catalog_api"]

# What Backstage's processors give these entities (BuiltinKindsEntityProcessor and the
# scaffolder's processor): default kind per field, the entity's own namespace.
EXPECTED_RELATIONS = {
    ("group", "default", "acme-corp"): {("parentOf", "group:default/infrastructure")},
    ("group", "default", "team-a"): {
        ("childOf", "group:default/backstage"),
        ("hasMember", "user:default/breanna.davison"),
        ("hasMember", "user:default/janelle.dawe"),
        ("hasMember", "user:default/nigel.manning"),
        ("hasMember", "user:default/guest"),
        ("hasMember", "user:development/guest"),
        ("ownerOf", "domain:default/artists"),
        ("ownerOf", "resource:default/artists-db"),
        ("ownerOf", "system:default/artist-engagement-portal"),
    },
    ("user", "development", "guest"): {("memberOf", "group:default/team-a")},
    ("user", "default", "guest"): {("memberOf", "group:default/team-a")},
    ("component", "default", "elasticsearch-py"): {("ownedBy", "group:default/clients-team")},
    ("resource", "default", "elasticsearch-py"): {
        ("ownedBy", "group:default/clients-team"),
        ("partOf", "system:default/buildkite"),
    },
    ("resource", "default", "artists-db"): {
        ("ownedBy", "group:default/team-a"),
        ("partOf", "system:default/artist-engagement-portal"),
    },
    ("system", "default", "artist-engagement-portal"): {
        ("ownedBy", "group:default/team-a"),
        ("partOf", "domain:default/artists"),
        ("hasPart", "resource:default/artists-db"),
    },
    ("domain", "default", "artists"): {
        ("ownedBy", "group:default/team-a"),
        ("partOf", "domain:default/audio"),
        ("hasPart", "system:default/artist-engagement-portal"),
    },
    ("api", "default", "petstore"): {("ownedBy", "group:default/team-c")},
    ("template", "default", "react-ssr-template"): {("ownedBy", "group:default/web@example.com")},
    ("component", "default", "red-hat-developer-hub"): {
        ("ownedBy", "group:default/red-hat"),
        ("partOf", "system:default/red-hat-developer-hub"),
        *{
            ("dependsOn", f"resource:default/{r}")
            for r in ("pgdb", "argocd", "obc", "keycloak", "github")
        },
    },
}
# Files that are not valid as they stand, and the words their error must contain.
EXPECTED_ERRORS = {
    "petstore-webhook-api.yaml": ["$text", "petstore-webhook.oas.yaml"],
    "acme__org.yaml": ["infrastructure-group.yaml", "not found"],
    "examples__all.yaml": ["all-apis.yaml", "not found"],
    "showcase-templates.yaml": ["github.com/idp-myocp/software-templates", "cannot be read"],
}


def test_every_example_file_is_ingested(catalog_api: TestClient) -> None:
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert len(files) == 18
    locations = {f.name: register(catalog_api, f) for f in files}
    for path in files:
        errors = locations[path.name]["errors"]
        expected = next(
            (words for end, words in EXPECTED_ERRORS.items() if path.name.endswith(end)), None
        )
        if expected is None:
            assert errors == [], path.name
        else:
            assert any(all(w in e["message"] for w in expected) for e in errors), (
                path.name,
                errors,
            )
        for document in yaml.safe_load_all(path.read_text()):
            if document is None:
                continue
            metadata = document["metadata"]
            found = by_name(
                catalog_api,
                document["kind"],
                metadata["name"],
                metadata.get("namespace", "default"),
            )
            assert found["metadata"]["uid"]
            annotations = found["metadata"]["annotations"]
            assert annotations["backstage.io/managed-by-location"] == f"file:{path}"
    for (kind, namespace, name), wanted in EXPECTED_RELATIONS.items():
        assert relations(by_name(catalog_api, kind, name, namespace)) == wanted, name


def test_an_invalid_entity_carries_its_error_and_the_others_go_in(
    catalog_api: TestClient, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.yaml"
    path.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: good}\n"
        "spec: {type: service, lifecycle: production, owner: team-a}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: bad}\n"
        "spec: {type: service, owner: team-a}\n---\n"
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: Bad_Name-}\n"
        "spec: {type: service, lifecycle: production, owner: team-a}\n---\n"
        "just a string\n"
    )
    location = register(catalog_api, path)
    messages = [e["message"] for e in location["errors"]]
    assert any(
        "lifecycle" in m and e.get("entity") == "component:default/bad"
        for m, e in zip(messages, location["errors"], strict=True)
    )
    assert any("metadata.name" in m for m in messages)
    assert any("document 4 is not a mapping" in m for m in messages)
    assert by_name(catalog_api, "component", "good")["spec"]["owner"] == "team-a"
    bad = by_name(catalog_api, "component", "bad")
    items = bad["status"]["items"]
    assert items[0]["type"] == "backstage.io/catalog-processing"
    assert "lifecycle" in items[0]["message"]


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.yaml")))
def test_export_reingests_the_same_entities(
    catalog_api: TestClient, tmp_path: Path, name: str
) -> None:
    location = register(catalog_api, EXAMPLES / name)
    before = catalog_api.get("/api/v1/catalog/entities", params={"limit": 500}).json()["items"]
    exported = catalog_api.get("/api/v1/catalog/export")
    assert exported.status_code == 200
    assert catalog_api.delete(f"/api/v1/catalog/locations/{location['id']}").status_code == 204
    copy = tmp_path / "exported.yaml"
    copy.write_text(exported.text)
    register(catalog_api, copy)
    after = catalog_api.get("/api/v1/catalog/entities", params={"limit": 500}).json()["items"]
    assert [_authored(e) for e in after] == [_authored(e) for e in before]


def _authored(entity: dict) -> dict:  # type: ignore[type-arg]
    """An entity without what ingestion adds for its location (uid, etag, location annotations)."""
    metadata = dict(entity["metadata"])
    metadata.pop("uid")
    metadata.pop("etag")
    annotations = {
        k: v
        for k, v in metadata.pop("annotations", {}).items()
        if not k.startswith("backstage.io/managed-by")
    }
    status = entity.get("status", {}).get("items", [])
    problems = sorted(i["type"] for i in status)  # messages name the file, which moved
    return {**entity, "metadata": {**metadata, "annotations": annotations}, "status": problems}
