"""Entity references, relations, validation and the filter language, table-driven."""

from __future__ import annotations

from typing import Any

import pytest

from paved.catalog.documents import parse_documents, substitute
from paved.catalog.querying import parse_filter, parse_order
from paved.catalog.reading import resolve, split_git_url
from paved.catalog.refs import EntityRef, parse_ref
from paved.catalog.relations import REVERSE, relations_of
from paved.catalog.validating import validate_entity
from paved.core.errors import InputError
from paved.store.catalog_queries import Condition

REFS = [
    ("full", "component:ns/name", None, "ns", "component:ns/name"),
    ("default namespace", "api:petstore", None, "default", "api:default/petstore"),
    ("default kind", "team-a", "group", "default", "group:default/team-a"),
    ("namespace of the referrer", "team-a", "group", "prod", "group:prod/team-a"),
    ("lower-cased key", "Group:Default/Team-A", None, "default", "group:default/team-a"),
    ("email-like name", "web@example.com", "group", "default", "group:default/web@example.com"),
]


@pytest.mark.parametrize(
    ("text", "kind", "namespace", "key"), [r[1:] for r in REFS], ids=[r[0] for r in REFS]
)
def test_refs_take_backstage_defaults(
    text: str, kind: str | None, namespace: str, key: str
) -> None:
    assert parse_ref(text, default_kind=kind, default_namespace=namespace).key == key


@pytest.mark.parametrize("text", ["", "component:", ":ns/x", "component:/x", "team-a", "a:b/c/d"])
def test_bad_refs_are_refused(text: str) -> None:
    with pytest.raises(InputError):
        parse_ref(text)


def component(**spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {"name": "c"},
        "spec": spec,
    }


RELATIONS = [
    (
        "owner",
        {"owner": "team"},
        {
            ("component:default/c", "ownedBy", "group:default/team"),
            ("group:default/team", "ownerOf", "component:default/c"),
        },
    ),
    (
        "system",
        {"system": "s"},
        {
            ("component:default/c", "partOf", "system:default/s"),
            ("system:default/s", "hasPart", "component:default/c"),
        },
    ),
    (
        "apis",
        {"providesApis": ["a"], "consumesApis": ["b"]},
        {
            ("component:default/c", "providesApi", "api:default/a"),
            ("api:default/a", "apiProvidedBy", "component:default/c"),
            ("component:default/c", "consumesApi", "api:default/b"),
            ("api:default/b", "apiConsumedBy", "component:default/c"),
        },
    ),
    (
        "depends",
        {"dependsOn": ["resource:db"]},
        {
            ("component:default/c", "dependsOn", "resource:default/db"),
            ("resource:default/db", "dependencyOf", "component:default/c"),
        },
    ),
    (
        "subcomponent",
        {"subcomponentOf": "parent"},
        {
            ("component:default/c", "partOf", "component:default/parent"),
            ("component:default/parent", "hasPart", "component:default/c"),
        },
    ),
]


@pytest.mark.parametrize(
    ("spec", "wanted"), [r[1:] for r in RELATIONS], ids=[r[0] for r in RELATIONS]
)
def test_relations_go_both_ways(spec: dict[str, Any], wanted: set[tuple[str, str, str]]) -> None:
    # the entity declares one direction; the other is derived where relations are shown
    declared, errors = relations_of(component(**spec), EntityRef("Component", "default", "c"))
    assert errors == []
    assert all(source == "component:default/c" for source, _, _ in declared)
    derived = {(target, REVERSE[type_], source) for source, type_, target in declared}
    assert {*declared, *derived} == wanted


def test_a_dependency_without_a_kind_is_an_error() -> None:
    _, errors = relations_of(component(dependsOn=["db"]), EntityRef("Component", "default", "c"))
    assert errors == ["spec.dependsOn: entity reference 'db' has no kind, and none is implied here"]


INVALID = [
    (
        "no spec",
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Component", "metadata": {"name": "c"}},
        "spec",
    ),
    ("no lifecycle", component(type="service", owner="t"), "lifecycle"),
    (
        "bad name",
        {**component(type="s", owner="t", lifecycle="l"), "metadata": {"name": "-x-"}},
        "metadata.name",
    ),
    (
        "unknown kind",
        {"apiVersion": "backstage.io/v1alpha1", "kind": "Widget", "metadata": {"name": "w"}},
        "unknown kind 'Widget'",
    ),
    (
        "tags not a list",
        {**component(type="s", owner="t", lifecycle="l"), "metadata": {"name": "c", "tags": "x"}},
        "metadata.tags",
    ),
]


