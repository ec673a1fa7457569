"""Forms generated from a JSON Schema: one field per property, and the typed values submitted.

Only what a template's parameter schema uses is supported (string, integer, number, boolean,
enums, defaults, bounds, patterns); the API validates the values against the full schema and
its messages are shown next to the fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

PREFIX = "parameters."


@dataclass(frozen=True)
class SchemaField:
    """One form control for one schema property."""

    key: str
    label: str
    widget: str  # text, number, select, checkbox
    type: str
    required: bool
    description: str = ""
    default: Any = None
    options: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    pattern: str | None = None

    @property
    def name(self) -> str:
        """The control's name, which is also how the API names it in its errors."""
        return PREFIX + self.key

    @property
    def dom_id(self) -> str:
        return "f-" + self.name.replace(".", "-")

    def shown(self, submitted: Mapping[str, Any]) -> str:
        """What the control shows: what was submitted, else the default."""
        if self.name in submitted:
            return str(submitted[self.name])
        if self.default is None:
            return ""
        if isinstance(self.default, bool):
            return "on" if self.default else ""
        return str(self.default)


def fields_of(schema: Mapping[str, Any]) -> list[SchemaField]:
    """The form fields of an object schema, in the order its properties are written."""
    properties: Mapping[str, Any] = schema.get("properties") or {}
    required = set(schema.get("required") or ())
    return [
        _field(key, prop, key in required)
        for key, prop in properties.items()
        if isinstance(prop, Mapping)
    ]


def _field(key: str, prop: Mapping[str, Any], required: bool) -> SchemaField:
    kind = str(prop.get("type", "string"))
    if "enum" in prop:
        widget = "select"
    elif kind == "boolean":
        widget = "checkbox"
    elif kind in ("integer", "number"):
        widget = "number"
    else:
        widget = "text"
    return SchemaField(
        key=key,
        label=str(prop.get("title") or key.replace("_", " ").capitalize()),
        widget=widget,
        type=kind,
        required=required,
        description=str(prop.get("description") or ""),
        default=prop.get("default"),
        options=tuple(str(o) for o in prop.get("enum") or ()),
        minimum=prop.get("minimum"),
        maximum=prop.get("maximum"),
        pattern=prop.get("pattern"),
    )


def values_of(
    fields: list[SchemaField], form: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The typed parameter values submitted, and a reason for each field that is not its type.

    An empty optional field is left out, so the template's default applies.
    """
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in fields:
        raw = form.get(item.name, "")
        if item.widget == "checkbox":
            values[item.key] = raw == "on"
            continue
        if raw.strip() == "":
            if item.required:
                errors[item.name] = f"{item.label} is required"
            continue
        try:
            values[item.key] = _typed(item.type, raw.strip())
        except ValueError:
            errors[item.name] = f"{item.label} must be {_NOUNS.get(item.type, 'a value')}"
    return values, errors


_NOUNS = {"integer": "a whole number", "number": "a number"}


def _typed(kind: str, raw: str) -> Any:
    if kind == "integer":
        return int(raw)
    if kind == "number":
        return float(raw)
    return raw
