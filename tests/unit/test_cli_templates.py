"""The CLI's prompts for template parameters: only what is needed, typed by the schema."""

from __future__ import annotations

from typing import Any

import pytest

from paved.cli import UsageError
from paved.cli.templates import coerce, missing_parameters
from paved.schemas.templates import TemplatePublic

SCHEMA = {
    "type": "object",
    "required": ["component_id", "replicas", "region", "port", "owner"],
    "properties": {
        "component_id": {"type": "string", "ui:field": "EntityNamePicker"},
        "owner": {"type": "string"},
        "replicas": {"type": "integer", "title": "Replicas"},
        "region": {"type": "string", "enum": ["eu", "us"]},
        "port": {"type": "integer", "default": 8000},
        "notes": {"type": "string"},
    },
}


def template() -> TemplatePublic:
    return TemplatePublic(
        name="t",
        title="T",
        description="",
        type="service",
        tags=[],
        version="1",
        source="shipped",
        parameters=SCHEMA,
        parameter_steps=[SCHEMA],
        provided=["component_id", "owner"],
        steps=[],
    )


def test_asks_only_for_required_parameters_nobody_fills() -> None:
    asked: list[str] = []

    def ask(label: str, default: Any) -> str:
        asked.append(label)
        return "3" if label == "Replicas" else "eu"

    answers = missing_parameters(template(), {"region": "us"}, ask)
    assert asked == ["Replicas"]
    assert answers == {"replicas": 3}


def test_enum_choices_are_shown() -> None:
    asked: list[str] = []
    missing_parameters(template(), {"replicas": 1}, lambda label, _: asked.append(label) or "eu")
    assert asked == ["region (eu, us)"]


@pytest.mark.parametrize(
    ("prop", "answer", "value"),
    [
        ({"type": "integer"}, "3", 3),
        ({"type": "number"}, "2.5", 2.5),
        ({"type": "boolean"}, "yes", True),
        ({"type": "array"}, '["a"]', ["a"]),
        ({"type": "string"}, "x", "x"),
    ],
)
def test_answers_take_the_schema_type(prop: dict[str, Any], answer: str, value: Any) -> None:
    assert coerce("k", prop, answer) == value


def test_a_bad_typed_answer_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="not of type integer"):
        coerce("replicas", {"type": "integer"}, "three")
