"""A newcomer's golden paths: list the templates, create a service from each, clone it, run its
tests; see that nothing drifts and that an upgrade of a fresh service has nothing to do."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.harness import PavedProcess
from tests.e2e.test_cli import paved_cli
from tests.golang import check_in_gopath, go_unavailable

TEMPLATES = ["python-api", "python-worker", "python-cli", "node-api", "go-service", "web-app"]


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[PavedProcess]:
    process = PavedProcess(home=tmp_path / "home", env={})
    yield process
    process.stop()


def run_tests(template: str, clone: Path, go_build_cache: Path) -> None:
    """The generated project's own tests, where this machine has what they need."""
    if template == "go-service" and go_unavailable() is None:
        check_in_gopath(clone, clone.with_name(f"{clone.name}-gopath"), go_build_cache)
        return
    if template.startswith("python-"):
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    elif template == "web-app" and shutil.which("node"):
        command = ["node", "--test"]
    else:
        return  # node-api needs `npm install`, go-service Go: test_generated_projects
    env = {"PATH": "/usr/bin:/bin", "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "HOME": str(clone)}
    result = subprocess.run(
        command, cwd=clone, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{template}: {result.stdout}{result.stderr}"


def test_every_template_makes_a_service_whose_tests_pass(
    embedded: PavedProcess, tmp_path: Path, go_build_cache: Path
) -> None:
    embedded.start()
    listed = json.loads(paved_cli(embedded, "template", "list", "-o", "json").stdout)
    assert set(TEMPLATES) <= {t["name"] for t in listed["data"]}
    shown = paved_cli(embedded, "template", "show", "python-worker")
    assert shown.returncode == 0, shown.stderr
    assert "concurrency" in shown.stdout

    token = (embedded.home / "admin-token").read_text().strip()
    header = f"http.extraHeader=Authorization: Bearer {token}"
    for template in TEMPLATES:
        name = f"demo-{template}"
        created = paved_cli(
            embedded, "service", "create", name, "--template", template, "--team", "checkout"
        )
        assert created.returncode == 0, created.stderr + created.stdout
        url = f"{embedded.url}/git/{name}.git"
        clone = tmp_path / name
        subprocess.run(["git", "-c", header, "clone", "-q", url, str(clone)], check=True)
        for path in ("README.md", "Dockerfile", "score.yaml", "compose.yaml", "catalog-info.yaml"):
            assert (clone / path).is_file(), f"{template}: {path}"
        run_tests(template, clone, go_build_cache)

    drift = paved_cli(embedded, "template", "drift", "python-cli")
    assert drift.returncode == 0, drift.stderr
    assert "every service made from python-cli is on 1.0.0" in drift.stdout
    upgrade = paved_cli(embedded, "service", "upgrade", "demo-python-cli")
    assert upgrade.returncode == 0, upgrade.stderr
    assert "up-to-date" in upgrade.stdout
