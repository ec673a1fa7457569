"""Services from templates over the API: any shipped stack end to end, versions, drift, upgrades."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from paved.core.settings import Settings
from paved.main import create_application
from paved.providers import gitting
from tests.integration.conftest import ADMIN_TOKEN
from tests.waiting import wait_for_state

README_V1 = "# ${{ values.name }}\n\nline one\nline two\nline three\nline four\nline five\n"


def write_template(root: Path, version: str, readme: str, app: str) -> None:
    folder = root / "greeter"
    (folder / "skeleton").mkdir(parents=True, exist_ok=True)
    (folder / "skeleton" / "README.md").write_text(readme)
    (folder / "skeleton" / "app.py").write_text(app)
    entity = {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "greeter", "annotations": {"paved.dev/version": version}},
        "spec": {
            "type": "service",
            "parameters": [{"properties": {"greeting": {"type": "string", "default": "hi"}}}],
            "steps": [
                {
                    "id": "fetch",
                    "action": "fetch:template",
                    "input": {
                        "url": "./skeleton",
                        "values": {
                            "name": "${{ paved.name }}",
                            "greeting": "${{ parameters.greeting }}",
                        },
                    },
                },
                {"id": "publish", "action": "publish:paved", "input": {}},
            ],
        },
    }
    (folder / "template.yaml").write_text(yaml.safe_dump(entity))


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    root = tmp_path / "templates"
    write_template(root, "1.0.0", README_V1, "GREETING = '${{ values.greeting }}'\nPORT = 8000\n")
    return root


@pytest.fixture
def paved(make_settings: Callable[..., Settings], templates: Path) -> Iterator[TestClient]:
    settings = make_settings(templates_dir=templates)
    with TestClient(
        create_application(settings), headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}
    ) as client:
        client.app.state.test_settings = settings  # type: ignore[attr-defined]
        yield client


def create(api: TestClient, name: str, template: str = "greeter", *resources: str) -> None:
    body = {
        "name": name,
        "template": template,
        "team": "checkout",
        "resources": [{"type": r} for r in resources],
    }
    created = api.post("/api/v1/services", json=body)
    assert created.status_code == 202, created.text
    done = wait_for_state(api, created.json()["id"])
    assert done["state"] == "succeeded", done


def repo_of(api: TestClient, name: str) -> Path:
    settings: Settings = api.app.state.test_settings  # type: ignore[attr-defined]
    return settings.git_root / f"{name}.git"


def test_upgrade_keeps_local_changes_and_drift_follows_the_merge(
    paved: TestClient, templates: Path
) -> None:
    create(paved, "greet")
    assert paved.get("/api/v1/templates/greeter/drift").json()["count"] == 0
    repo = repo_of(paved, "greet")
    local = README_V1.replace("${{ values.name }}", "greet").replace("line one", "line one (ours)")
    gitting.commit_files(repo, {"README.md": local}, "Team edits the README")

    write_template(
        templates,
        "2.0.0",
        README_V1.replace("line five", "line five (v2)"),
        "GREETING = '${{ values.greeting }}'\nPORT = 8000\nDEBUG = False\n",
    )
    drift = paved.get("/api/v1/templates/greeter/drift").json()
    assert drift["version"] == "2.0.0"
    assert [(d["service"], d["version"]) for d in drift["data"]] == [("greet", "1.0.0")]

    upgraded = paved.post("/api/v1/services/greet/upgrade", json={})
    assert upgraded.status_code == 200, upgraded.text
    body = upgraded.json()
    assert body["status"] == "merged"
    assert (body["from_version"], body["to_version"]) == ("1.0.0", "2.0.0")
    readme = gitting.read_file(repo, "README.md", branch=body["branch"])
    assert readme is not None
    assert "line one (ours)" in readme
    assert "line five (v2)" in readme
    assert "DEBUG = False" in (gitting.read_file(repo, "app.py", branch=body["branch"]) or "")
    assert gitting.read_file(repo, "README.md") == local, "main is the team's"
    pending = paved.get("/api/v1/templates/greeter/drift").json()["data"]
    assert pending[0]["pending_version"] == "2.0.0"

    gitting.run_git("update-ref", "refs/heads/main", body["commit"], git_dir=repo)  # team merges
    assert paved.get("/api/v1/templates/greeter/drift").json()["count"] == 0
    again = paved.post("/api/v1/services/greet/upgrade", json={}).json()
    assert again["status"] == "up-to-date"


def test_upgrade_reports_a_conflict_and_changes_nothing(paved: TestClient, templates: Path) -> None:
    create(paved, "clash")
    repo = repo_of(paved, "clash")
    gitting.commit_files(repo, {"app.py": "GREETING = 'hi'\nPORT = 9000\n"}, "Team moves port")
    main = gitting.head(repo)
    write_template(
        templates, "2.0.0", README_V1, "GREETING = '${{ values.greeting }}'\nPORT = 8080\n"
    )

    body = paved.post("/api/v1/services/clash/upgrade", json={}).json()

    assert body["status"] == "conflicts"
    assert body["conflicts"] == ["app.py"]
    assert "app.py" in body["message"]
    assert gitting.head(repo) == main
    assert gitting.read_file(repo, "app.py") == "GREETING = 'hi'\nPORT = 9000\n"


def test_upgrade_and_drift_of_unknown_things_are_404(paved: TestClient) -> None:
    assert paved.post("/api/v1/services/nope/upgrade", json={}).status_code == 404
    assert paved.get("/api/v1/templates/nope/drift").status_code == 404


@pytest.mark.parametrize("store_backend", ["sqlite"])
def test_a_node_api_service_is_made_end_to_end_with_its_own_ci(
    api: TestClient, settings: Settings, tmp_path: Path
) -> None:
    """A non-Python golden path through the whole create workflow: its CI workflow is its own
    and the CI step keeps it (not Paved's Python pipeline)."""
    create(api, "orders-api", "node-api", "postgres")
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", str(settings.git_root / "orders-api.git"), str(clone)],
        check=True,
    )
    for path in (
        "package.json",
        "src/app.js",
        "score.yaml",
        "compose.yaml",
        "prisma/schema.prisma",
    ):
        assert (clone / path).is_file(), path
    workflow = (clone / ".github" / "workflows" / "ci.yml").read_text()
    assert "actions/setup-node" in workflow
    assert "setup-python" not in workflow
    catalog = next(yaml.safe_load_all((clone / "catalog-info.yaml").read_text()))
    assert catalog["metadata"]["annotations"]["paved.dev/template-version"] == "1.0.0"
    drift = api.get("/api/v1/templates/node-api/drift").json()
    assert drift["count"] == 0