@pytest.mark.parametrize(("entity", "words"), [r[1:] for r in INVALID], ids=[r[0] for r in INVALID])
def test_validation_names_the_field(entity: dict[str, Any], words: str) -> None:
    problems = validate_entity(entity)
    assert any(words in p for p in problems), problems


def test_a_valid_entity_has_no_problems() -> None:
    assert validate_entity(component(type="service", owner="t", lifecycle="production")) == []


FILTERS = [
    (
        "kind and owner",
        "kind=Component,spec.owner=checkout",
        (Condition("kind", ("component",)), Condition("owner", ("group:default/checkout",))),
    ),
    ("values of one key", "kind=api,kind=component", (Condition("kind", ("api", "component")),)),
    ("exists", "spec.dependsOn", (Condition("json", None, ("spec", "dependsOn")),)),
    (
        "annotation with dots",
        "metadata.annotations.backstage.io/x=Y",
        (Condition("json", ("y",), ("metadata", "annotations", "backstage.io/x")),),
    ),
    (
        "relation",
        "relations.ownedby=group:team",
        (Condition("relation:ownedBy", ("group:default/team",), ("ownerOf",)),),
    ),
]


@pytest.mark.parametrize(("text", "wanted"), [r[1:] for r in FILTERS], ids=[r[0] for r in FILTERS])
def test_filters_parse_like_backstage(text: str, wanted: tuple[Condition, ...]) -> None:
    assert parse_filter(text) == wanted


def test_order_keys() -> None:
    assert parse_order("-metadata.name") == ("name", True)
    assert parse_order("asc:spec.owner") == ("owner", False)
    with pytest.raises(InputError):
        parse_order("spec.colour")


def test_substitutions_resolve_and_unknown_ones_fail() -> None:
    files = {"a.txt": "text", "b.json": '{"x": 1}', "c.yaml": "y: 2"}
    value = {
        "t": {"$text": "a.txt"},
        "j": [{"$json": "b.json"}],
        "y": {"$yaml": "c.yaml"},
        "n": {"k": 1},
    }
    assert substitute(value, files.__getitem__) == {
        "t": "text",
        "j": [{"x": 1}],
        "y": {"y": 2},
        "n": {"k": 1},
    }
    with pytest.raises(InputError, match="not supported"):
        substitute({"$env": "X"}, files.__getitem__)
    with pytest.raises(InputError, match="malformed YAML at line 3"):
        parse_documents("a: 1\nb: [\n", "f.yaml")


GIT_URLS = [
    (
        "dot git",
        "http://h/git/x.git/catalog-info.yaml",
        ("http://h/git/x.git", None, "catalog-info.yaml"),
    ),
    ("dot git blob", "file:///r/x.git/blob/dev/a/b.yaml", ("file:///r/x.git", "dev", "a/b.yaml")),
    (
        "forge",
        "https://github.com/o/r/blob/main/c.yaml",
        ("https://github.com/o/r", "main", "c.yaml"),
    ),
]


@pytest.mark.parametrize(("url", "parts"), [r[1:] for r in GIT_URLS], ids=[r[0] for r in GIT_URLS])
def test_git_urls_split_into_repository_branch_and_path(
    url: str, parts: tuple[str, str | None, str]
) -> None:
    found = split_git_url(url)
    assert found is not None
    assert (found.repo, found.branch, found.path) == parts


def test_relative_targets_resolve_against_their_file() -> None:
    assert resolve("file", "/a/b/c.yaml", "../d.yaml") == "/a/d.yaml"
    assert (
        resolve("url", "https://github.com/o/r/blob/main/x/c.yaml", "./d.yaml")
        == "https://github.com/o/r/blob/main/x/d.yaml"
    )
    assert (
        resolve("url", "https://example.com/x/c.yaml", "d.yaml") == "https://example.com/x/d.yaml"
    )
    assert split_git_url("https://example.com/x/c.yaml") is None
