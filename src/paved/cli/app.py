"""The root `paved` command: global options, the command groups, and the CLI's one error edge."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from paved.cli import (
    Globals,
    UsageError,
    admin,
    approvals,
    catalog,
    policy,
    requests,
    services,
    templates,
    up,
)
from paved.cli.output import error_line
from paved.client import DEFAULT_URL, ClientError


class EdgeGroup(TyperGroup):
    """Catches errors once, at the edge: each becomes one line on stderr and an exit code.

    API and connection errors exit 1; bad option values the CLI parses itself exit 2, like
    Typer's own usage errors.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except UsageError as err:
            typer.echo(error_line(err), err=True)
            raise typer.Exit(2) from None
        except ClientError as err:
            typer.echo(error_line(err), err=True)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=EdgeGroup,
    name="paved",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        try:
            typer.echo(f"paved {version('paved')}")
        except PackageNotFoundError:
            typer.echo("paved (not installed)")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    url: Annotated[
        str | None,
        typer.Option(envvar="PAVED_URL", help=f"Paved's address (default {DEFAULT_URL})."),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="PAVED_TOKEN",
            help="API token (default: the file $PAVED_HOME/admin-token, if any).",
        ),
    ] = None,
    show_version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version."),
    ] = False,
) -> None:
    """Paved: ask for a service with what it needs, and get it really provisioned."""
    ctx.obj = Globals(url=url, token=token)


app.add_typer(services.app, name="service")
app.add_typer(requests.app, name="request")
app.add_typer(admin.team_app, name="team")
app.add_typer(admin.token_app, name="token")
app.add_typer(approvals.app, name="approvals")
app.add_typer(policy.app, name="policy")
app.add_typer(templates.app, name="template")
app.add_typer(catalog.app, name="catalog")
app.command("whoami")(admin.whoami)
app.command("up")(up.up)


def main() -> None:
    """The `paved` console script."""
    app()
