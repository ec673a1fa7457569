"""`paved template …`: list the golden paths, show one's parameters, see which services drift.

Also the prompts `paved service create` asks for a template's parameters that were not given.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Annotated, Any

import typer
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from paved.cli import UsageError, client_from
from paved.cli.output import OutputFormat, OutputOption, emit, table_of
from paved.schemas.templates import TemplateDrift, TemplatePublic, TemplatesPublic, UpgradePublic

app = typer.Typer(
    help="List golden-path templates and show their parameters.", no_args_is_help=True
)


@app.command("list")
def list_templates(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """List the templates services can be made from."""
    with client_from(ctx) as client:
        emit(client.list_templates(), output, templates_table)


@app.command("show")
def show_template(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template name, e.g. python-api.")],
    output: OutputOption = OutputFormat.table,
) -> None:
    """Show a template: what it makes, its version and the parameters it takes."""
    with client_from(ctx) as client:
        emit(client.get_template(name), output, template_view)


@app.command("refresh")
def refresh_templates(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """Fetch the configured template repositories again (admins only), then list templates."""
    with client_from(ctx) as client:
        emit(client.refresh_templates(), output, templates_table)


def templates_table(page: TemplatesPublic) -> RenderableType:
    if not page.data:
        return Text("no templates")
    table = table_of("NAME", "VERSION", "TYPE", "RESOURCES", "SOURCE", "DESCRIPTION")
    for t in page.data:
        resources = "any" if t.resources is None else ", ".join(t.resources) or "none"
        table.add_row(
            Text(t.name),
            Text(t.version),
            Text(t.type),
            Text(resources),
            Text(t.source),
            Text(t.description),
        )
    return table


def template_view(template: TemplatePublic) -> RenderableType:
    facts = Table.grid(padding=(0, 3))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    resources = "any" if template.resources is None else ", ".join(template.resources) or "none"
    for field, value in (
        ("name", template.name),
        ("title", template.title),
        ("version", template.version),
        ("type", template.type),
        ("source", template.source),
        ("resources", resources),
        ("steps", ", ".join(f"{s.id} ({s.action})" for s in template.steps)),
        ("description", template.description),
    ):
        facts.add_row(Text(field), Text(value))
    properties: Mapping[str, Any] = template.parameters.get("properties", {})
    if not properties:
        return Group(facts, Text(""), Text("no parameters"))
    required = set(template.parameters.get("required", []))
    table = table_of("PARAMETER", "TYPE", "REQUIRED", "DEFAULT", "DESCRIPTION")
    for key, prop in properties.items():
        default = "from the service" if key in template.provided else _shown(prop.get("default"))
        kind = str(prop.get("type", ""))
        if "enum" in prop:
            kind += " (" + " | ".join(_shown(v) for v in prop["enum"]) + ")"
        table.add_row(
            Text(key),
            Text(kind),
            Text("yes" if key in required else ""),
            Text(default),
            Text(str(prop.get("description") or prop.get("title") or "")),
        )
    return Group(facts, Text(""), table)


def _shown(value: Any) -> str:
    return "" if value is None else value if isinstance(value, str) else json.dumps(value)


Ask = Callable[[str, Any], str]


def missing_parameters(
    template: TemplatePublic, given: Mapping[str, Any], ask: Ask
) -> dict[str, Any]:
    """Ask for each required parameter that is neither given, defaulted nor filled by Paved."""
    properties: Mapping[str, Any] = template.parameters.get("properties", {})
    answers: dict[str, Any] = {}
    for key in template.parameters.get("required", []):
        prop = properties.get(key, {})
        if key in given or key in template.provided or "default" in prop:
            continue
        label = str(prop.get("title") or key)
        if "enum" in prop:
            label += " (" + ", ".join(_shown(v) for v in prop["enum"]) + ")"
        answers[key] = coerce(key, prop, ask(label, None))
    return answers


def coerce(key: str, prop: Mapping[str, Any], answer: str) -> Any:
    """A typed answer for the parameter's JSON Schema type; the server validates the rest."""
    kind = prop.get("type")
    try:
        if kind == "integer":
            return int(answer)
        if kind == "number":
            return float(answer)
    except ValueError:
        raise UsageError(f"{key}: {answer!r} is not of type {kind}") from None
    if kind == "boolean":
        return answer.strip().lower() in ("y", "yes", "true", "1")
    if kind in ("array", "object"):
        try:
            return json.loads(answer)
        except ValueError:
            raise UsageError(f"{key}: give the {kind} as JSON") from None
    return answer


@app.command("drift")
def show_drift(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Template name.")],
    output: OutputOption = OutputFormat.table,
) -> None:
    """List the services made from a template that are not on its current version."""
    with client_from(ctx) as client:
        emit(client.template_drift(name), output, drift_table)


def drift_table(drift: TemplateDrift) -> RenderableType:
    if not drift.data:
        return Text(f"every service made from {drift.template} is on {drift.version}")
    table = table_of("SERVICE", "TEAM", "VERSION", f"CURRENT ({drift.version})", "UPGRADE BRANCH")
    for usage in drift.data:
        pending = f"{usage.pending_version} (not merged)" if usage.pending_version else ""
        table.add_row(
            Text(usage.service),
            Text(usage.team),
            Text(usage.version or "unrecorded"),
            Text(pending),
            Text(usage.pending_branch or ""),
        )
    return table


def upgrade_view(upgrade: UpgradePublic) -> RenderableType:
    lines = [
        f"{upgrade.service}: {upgrade.template} {upgrade.from_version or 'unrecorded'}"
        f" -> {upgrade.to_version}: {upgrade.status}",
        upgrade.message,
    ]
    if upgrade.branch:
        lines.append(f"git fetch origin {upgrade.branch} && git merge origin/{upgrade.branch}")
    return Text("\n".join(lines))
