"""The CI provider on real git: the contract suite, a schema-valid workflow, drift repair."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from paved.core.errors import PermanentError
from paved.providers import gitting
from paved.providers.base import ResourceRef
from paved.providers.ci_pipelines import (
    WORKFLOW_PATH,
    CiPipelineProvider,
    render_workflow,
    workflow_spec,
)
from paved.providers.git_repos import GitRepoProvider
from tests.contract.suite import ProviderContract
from tests.contract.test_git_provider import clone, make_ref

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return tmp_path / "repos"


@pytest.fixture
def provider(root: Path) -> CiPipelineProvider:
    return CiPipelineProvider(root)


@pytest.fixture
def ref(root: Path) -> ResourceRef:
    """A CI resource whose service already has a repository (without a workflow)."""
    ref = make_ref("ci")
    GitRepoProvider(root).create(ref, {"files": {"README.md": "# demo\n"}})
    return ref


@pytest.fixture
def spec(ref: ResourceRef) -> dict[str, str]:
    return {
        "service": ref.service,
        "python_version": "3.12",
        "image": f"registry.local/t/{ref.service}",
    }


class TestCiPipelineContract(ProviderContract):
    """The generic provider contract, on a workflow file in a bare repository."""


def validate_workflow(text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "ci.yml"
    path.write_text(text)
    command = [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(path)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("python_version", ["3.11", "3.12"])
def test_rendered_workflow_is_a_valid_github_workflow(python_version: str, tmp_path: Path) -> None:
    text = render_workflow({"service": "payments-api", "python_version": python_version})
    result = validate_workflow(text, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f'python-version: "{python_version}"' in text
    assert "actions/checkout@v4" in text


def test_invalid_workflow_is_caught_by_the_schema_check(tmp_path: Path) -> None:
    broken = render_workflow({"service": "payments-api"}).replace("runs-on:", "runs-onn:")
    assert validate_workflow(broken, tmp_path).returncode != 0


def test_workflow_spec_defaults(ref: ResourceRef) -> None:
    full = workflow_spec(ref, {})
    assert full == {
        "service": ref.service,
        "image": f"localhost:5000/{ref.team}/{ref.service}",
        "python_version": "3.12",
    }


@pytest.mark.parametrize(
    ("key", "value"), [("service", "Bad_Name"), ("python_version", "3"), ("image", "a b")]
)
def test_invalid_spec_values_are_refused(key: str, value: str) -> None:
    spec = {"service": "payments-api", key: value}
    with pytest.raises(PermanentError):
        render_workflow(spec)


def test_hand_edit_is_drift_that_update_repairs(
    provider: CiPipelineProvider, ref: ResourceRef, spec: dict[str, str], tmp_path: Path, root: Path
) -> None:
    created = provider.create(ref, spec)
    work = clone(gitting.file_url(root / f"{ref.service}.git"), tmp_path / "work")
    workflow = work / WORKFLOW_PATH
    workflow.write_text(workflow.read_text().replace("pytest -q", "echo skipped"))
    gitting.run_git("commit", "--quiet", "-am", "Skip the tests", cwd=work)
    gitting.run_git("push", "--quiet", "origin", "main", cwd=work)

    drifted = provider.observe(ref, spec)
    assert drifted.exists
    assert not drifted.up_to_date
    assert drifted.diff
    assert WORKFLOW_PATH in drifted.diff[0]

    repaired = provider.update(ref, spec)
    assert repaired["commit"] != created["commit"]
    observation = provider.observe(ref, spec)
    assert observation.up_to_date
    assert dict(observation.outputs) == repaired
    repo = root / f"{ref.service}.git"
    assert gitting.read_file(repo, WORKFLOW_PATH) == render_workflow(workflow_spec(ref, spec))
    assert gitting.read_file(repo, "README.md") == "# demo\n"


def test_create_without_repository_fails_and_delete_succeeds(
    provider: CiPipelineProvider, spec: dict[str, str]
) -> None:
    lonely = make_ref("ci")
    assert not provider.observe(lonely, spec).exists
    with pytest.raises(PermanentError):
        provider.create(lonely, spec)
    provider.delete(lonely)
