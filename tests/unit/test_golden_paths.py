"""Every shipped template renders a complete repository whose files pass their schemas.

Schemas: Backstage's (catalog-info.yaml) and Score's from the conformance folder, GitHub's
workflow schema and the Compose spec as check-jsonschema vendors them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from functools import cache
from importlib.resources import files as package_files
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from paved.providers.ci_pipelines import render_workflow
from paved.schemas.services import ResourceSpec, ServiceCreate
from paved.templates.library import TemplateLibrary, default_root
from paved.templates.scaffolding import scaffold_files

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance"
REPO_URL = "http://paved.test/git/demo-svc.git"
DEFAULT_WORKFLOW = "name: ci\non: push\njobs:\n  t:\n    runs-on: x\n    steps:\n      - run: x\n"
TEMPLATES = ["python-api", "python-worker", "python-cli", "node-api", "go-service", "web-app"]
COMMON_FILES = {
    "README.md",
    ".gitignore",
    "Dockerfile",
    "compose.yaml",
    "score.yaml",
    "mkdocs.yml",
    "docs/index.md",
    "CODEOWNERS",
    "catalog-info.yaml",
    ".github/workflows/ci.yml",
}


@pytest.fixture(scope="module")
def library() -> TemplateLibrary:
    return TemplateLibrary(default_root())


def render(library: TemplateLibrary, template: str, with_resources: bool) -> dict[str, str]:
    info = library.get(template)
    types = list(info.resources or ()) if with_resources else []
    service = ServiceCreate(
        name="demo-svc",
        template=template,
        team="checkout",
        description='Says "hi" & <b>',
        resources=[ResourceSpec(type=t) for t in types],
    )
    return scaffold_files(library, service, REPO_URL, DEFAULT_WORKFLOW)


def renders() -> Iterator[Any]:
    for template in TEMPLATES:
        for with_resources in (False, True):
            label = "with-resources" if with_resources else "bare"
            yield pytest.param(template, with_resources, id=f"{template}-{label}")


@cache
def backstage_registry() -> Registry:
    resources = []
    for path in (CONFORMANCE / "backstage" / "schema").rglob("*.schema.json"):
        schema = json.loads(path.read_text())
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


def backstage_validator(kind: str) -> jsonschema.protocols.Validator:
    schema = json.loads(
        (
            CONFORMANCE / "backstage" / "schema" / "kinds" / f"{kind}.v1alpha1.schema.json"
        ).read_text()
    )
    return jsonschema.Draft7Validator(schema, registry=backstage_registry())


def vendored(name: str) -> dict[str, Any]:
    text = package_files("check_jsonschema.builtin_schemas.vendor").joinpath(f"{name}.json")
    schema: dict[str, Any] = json.loads(text.read_text())
    return schema


def load_workflow(text: str) -> dict[str, Any]:
    """A workflow as GitHub reads it: YAML 1.1's `on: true` is the key `on`."""
    workflow: dict[Any, Any] = yaml.safe_load(text)
    if True in workflow:
        workflow["on"] = workflow.pop(True)
    return workflow


def check(schema: dict[str, Any], document: Any) -> None:
    validator_class = jsonschema.validators.validator_for(schema)
    errors = sorted(validator_class(schema).iter_errors(document), key=str)
    assert not errors, "\n".join(e.message for e in errors[:5])


def test_the_library_ships_six_templates(library: TemplateLibrary) -> None:
    assert set(TEMPLATES) <= set(library.names())


@pytest.mark.parametrize("template", TEMPLATES)
def test_template_yaml_is_a_valid_backstage_template(
    library: TemplateLibrary, template: str
) -> None:
    schema_file = (
        CONFORMANCE / "backstage" / "schema" / "scaffolder" / "Template.v1beta3.schema.json"
    )
    schema = json.loads(schema_file.read_text())
    validator = jsonschema.Draft7Validator(schema, registry=backstage_registry())
    entity = library.get(template).entity
    assert not [e.message for e in validator.iter_errors(entity)]
    assert entity["metadata"]["name"] == template


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_repository_has_every_golden_path_file(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    files = render(library, template, with_resources)
    assert set(files) >= COMMON_FILES, COMMON_FILES - set(files)
    assert files["CODEOWNERS"] == "* @checkout\n"
    assert "demo-svc" in files["README.md"]
    mkdocs = yaml.safe_load(files["mkdocs.yml"])
    assert mkdocs["site_name"] == "demo-svc"
    assert any(
        name.startswith("test") or "/test" in name or name.endswith("_test.go") for name in files
    ), "a test ships with the skeleton"


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_dockerfile_is_multi_stage_and_runs_as_non_root(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    dockerfile = render(library, template, with_resources)["Dockerfile"]
    stages = re.findall(r"^FROM\s+\S+", dockerfile, flags=re.MULTILINE)
    assert len(stages) >= 2, "multi-stage"
    last_stage = dockerfile.rsplit("\nFROM ", 1)[1]
    users = re.findall(r"^USER\s+(\S+)", last_stage, flags=re.MULTILINE)
    assert users, "the final stage sets a USER"
    assert users[-1].split(":")[0] not in ("root", "0")


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_catalog_info_is_valid_backstage(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    documents = list(
        yaml.safe_load_all(render(library, template, with_resources)["catalog-info.yaml"])
    )
    assert documents[0]["kind"] == "Component"
    for document in documents:
        errors = list(backstage_validator(document["kind"]).iter_errors(document))
        assert not errors, [e.message for e in errors]


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_score_file_is_valid_score(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    score = yaml.safe_load(render(library, template, with_resources)["score.yaml"])
    check(json.loads((CONFORMANCE / "score" / "score-v1b1.json").read_text()), score)
    assert score["metadata"]["name"] == "demo-svc"


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_ci_workflow_is_a_valid_github_workflow_that_tests_builds_and_scans(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    text = render(library, template, with_resources)[".github/workflows/ci.yml"]
    if text == DEFAULT_WORKFLOW:  # the template brings none: the CI provider keeps Paved's
        text = render_workflow({"service": "demo-svc"})
    workflow = load_workflow(text)
    check(vendored("github-workflows"), workflow)
    steps = [s for job in workflow["jobs"].values() for s in job["steps"]]
    runs = " ".join(str(s.get("run", "")) for s in steps)
    assert "test" in runs, "a test step"
    assert "docker build" in runs, "an image build"
    assert any("trivy" in str(s.get("uses", "")) for s in steps), "an image scan"


@pytest.mark.parametrize(("template", "with_resources"), renders())
def test_compose_file_is_valid_compose(
    library: TemplateLibrary, template: str, with_resources: bool
) -> None:
    compose = yaml.safe_load(render(library, template, with_resources)["compose.yaml"])
    check(vendored("compose-spec"), compose)
    info = library.get(template)
    if with_resources:
        for kind in info.resources or ():
            assert kind in compose["services"], f"compose runs the local {kind}"
