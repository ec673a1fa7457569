"""Backstage's template language on a sandboxed Jinja2: `${{ expr }}`, `{% blocks %}`, filters.

Backstage renders with Nunjucks configured for `${{ }}`; Jinja2 reads the same syntax once its
variable delimiters are changed. The environment is immutable and sandboxed: templates cannot
reach Python internals (`''.__class__`, `obj.__globals__`, …). Touching one is an error rather
than an empty string, so a hostile template fails loudly instead of half rendering.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

from jinja2 import Undefined
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from paved.core.errors import InputError

_WHOLE_EXPRESSION = re.compile(r"^\s*\$\{\{(?P<expr>(?:(?!\}\}).)*)\}\}\s*$", re.DOTALL)
DELIMITERS = ("${{", "{{", "{%")
"""Text that would start a template expression: never accepted inside a parameter value."""


class BackstageEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, with unsafe attribute access raising instead of yielding undefined."""

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        raise SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} is unsafe"
        )


@cache
def environment() -> BackstageEnvironment:
    """The one shared environment (immutable, so safe to share across threads)."""
    env = BackstageEnvironment(
        variable_start_string="${{",
        variable_end_string="}}",
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters.update(
        parseRepoUrl=parse_repo_url,
        parseEntityRef=parse_entity_ref,
        pick=pick,
        projectSlug=project_slug,
        dump=dump,
    )
    return env


def render_text(text: str, context: Mapping[str, Any]) -> str:
    """`text` rendered in `context`; Jinja errors propagate (the caller knows the file)."""
    return environment().from_string(text).render(context)


def render_value(value: Any, context: Mapping[str, Any], where: str = "input") -> Any:
    """A step input rendered like Backstage does: a string that is one whole `${{ expr }}`
    keeps the expression's type (a list stays a list); other strings render to text; lists
    and mappings render item by item."""
    if isinstance(value, str):
        try:
            match = _WHOLE_EXPRESSION.fullmatch(value)
            if match and "${{" not in match["expr"]:
                result = environment().compile_expression(match["expr"])(**context)
                return None if isinstance(result, Undefined) else result
            return render_text(value, context) if "${{" in value or "{%" in value else value
        except (TemplateError, ArithmeticError, LookupError, TypeError, ValueError) as err:
            raise InputError(f"{where}: {err}", field="template") from err
    if isinstance(value, list):
        return [render_value(item, context, f"{where}[{i}]") for i, item in enumerate(value)]
    if isinstance(value, Mapping):
        return {key: render_value(item, context, f"{where}.{key}") for key, item in value.items()}
    return value


def parse_repo_url(url: Any) -> dict[str, str]:
    """Backstage's `parseRepoUrl`: `github.com?owner=o&repo=r` as `{host, owner, repo}`."""
    text = str(url or "")
    parsed = urlsplit(text if "://" in text else f"https://{text}")
    query = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
    result = {"host": parsed.hostname or ""}
    for key in ("owner", "repo", "organization", "workspace", "project"):
        if key in query:
            result[key] = query[key]
    return result


def parse_entity_ref(ref: Any, defaults: Mapping[str, str] | None = None) -> dict[str, str]:
    """Backstage's `parseEntityRef`: `kind:namespace/name` with defaults for the missing parts."""
    defaults = defaults or {}
    text = str(ref or "")
    kind, _, rest = text.rpartition(":") if ":" in text else ("", "", text)
    namespace, _, name = rest.rpartition("/") if "/" in rest else ("", "", rest)
    return {
        "kind": kind or defaults.get("defaultKind", ""),
        "namespace": namespace or defaults.get("defaultNamespace", "default"),
        "name": name,
    }


def pick(value: Any, key: str) -> Any:
    """Backstage's `pick`: one field of an object."""
    return value.get(key) if isinstance(value, Mapping) else None


def project_slug(url: Any) -> str:
    """Backstage's `projectSlug`: `owner/repo` of a repository URL."""
    parts = parse_repo_url(url)
    return f"{parts.get('owner', '')}/{parts.get('repo', '')}"


def dump(value: Any, indent: int | None = None) -> str:
    """Nunjucks's `dump`: the value as JSON."""
    return json.dumps(value, indent=indent, default=str)


def has_delimiters(text: str) -> bool:
    """True when `text` holds something the engine would read as an expression or a block."""
    return any(mark in text for mark in DELIMITERS)
