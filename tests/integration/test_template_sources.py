"""Templates from configured git repositories: listed with their source, refreshed on demand."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.main import create_application
from paved.providers import gitting
from tests.integration.conftest import ADMIN_TOKEN


@pytest.fixture(params=["sqlite"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """Template sources are git checkouts: one store backend is enough here."""
    return str(request.param)


def template_yaml(name: str, version: str) -> str:
    entity = {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": name, "annotations": {"paved.dev/version": version}},
        "spec": {
            "type": "service",
            "steps": [{"id": "f", "action": "fetch:template", "input": {"url": "./skeleton"}}],
        },
    }
    return yaml.safe_dump(entity)


def test_git_templates_are_listed_and_refreshed(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    library = tmp_path / "library.git"
    gitting.init_bare(library)
    gitting.commit_files(
        library,
        {
            "rust-api/template.yaml": template_yaml("rust-api", "0.1.0"),
            "rust-api/skeleton/README.md": "# ${{ values.name }}\n",
        },
        "Add rust-api",
    )
    single = tmp_path / "one.git"
    gitting.init_bare(single)
    gitting.commit_files(
        single,
        {"template.yaml": template_yaml("java-api", "3.0.0"), "skeleton/README.md": "#\n"},
        "Add java-api",
    )
    urls = f"{gitting.file_url(library)}, {gitting.file_url(single)}"
    settings = make_settings(template_repositories=urls)
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as api:
        listed = {t["name"]: t for t in api.get("/api/v1/templates").json()["data"]}
        assert listed["rust-api"]["source"] == gitting.file_url(library)
        assert listed["rust-api"]["version"] == "0.1.0"
        assert listed["java-api"]["version"] == "3.0.0"
        assert listed["python-api"]["source"] == "shipped"

        gitting.commit_files(
            library, {"rust-api/template.yaml": template_yaml("rust-api", "0.2.0")}, "Bump"
        )
        refreshed = api.post("/api/v1/templates/refresh").json()
        assert {t["name"]: t["version"] for t in refreshed["data"]}["rust-api"] == "0.2.0"
        assert api.get("/api/v1/templates/rust-api").json()["version"] == "0.2.0"
