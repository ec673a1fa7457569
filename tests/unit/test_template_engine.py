"""The template engine: Backstage's `${{ }}` on a sandbox, fetch:template, path safety, errors."""

from __future__ import annotations

import posixpath
import shutil
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from paved.core.errors import InputError, UnavailableError
from paved.templates.expressions import parse_entity_ref, parse_repo_url, render_value
from paved.templates.fetching import TemplateRenderError, safe_path
from paved.templates.library import TemplateLibrary
from paved.templates.running import Publication, run

CONFORMANCE = Path(__file__).resolve().parents[1] / "conformance" / "backstage"
PUBLICATION = Publication("http://paved.test/git/web.git", "component:default/web")


def make_template(
    root: Path,
    files: dict[str, str],
    steps: list[dict[str, Any]] | None = None,
    parameters: dict[str, Any] | None = None,
    name: str = "t",
) -> TemplateLibrary:
    folder = root / name
    for path, text in files.items():
        (folder / "skeleton" / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / "skeleton" / path).write_text(text)
    (folder / "skeleton").mkdir(parents=True, exist_ok=True)
    entity = {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": name},
        "spec": {
            "type": "service",
            "parameters": parameters or {"properties": {"name": {"type": "string"}}},
            "steps": steps
            or [
                {
                    "id": "fetch",
                    "action": "fetch:template",
                    "input": {"url": "./skeleton", "values": {"name": "${{ parameters.name }}"}},
                }
            ],
        },
    }
    (folder / "template.yaml").write_text(yaml.safe_dump(entity))
    return TemplateLibrary(root)


def render(library: TemplateLibrary, parameters: dict[str, Any], name: str = "t") -> dict[str, str]:
    return run(library.get(name), parameters, PUBLICATION).files


def test_whole_expression_keeps_its_type_and_text_renders() -> None:
    context = {"parameters": {"port": 8000, "tags": ["a", "b"], "name": "web"}}
    assert render_value("${{ parameters.port }}", context) == 8000
    assert render_value("${{ parameters.tags }}", context) == ["a", "b"]
    assert render_value("This is ${{ parameters.name }}", context) == "This is web"
    assert render_value({"k": ["${{ parameters.name }}"]}, context) == {"k": ["web"]}
    assert render_value("${{ parameters.missing }}", context) is None


def test_backstage_filters() -> None:
    assert parse_repo_url("github.com?owner=acme&repo=web") == {
        "host": "github.com",
        "owner": "acme",
        "repo": "web",
    }
    assert parse_entity_ref("group:default/team-a")["name"] == "team-a"
    assert parse_entity_ref("team-a", {"defaultKind": "group"})["kind"] == "group"


@pytest.mark.parametrize(
    "expression",
    [
        "${{ ''.__class__ }}",
        "${{ ''.__class__.__mro__[1].__subclasses__() }}",
        "${{ parameters.__class__ }}",
        "${{ cycler.__init__.__globals__ }}",
    ],
)
def test_sandbox_refuses_python_internals(expression: str) -> None:
    with pytest.raises(InputError, match="unsafe"):
        render_value(f"x {expression}", {"parameters": {}, "cycler": object()})


def test_skeleton_contents_and_file_names_render(tmp_path: Path) -> None:
    library = make_template(
        tmp_path,
        {
            "${{ values.name }}/main.py": "NAME = '${{ values.name }}'\n",
            "{% if values.name == 'nope' %}optional.txt{% endif %}": "left out\n",
            ".github/workflows/ci.yml": "run: ${{ github.sha }}\n",
        },
        steps=[
            {
                "id": "fetch",
                "action": "fetch:template",
                "input": {
                    "url": "./skeleton",
                    "values": {"name": "${{ parameters.name }}"},
                    "copyWithoutTemplating": [".github/workflows/*"],
                },
            }
        ],
    )
    files = render(library, {"name": "web"})
    assert files == {
        "web/main.py": "NAME = 'web'\n",
        ".github/workflows/ci.yml": "run: ${{ github.sha }}\n",
    }


@pytest.mark.parametrize(
    "path", ["../../etc/passwd", "/etc/passwd", "a/../../b", "C:/windows", "a\\..\\..\\b", ""]
)
def test_paths_outside_the_repository_are_refused(path: str) -> None:
    with pytest.raises(InputError):
        safe_path(path)


@given(st.text(alphabet="a./\\~: ", max_size=30))
def test_a_safe_path_never_leaves_the_repository(path: str) -> None:
    try:
        clean = safe_path(path)
    except InputError:
        return
    root = PurePosixPath("/repo")
    assert not clean.startswith("/")
    assert ".." not in clean.split("/")
    assert posixpath.normpath(root / clean).startswith("/repo/")


def test_a_value_that_makes_a_path_escape_is_refused(tmp_path: Path) -> None:
    library = make_template(tmp_path, {"${{ values.name }}.txt": "x"})
    with pytest.raises(InputError, match="leaves the repository"):
        render(library, {"name": "../../etc/passwd"})
    library = make_template(
        tmp_path,
        {"a.txt": "x"},
        steps=[
            {
                "id": "fetch",
                "action": "fetch:template",
                "input": {"url": "./skeleton", "targetPath": "${{ parameters.name }}"},
            }
        ],
        name="u",
    )
    with pytest.raises(InputError, match="absolute"):
        render(library, {"name": "/etc"}, name="u")


def test_skeleton_url_outside_the_template_is_refused(tmp_path: Path) -> None:
    library = make_template(
        tmp_path, {}, steps=[{"id": "f", "action": "fetch:template", "input": {"url": "../.."}}]
    )
    with pytest.raises(InputError, match="outside the template"):
        render(library, {})


