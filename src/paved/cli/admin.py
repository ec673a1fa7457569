"""`paved team …`, `paved token …` and `paved whoami`: teams, members, API tokens, identity."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from paved.cli import client_from
from paved.cli.output import (
    OutputFormat,
    OutputOption,
    emit,
    print_json,
    teams_table,
    warn,
    whoami_view,
)
from paved.core.states import TeamRole
from paved.schemas.teams import TeamPublic

team_app = typer.Typer(help="Create teams and manage their members.", no_args_is_help=True)
token_app = typer.Typer(help="Create API tokens.", no_args_is_help=True)

TeamName = Annotated[str, typer.Argument(help="Team name: a DNS-1123 label.")]


def _team_view(team: TeamPublic) -> Text:
    members = ", ".join(f"{u} ({r})" for u, r in sorted(team.members.items())) or "no members"
    return Text(f"team {team.name}: {members}")


@team_app.command("create")
def create_team(
    ctx: typer.Context,
    name: TeamName,
    title: Annotated[str, typer.Option(help="Human-readable title.")] = "",
    output: OutputOption = OutputFormat.table,
) -> None:
    """Create a team (admins only)."""
    with client_from(ctx) as client:
        emit(client.create_team(name, title), output, _team_view)


@team_app.command("list")
def list_teams(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """List teams and their members."""
    with client_from(ctx) as client:
        emit(client.list_teams(), output, teams_table)


@team_app.command("add-member")
def add_member(
    ctx: typer.Context,
    team: TeamName,
    user: Annotated[str, typer.Argument(help="User name; the user is created if new.")],
    role: Annotated[TeamRole, typer.Option(help="Role in the team.")] = TeamRole.member,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Add a user to a team, or change their role in it."""
    with client_from(ctx) as client:
        emit(client.add_member(team, user, role), output, _team_view)


@token_app.command("create")
def create_token(
    ctx: typer.Context,
    user: Annotated[str, typer.Argument(help="Whose token.")],
    name: Annotated[str, typer.Option(help="A name to tell tokens apart.")] = "default",
    output: OutputOption = OutputFormat.table,
) -> None:
    """Create an API token for a user and print it; it is shown only this once."""
    with client_from(ctx) as client:
        created = client.create_token(user, name)
    if output == OutputFormat.json:
        print_json(created)
        return
    typer.echo(created.token)
    warn(f"token {created.name!r} of {created.user}: store it now, it will not be shown again")
    warn("use it with: export PAVED_TOKEN=<token>")


def whoami(ctx: typer.Context, output: OutputOption = OutputFormat.table) -> None:
    """Show who the token belongs to and their teams."""
    with client_from(ctx) as client:
        emit(client.whoami(), output, whoami_view)
