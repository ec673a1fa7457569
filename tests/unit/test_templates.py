"""Templates: lookup, parameters, deterministic scaffolding, a skeleton whose own tests pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from paved.core.errors import InputError
from paved.providers.ci_pipelines import render_workflow
from paved.schemas.services import ResourceSpec, ServiceCreate
from paved.templates.library import TemplateLibrary, default_root, merge_parameter_steps
from paved.templates.scaffolding import scaffold_files

REPO_URL = "file:///srv/git/payments-api.git"


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(default_root())


def service(**changes: object) -> ServiceCreate:
    fields: dict[str, object] = {
        "name": "payments-api",
        "template": "python-api",
        "team": "checkout",
        "description": "Takes payments",
        "resources": [ResourceSpec(type="postgres"), ResourceSpec(type="redis", name="cache")],
    }
    fields.update(changes)
    return ServiceCreate.model_validate(fields)


def scaffold(library: TemplateLibrary, svc: ServiceCreate) -> dict[str, str]:
    return scaffold_files(library, svc, REPO_URL, render_workflow({"service": svc.name}))


def test_default_root_finds_the_shipped_templates(library: TemplateLibrary) -> None:
    assert default_root().name == "software-templates"
    assert "python-api" in library.names()


def test_get_reads_the_template_entity(library: TemplateLibrary) -> None:
    info = library.get("python-api")
    assert info.title == "Python API"
    assert info.description
    assert info.entity["apiVersion"] == "scaffolder.backstage.io/v1beta3"
    assert info.entity["spec"]["type"] == "service"
    assert set(info.parameters["properties"]) == {"python_version", "port"}
    assert info.skeleton.is_dir()
    assert info.version == "1.1.0"


@pytest.mark.parametrize("name", ["nope", "../python-api", "", "Python-API"])
def test_unknown_template_is_an_input_error(library: TemplateLibrary, name: str) -> None:
    with pytest.raises(InputError) as caught:
        library.get(name)
    assert caught.value.field == "template"


def test_parameters_get_their_defaults(library: TemplateLibrary) -> None:
    assert library.validate_parameters("python-api", {}) == {"python_version": "3.12", "port": 8000}
    chosen = library.validate_parameters("python-api", {"python_version": "3.11", "port": 9000})
    assert chosen == {"python_version": "3.11", "port": 9000}


@pytest.mark.parametrize(
    ("parameters", "field"),
    [
        ({"python_version": "2.7"}, "parameters.python_version"),
        ({"port": "eighty"}, "parameters.port"),
        ({"port": 80}, "parameters.port"),
        ({"colour": "blue"}, "parameters.colour"),
    ],
    ids=["version-not-in-enum", "port-not-an-integer", "port-below-minimum", "unknown-key"],
)
def test_bad_parameter_is_an_input_error_naming_it(
    library: TemplateLibrary, parameters: dict[str, object], field: str
) -> None:
    with pytest.raises(InputError) as caught:
        library.validate_parameters("python-api", parameters)
    assert caught.value.field == field


def test_required_parameter_is_named(tmp_path: Path) -> None:
    template = tmp_path / "needs-port"
    template.mkdir()
    steps = [{"title": "a", "required": ["port"], "properties": {"port": {"type": "integer"}}}]
    entity = {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "needs-port"},
        "spec": {"type": "service", "parameters": steps},
    }
    (template / "template.yaml").write_text(yaml.safe_dump(entity))
    with pytest.raises(InputError) as caught:
        TemplateLibrary(tmp_path).validate_parameters("needs-port", {})
    assert caught.value.field == "parameters.port"


def test_parameter_steps_merge_into_one_schema() -> None:
    steps = [
        {"properties": {"a": {"type": "string"}}, "required": ["a"]},
        {"properties": {"b": {"type": "integer"}}, "required": ["b", "a"]},
    ]
    merged = merge_parameter_steps(steps)
    assert set(merged["properties"]) == {"a", "b"}
    assert merged["required"] == ["a", "b"]
    assert merge_parameter_steps(None) == {"type": "object", "properties": {}}


def test_scaffold_holds_skeleton_and_managed_files(library: TemplateLibrary) -> None:
    files = scaffold(library, service())
    assert {
        "README.md",
        "pyproject.toml",
        "Dockerfile",
        "src/payments_api/main.py",
        "src/payments_api/settings.py",
        "tests/test_health.py",
        "catalog-info.yaml",
        "CODEOWNERS",
        ".github/workflows/ci.yml",
    } <= set(files)
    assert not any(name.startswith(".copier-answers") for name in files)
    assert files["CODEOWNERS"] == "* @checkout\n"
    assert files[".github/workflows/ci.yml"] == render_workflow({"service": "payments-api"})
    assert "FROM python:3.12-slim" in files["Dockerfile"]
    assert '"psycopg[binary]>=3.2"' in files["pyproject.toml"]
    assert "DATABASE_URL" in files["README.md"]
    assert "REDIS_URL" in files["README.md"]


def test_catalog_info_holds_component_and_resources(library: TemplateLibrary) -> None:
    documents = list(yaml.safe_load_all(scaffold(library, service())["catalog-info.yaml"]))
    assert [d["kind"] for d in documents] == ["Component", "Resource", "Resource", "System"]
    component = documents[0]
    assert component["metadata"]["name"] == "payments-api"
    assert component["metadata"]["annotations"]["paved.dev/repository-url"] == REPO_URL
    assert component["spec"]["owner"] == "group:checkout"
    assert component["spec"]["system"] == "payments-api"


def test_parameters_reach_the_skeleton(library: TemplateLibrary) -> None:
    files = scaffold(library, service(parameters={"python_version": "3.11", "port": 9000}))
    assert "FROM python:3.11-slim" in files["Dockerfile"]
    assert '"9000"' in files["Dockerfile"]
    assert 'requires-python = ">=3.11"' in files["pyproject.toml"]


def test_scaffold_is_byte_identical_each_time(library: TemplateLibrary) -> None:
    first = scaffold(library, service())
    second = scaffold(library, service())
    assert first == second
    assert list(first) == list(second)


@pytest.mark.parametrize(
    "resources", [[], [ResourceSpec(type="postgres"), ResourceSpec(type="redis")]]
)
def test_rendered_skeleton_passes_its_own_tests(
    library: TemplateLibrary, resources: list[ResourceSpec], tmp_path: Path
) -> None:
    files = scaffold(library, service(resources=resources, description='Says "hi", \\ and """ <b>'))
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "src"), "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    lint = subprocess.run(
        [str(Path(sys.executable).parent / "ruff"), "check", "--no-cache", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
