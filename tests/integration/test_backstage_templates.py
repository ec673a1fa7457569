"""A Backstage template from the conformance folder, unchanged, makes a service through Paved."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.main import create_application
from paved.providers import gitting
from tests.integration.conftest import ADMIN_TOKEN
from tests.waiting import wait_for_state

EXAMPLE = (
    Path(__file__).resolve().parents[1]
    / "conformance"
    / "backstage"
    / "examples"
    / "backstage__software-templates__scaffolder-templates__react-ssr-template__template.yaml"
)


@pytest.fixture(params=["sqlite"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """The template path does not depend on the store: one backend is enough here."""
    return str(request.param)


def test_react_ssr_template_runs_unchanged(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    folder = tmp_path / "templates" / "react-ssr-template"
    skeleton = folder / "skeleton"
    (skeleton / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "template.yaml")
    (skeleton / "README.md").write_text(
        "# ${{ values.component_id }}\n\n${{ values.description }}\n\n"
        "Owned by ${{ values.owner }} in ${{ values.destination.repo }}.\n"
    )
    (skeleton / ".github" / "workflows" / "build.yml").write_text("ref: ${{ github.ref }}\n")
    settings = make_settings(templates_dir=tmp_path / "templates")
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as api:
        form = api.get("/api/v1/templates/react-ssr-template").json()
        assert set(form["provided"]) == {"component_id", "description", "owner", "repoUrl"}
        assert [s["supported"] for s in form["steps"]] == [True, True, True]

        body = {
            "name": "storefront",
            "template": "react-ssr-template",
            "team": "checkout",
            "description": "The shop window",
        }
        created = api.post("/api/v1/services", json=body)
        assert created.status_code == 202, created.text
        done = wait_for_state(api, created.json()["id"])
        assert done["state"] == "succeeded", done

    repo = settings.git_root / "storefront.git"
    readme = gitting.read_file(repo, "README.md")
    assert readme == (
        "# storefront\n\nThe shop window\n\nOwned by group:default/checkout in storefront.\n"
    )
    assert gitting.read_file(repo, ".github/workflows/build.yml") == "ref: ${{ github.ref }}\n"
    assert gitting.read_file(repo, "catalog-info.yaml") is not None
