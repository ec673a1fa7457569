"""Catalog files load exactly as PyYAML's safe loader loads them (the catalog builds the
common nodes itself, for speed), aliases, merge keys and odd keys included; and whatever they
hold is stored as the JSON the standard library would write."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from paved.catalog.documents import parse_documents
from paved.core import jsontext
from paved.core.errors import InputError

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def pyyaml(text: str) -> list[Any]:
    return [doc for doc in yaml.load_all(text, Loader=_BASE) if doc is not None]


def documents_of(floats: st.SearchStrategy[float]) -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.text(max_size=12), st.integers(), floats, st.booleans(), st.none(), st.dates()
    )
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text(max_size=8) | st.integers() | st.booleans(), inner, max_size=4
            )
        ),
        max_leaves=20,
    )


documents = documents_of(st.floats(allow_nan=False))


@given(st.lists(documents.filter(lambda d: d is not None), min_size=1, max_size=3))
def test_any_dumped_documents_load_as_pyyaml_loads_them(docs: list[Any]) -> None:
    text = yaml.safe_dump_all(docs)
    assert parse_documents(text, "f.yaml") == pyyaml(text) == docs


@given(documents_of(st.floats(allow_nan=False, allow_infinity=False)))
def test_what_yaml_holds_is_stored_as_the_json_the_standard_library_writes(doc: Any) -> None:
    # big integers, keys that are not text, dates and times included (a date is its text)
    assert json.loads(jsontext.dumps(doc)) == json.loads(json.dumps(doc, default=str))


def test_stored_json_is_compact_utf8_text() -> None:
    when = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    doc = {"name": "café", "at": when, 2: [2**70]}
    assert jsontext.dumps(doc) == f'{{"name":"café","at":"{when}","2":[{2**70}]}}'
    # YAML's .inf and .nan have no JSON (PostgreSQL refuses `Infinity`): they are stored as null
    assert (
        jsontext.dumps(parse_documents("x: .inf\ny: .nan\n", "f.yaml")[0]) == '{"x":null,"y":null}'
    )


TRICKY = """\
defaults: &defaults {owner: team-a, tags: [x, y]}
component:
  <<: *defaults
  name: svc
shared: [*defaults, *defaults]
when: 2024-01-02
at: 2024-01-02T03:04:05Z
numbers: {2: two, false: no, 0x10: sixteen, ~: nothing}
quoted: ["1", "yes", 'null']
block: |
  two
  lines
set: !!set {a, b}
---
- &list [1, 2]
- *list
"""


def test_aliases_merge_keys_typed_keys_and_tags_load_as_pyyaml_loads_them() -> None:
    loaded = parse_documents(TRICKY, "f.yaml")
    assert loaded == pyyaml(TRICKY)
    first, second = loaded
    assert first["component"] == {"owner": "team-a", "tags": ["x", "y"], "name": "svc"}
    assert first["shared"][0] is first["shared"][1]  # an alias is the anchored object
    assert second[0] is second[1]
    assert first["when"] == datetime.date(2024, 1, 2)
    assert first["numbers"] == {2: "two", False: False, 16: "sixteen", None: "nothing"}
    assert first["quoted"] == ["1", "yes", "null"]
    assert first["set"] == {"a", "b"}


def test_a_recursive_alias_loads_as_the_object_itself() -> None:
    loaded = parse_documents("&me {name: x, self: *me}", "f.yaml")
    assert loaded[0]["self"] is loaded[0]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("? [a, b]\n: unhashable\n", "unhashable"),
        ("a: !!python/object:os.system {}\n", "could not determine a constructor"),
        ("a: [unclosed\n", "malformed YAML at line"),
    ],
)
def test_what_pyyaml_refuses_is_refused_with_its_reason(text: str, words: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_documents(text, "f.yaml")
    assert words in str(raised.value)
