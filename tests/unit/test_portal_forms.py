"""The create form: fields from a JSON Schema, typed values back, API error names to controls."""

from __future__ import annotations

import pytest

from paved.portal.creating_form import api_field
from paved.portal.schemaforms import fields_of, values_of

SCHEMA = {
    "type": "object",
    "required": ["owner"],
    "properties": {
        "python_version": {"type": "string", "enum": ["3.11", "3.12"], "default": "3.12"},
        "port": {"type": "integer", "minimum": 1024, "default": 8000, "title": "Port"},
        "owner": {"type": "string", "title": "Owner"},
        "metrics": {"type": "boolean"},
    },
}


def test_each_property_becomes_a_control_in_order() -> None:
    fields = fields_of(SCHEMA)
    assert [(f.key, f.widget, f.required) for f in fields] == [
        ("python_version", "select", False),
        ("port", "number", False),
        ("owner", "text", True),
        ("metrics", "checkbox", False),
    ]
    assert fields[0].options == ("3.11", "3.12")
    assert fields[1].name == "parameters.port"


@pytest.mark.parametrize(
    ("form", "values", "errors"),
    [
        pytest.param(
            {"parameters.port": "9000", "parameters.owner": "me", "parameters.metrics": "on"},
            {"port": 9000, "owner": "me", "metrics": True},
            {},
            id="typed values",
        ),
        pytest.param(
            {"parameters.port": "", "parameters.owner": "me"},
            {"owner": "me", "metrics": False},
            {},
            id="empty optional left to its default",
        ),
        pytest.param(
            {"parameters.port": "eighty", "parameters.owner": " "},
            {"metrics": False},
            {
                "parameters.port": "Port must be a whole number",
                "parameters.owner": "Owner is required",
            },
            id="wrong type and missing required",
        ),
    ],
)
def test_values_are_typed_or_explained(
    form: dict[str, str], values: dict[str, object], errors: dict[str, str]
) -> None:
    assert values_of(fields_of(SCHEMA), form) == (values, errors)


BODY = {"resources": [{"type": "postgres"}, {"type": "redis"}]}


@pytest.mark.parametrize(
    ("name", "control"),
    [
        pytest.param("name", "name", id="plain field"),
        pytest.param("parameters.port", "parameters.port", id="parameter"),
        pytest.param("resources.1.size", "size.redis", id="a resource's size"),
        pytest.param("resources.0.type", "resource.postgres", id="a resource's type"),
        pytest.param("resources.7", "resources", id="unknown index"),
        pytest.param("template", "", id="form as a whole"),
    ],
)
def test_api_error_names_map_to_controls(name: str, control: str) -> None:
    assert api_field(name, BODY) == control
