"""Running a Backstage template's steps in Paved.

The steps that make files run here, in order: `fetch:template`, `fetch:plain` and
`catalog:write`. The steps that act on the world are Paved's own: `publish:*` is the service's
repository (Paved's git provider makes it in the request's repository step) and
`catalog:register` its catalog step. Those steps get the outputs Backstage gives them
(`remoteUrl`, `repoContentsUrl`, `entityRef`) so later expressions and `spec.output` render.
An action Paved does not know fails the template before anything is made.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from paved.core.errors import InputError
from paved.templates.expressions import render_value
from paved.templates.fetching import FetchInput, fetch, safe_path
from paved.templates.library import TemplateInfo

FETCH_ACTIONS = ("fetch:template", "fetch:plain")
PAVED_ACTIONS = ("catalog:register", "catalog:write", "debug:log")


@dataclass(frozen=True)
class Publication:
    """Where the repository is published and what it is registered as, known before it exists."""

    repository_url: str
    entity_ref: str
    default_branch: str = "main"


@dataclass
class RunResult:
    """The files the template made, each step's output, and its rendered `spec.output`."""

    files: dict[str, str] = field(default_factory=dict)
    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    output: Any = None
    skipped: list[str] = field(default_factory=list)


def is_supported(action: str) -> bool:
    return action in FETCH_ACTIONS or action in PAVED_ACTIONS or action.startswith("publish:")


def check_actions(template: TemplateInfo) -> None:
    """`InputError` naming the first step whose action Paved cannot run."""
    for index, step in enumerate(template.steps):
        action = str(step.get("action") or "")
        if not is_supported(action):
            raise InputError(
                f"template {template.name}: step {step.get('id') or index} uses action "
                f"{action!r}, which Paved does not run (it runs fetch:template, fetch:plain, "
                "publish:*, catalog:register, catalog:write, debug:log)",
                field="template",
            )


def run(
    template: TemplateInfo,
    parameters: Mapping[str, Any],
    publication: Publication,
    extra: Mapping[str, Any] | None = None,
) -> RunResult:
    """Run every step in order; `extra` adds context (Paved's own `paved` object)."""
    check_actions(template)
    result = RunResult()
    context: dict[str, Any] = {
        "parameters": dict(parameters),
        "steps": result.steps,
        **(extra or {}),
    }
    for index, step in enumerate(template.steps):
        step_id = str(step.get("id") or f"step{index}")
        where = f"template {template.name}: step {step_id}"
        if "if" in step and not _truthy(render_value(step["if"], context, f"{where}.if")):
            result.skipped.append(step_id)
            continue
        given = step.get("input", step.get("parameters")) or {}
        step_input = render_value(given, context, f"{where}.input")
        if not isinstance(step_input, Mapping):
            raise InputError(f"{where}: input must be a mapping", field="template")
        action = str(step["action"])
        result.steps[step_id] = {"output": _act(template, action, step_input, publication, result)}
    spec = template.entity.get("spec") or {}
    if "output" in spec:
        result.output = render_value(spec["output"], context, f"template {template.name}: output")
    return result


def _act(
    template: TemplateInfo,
    action: str,
    given: Mapping[str, Any],
    publication: Publication,
    result: RunResult,
) -> dict[str, Any]:
    if action in FETCH_ACTIONS:
        result.files.update(
            fetch(template.path, template.name, FetchInput.from_step(action, given))
        )
        return {}
    if action.startswith("publish:"):
        url = publication.repository_url
        return {
            "remoteUrl": url,
            "repoContentsUrl": f"{url}#{publication.default_branch}",
            "defaultBranch": publication.default_branch,
        }
    if action == "catalog:register":
        return {"entityRef": publication.entity_ref, "catalogInfoUrl": publication.repository_url}
    if action == "catalog:write":
        path = safe_path(str(given.get("filePath") or "catalog-info.yaml"))
        entity = given.get("entity") or {}
        result.files[path] = yaml.safe_dump(entity, sort_keys=False)
        return {}
    return {}  # debug:log: nothing to do


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() not in ("", "false", "0", "none", "null", "undefined")
    return bool(value)
