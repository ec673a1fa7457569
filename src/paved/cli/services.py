"""`paved service …`: create, list, show, delete services and read their credentials.

Also the parsers of `--tag`, `--param` and `--with`; the server validates everything else.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Annotated, Any

import typer

from paved.cli import UsageError, client_from
from paved.cli.output import (
    OutputFormat,
    OutputOption,
    credentials_table,
    emit,
    service_view,
    services_table,
)
from paved.cli.templates import missing_parameters, upgrade_view
from paved.cli.watching import track
from paved.schemas.services import ResourceSpec, ServiceCreate

app = typer.Typer(help="Create, inspect and delete services.", no_args_is_help=True)

WITH_USAGE = "use TYPE[:KEY=VALUE,...], e.g. --with postgres or --with redis:size=medium,name=cache"
DEFAULT_TEMPLATE = "python-api"
RESOURCE_TYPE = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def parse_pairs(values: list[str], option: str, example: str) -> dict[str, str]:
    """`["k=v", …]` as a dict; a value may contain `=`, a key may not be empty or repeated."""
    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"{option} {item!r}: expected KEY=VALUE, e.g. {option} {example}")
        if key in pairs:
            raise UsageError(f"{option} {key!r} is given twice; give each key once")
        pairs[key] = value
    return pairs


def parse_parameters(values: list[str]) -> dict[str, Any]:
    """Template parameters: `k=v` gives the string v, `k:=JSON` a typed value (`n:=3`)."""
    raw = parse_pairs(values, "--param", "region=eu or replicas:=3")
    parameters: dict[str, Any] = {}
    for key, value in raw.items():
        name = key.removesuffix(":")
        if name in parameters:
            raise UsageError(f"--param {name!r} is given twice; give each key once")
        if name == key:
            parameters[name] = value
            continue
        try:
            parameters[name] = json.loads(value)
        except ValueError:
            raise UsageError(
                f"--param {key}={value}: not JSON; use {name}=text for a string"
            ) from None
    return parameters


def parse_with(value: str) -> ResourceSpec:
    """`TYPE[:k=v,...]` as a resource: keys name and size fill those fields, others go to params.

    Only the syntax is checked here; the API validates the values.
    """
    kind, sep, rest = value.partition(":")
    kind = kind.strip()
    if not RESOURCE_TYPE.fullmatch(kind):
        raise UsageError(f"--with {value!r}: missing or invalid resource type; {WITH_USAGE}")
    if sep and not rest.strip():
        raise UsageError(f"--with {value!r}: nothing after ':'; {WITH_USAGE}")
    fields: dict[str, str] = {}
    for item in rest.split(",") if rest else []:
        key, eq, val = item.partition("=")
        key = key.strip()
        if not eq or not key:
            raise UsageError(f"--with {value!r}: {item!r} is not KEY=VALUE; {WITH_USAGE}")
        if key in fields:
            raise UsageError(f"--with {value!r}: {key!r} is given twice; {WITH_USAGE}")
        fields[key] = val.strip()
    values: dict[str, Any] = {"type": kind, "name": fields.pop("name", None)}
    if "size" in fields:
        values["size"] = fields.pop("size")
    return ResourceSpec.model_construct(**values, params=fields)


def build_spec(
    *,
    name: str,
    template: str,
    team: str,
    environment: str,
    description: str,
    tags: list[str],
    params: list[str],
    resources: list[str],
) -> ServiceCreate:
    """The create-service body from the command line, unvalidated: the API is the judge."""
    return ServiceCreate.model_construct(
        name=name,
        template=template,
        team=team,
        environment=environment,
        description=description,
        tags=parse_pairs(tags, "--tag", "tier=backend"),
        parameters=parse_parameters(params),
        resources=[parse_with(item) for item in resources],
    )


@app.command("create")
def create_service(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name: a DNS-1123 label.")],
    team: Annotated[str, typer.Option(help="Owning team.")],
    template: Annotated[
        str, typer.Option("--template", "-t", help="Golden-path template.")
    ] = DEFAULT_TEMPLATE,
    env: Annotated[str, typer.Option("--env", "-e", help="Environment.")] = "dev",
    description: Annotated[str, typer.Option(help="One line about the service.")] = "",
    tag: Annotated[
        list[str] | None, typer.Option(metavar="KEY=VALUE", help="A tag; repeatable.")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="Template parameter (KEY:=JSON for typed values)."),
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            metavar="TYPE[:KEY=VALUE,...]",
            help="A resource, e.g. postgres or redis:size=medium,name=cache; repeatable.",
        ),
    ] = None,
    idempotency_key: Annotated[
        str | None, typer.Option(help="Sending the same key again never creates twice.")
    ] = None,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Return once accepted.")] = False,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Create a service from a golden-path template, with the resources it needs.

    Asks for the template's required parameters that are not given (on a terminal).
    Follows the request live until it succeeds or fails, unless --no-wait.
    """
    spec = build_spec(
        name=name,
        template=template,
        team=team,
        environment=env,
        description=description,
        tags=tag or [],
        params=param or [],
        resources=with_ or [],
    )
    with client_from(ctx) as client:
        if sys.stdin.isatty():
            asked = missing_parameters(client.get_template(template), spec.parameters, _prompt)
            spec.parameters.update(asked)
        request = client.create_service(spec, idempotency_key=idempotency_key)
        track(client, request, output, no_wait=no_wait)


def _prompt(label: str, default: Any) -> str:
    return str(typer.prompt(label, default=default))


@app.command("list")
def list_services(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """List services."""
    with client_from(ctx) as client:
        emit(client.list_services(), output, services_table)


@app.command("show")
def show_service(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name.")],
    output: OutputOption = OutputFormat.table,
) -> None:
    """Show a service and its resources."""
    with client_from(ctx) as client:
        emit(client.get_service(name), output, service_view)


@app.command("delete")
def delete_service(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    no_wait: Annotated[bool, typer.Option("--no-wait", help="Return once accepted.")] = False,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Delete a service and tear down everything it owns (repository, databases, …).

    Follows the teardown live until it settles, unless --no-wait.
    """
    if not yes:
        typer.confirm(f"Delete service {name} and all its resources?", abort=True)
    with client_from(ctx) as client:
        track(client, client.delete_service(name), output, no_wait=no_wait)


@app.command("credentials")
def show_credentials(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name.")],
    output: OutputOption = OutputFormat.table,
) -> None:
    """Show the connection secrets of a service's resources (team members only)."""
    with client_from(ctx) as client:
        emit(client.get_credentials(name), output, credentials_table)


@app.command("upgrade")
def upgrade_service(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name.")],
    param: Annotated[
        list[str] | None,
        typer.Option(metavar="KEY=VALUE", help="A parameter the new template version needs."),
    ] = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Merge the current version of the service's template into its repository, on a branch.

    Local changes survive (three-way merge); conflicting files are listed and the command
    exits 1. main is never changed: review and merge the branch.
    """
    with client_from(ctx) as client:
        upgrade = client.upgrade_service(name, parse_parameters(param or []))
    emit(upgrade, output, upgrade_view)
    if upgrade.status == "conflicts":
        raise typer.Exit(1)