def test_symlink_escaping_the_template_is_refused(tmp_path: Path) -> None:
    library = make_template(tmp_path / "lib", {"a.txt": "x"})
    secret = tmp_path / "secret.txt"
    secret.write_text("do not copy")
    (tmp_path / "lib" / "t" / "skeleton" / "leak.txt").symlink_to(secret)
    with pytest.raises(InputError, match=r"symlink leak\.txt points outside"):
        render(library, {})


def test_render_error_names_file_and_line(tmp_path: Path) -> None:
    library = make_template(tmp_path, {"ok.txt": "fine\n", "src/bad.py": "a\nb\n{% if %}\n"})
    with pytest.raises(TemplateRenderError, match=r"src/bad.py line 3"):
        render(library, {"name": "x"})
    broken = make_template(
        tmp_path, {"x.txt": "1\n2\n${{ values.name | nosuchfilter }}\n"}, name="b"
    )
    with pytest.raises(TemplateRenderError, match=r"x.txt line 3"):
        render(broken, {"name": "x"}, name="b")
    runtime = make_template(tmp_path, {"y.txt": "1\n${{ values.name.upper(1, 2) }}\n"}, name="c")
    with pytest.raises(TemplateRenderError, match=r"y.txt line 2"):
        render(runtime, {"name": "x"}, name="c")


def test_unknown_action_is_refused_before_anything_renders(tmp_path: Path) -> None:
    library = make_template(tmp_path, {}, steps=[{"id": "s", "action": "fs:delete", "input": {}}])
    with pytest.raises(InputError, match="fs:delete"):
        render(library, {})


def test_versions_come_from_the_annotation_or_the_files(tmp_path: Path) -> None:
    library = make_template(tmp_path, {"a.txt": "1"})
    first = library.get("t").version
    assert first.startswith("sha-")
    (tmp_path / "t" / "skeleton" / "a.txt").write_text("2")
    assert library.get("t").version != first


def test_a_template_with_an_unusable_version_is_left_out(tmp_path: Path) -> None:
    library = make_template(tmp_path, {"a.txt": "1"})
    entity = yaml.safe_load((tmp_path / "t" / "template.yaml").read_text())
    entity["metadata"]["annotations"] = {"paved.dev/version": "1.0 (" + "x" * 200 + ")"}
    (tmp_path / "t" / "template.yaml").write_text(yaml.safe_dump(entity))
    with pytest.raises(UnavailableError, match="version"):
        library.get("t")
    assert library.all() == []


def backstage_templates() -> list[Path]:
    return sorted(
        path
        for path in (CONFORMANCE / "examples").glob("*.yaml")
        if any(
            doc and doc.get("kind") == "Template" for doc in yaml.safe_load_all(path.read_text())
        )
    )


def test_conformance_folder_has_templates() -> None:
    assert len(backstage_templates()) == 3


@pytest.mark.parametrize("example", backstage_templates(), ids=lambda p: p.name.split("__")[-2])
def test_conformance_templates_load_with_their_parameters(example: Path, tmp_path: Path) -> None:
    folder = tmp_path / "example"
    folder.mkdir()
    shutil.copy(example, folder / "template.yaml")
    info = TemplateLibrary(tmp_path).get("example")
    assert info.parameters["properties"]
    assert info.parameters["required"]
    assert [s["action"] for s in info.steps][-2:] == ["publish:github", "catalog:register"]


@pytest.mark.parametrize(
    ("example", "parameters"),
    [
        ("react-ssr-template", {"description": "A site"}),
        ("springboot-grpc-template", {"java_package_name": "io.acme.web"}),
    ],
)
def test_conformance_templates_run_unchanged(
    example: str, parameters: dict[str, Any], tmp_path: Path
) -> None:
    """The Backstage templates run as written, over a skeleton in Backstage's own syntax."""
    source = next(p for p in backstage_templates() if example in p.name)
    folder = tmp_path / "example"
    skeleton = folder / "skeleton"
    (skeleton / ".github" / "workflows").mkdir(parents=True)
    shutil.copy(source, folder / "template.yaml")
    (skeleton / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        "  name: ${{ values.component_id | dump }}\n"
        "spec:\n  owner: ${{ values.owner }}\n  type: service\n  lifecycle: experimental\n"
    )
    (skeleton / "README.md").write_text(
        "# ${{ values.component_id }}\n\n${{ values.description }}\n"
        "{% if values.destination.owner %}Repo of ${{ values.destination.owner }}{% endif %}\n"
    )
    (skeleton / ".github" / "workflows" / "build.yml").write_text("ref: ${{ github.ref }}\n")
    info = TemplateLibrary(tmp_path).get("example")
    values = {
        "component_id": "web",
        "owner": "group:default/checkout",
        "repoUrl": "github.com?owner=checkout&repo=web",
        **parameters,
    }
    result = run(
        info, TemplateLibrary(tmp_path).validate_parameters("example", values), PUBLICATION
    )
    catalog = yaml.safe_load(result.files["catalog-info.yaml"])
    assert catalog["metadata"]["name"] == "web"
    assert catalog["spec"]["owner"] == "group:default/checkout"
    assert "Repo of checkout" in result.files["README.md"]
    assert result.files[".github/workflows/build.yml"] == "ref: ${{ github.ref }}\n"
    assert result.output["links"][0]["url"] == PUBLICATION.repository_url
    assert result.output["links"][1]["entityRef"] == PUBLICATION.entity_ref