def test_a_template_that_fails_to_render_fails_the_request_at_its_step(
    paved: TestClient, templates: Path
) -> None:
    (templates / "greeter" / "skeleton" / "app.py").write_text("ok = 1\n{% if %}\n")
    created = paved.post(
        "/api/v1/services", json={"name": "broken", "template": "greeter", "team": "checkout"}
    )
    assert created.status_code == 202, created.text
    done = wait_for_state(paved, created.json()["id"])
    assert done["state"] == "failed"
    step = done["steps"][0]
    assert (step["key"], step["state"]) == ("git:repository", "failed")
    assert "app.py line 2" in step["error"]
    assert not repo_of(paved, "broken").exists()


def test_a_parameter_the_new_version_requires_is_asked_for(
    paved: TestClient, templates: Path
) -> None:
    create(paved, "needs")
    write_template(templates, "2.0.0", README_V1, "REGION = '${{ values.region }}'\n")
    entity = yaml.safe_load((templates / "greeter" / "template.yaml").read_text())
    entity["spec"]["parameters"][0]["properties"]["region"] = {"type": "string", "enum": ["eu"]}
    entity["spec"]["parameters"][0]["required"] = ["region"]
    entity["spec"]["steps"][0]["input"]["values"]["region"] = "${{ parameters.region }}"
    (templates / "greeter" / "template.yaml").write_text(yaml.safe_dump(entity))

    refused = paved.post("/api/v1/services/needs/upgrade", json={})
    assert refused.status_code == 422
    assert refused.json()["invalid-params"][0]["name"] == "parameters.region"

    answer = paved.post("/api/v1/services/needs/upgrade", json={"parameters": {"region": "eu"}})
    body = answer.json()
    assert body["status"] == "merged", answer.text
    app = gitting.read_file(repo_of(paved, "needs"), "app.py", branch=body["branch"])
    assert app == "REGION = 'eu'\n"
