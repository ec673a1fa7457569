"""`paved team …`, `paved token …` and `paved whoami`: teams, members, API tokens, identity."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from paved.cli import UsageError, client_from
from paved.cli.output import (
    OutputFormat,
    OutputOption,
    emit,
    money,
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
CostCenterOption = Annotated[
    str | None, typer.Option(help="Tagged on the team's resources as cost-center.")
]
BudgetOption = Annotated[
    float | None, typer.Option(min=0, help="Monthly budget in USD that policy enforces.")
]


def _team_view(team: TeamPublic) -> Text:
    members = ", ".join(f"{u} ({r})" for u, r in sorted(team.members.items())) or "no members"
    budget = money(team.monthly_budget) if team.monthly_budget is not None else "no budget"
    cost_center = team.cost_center or "no cost center"
    return Text(
        f"team {team.name}: {members}\n"
        f"{cost_center}; spends {money(team.monthly_spend)}/month of {budget}"
    )


@team_app.command("create")
def create_team(
    ctx: typer.Context,
    name: TeamName,
    title: Annotated[str, typer.Option(help="Human-readable title.")] = "",
    cost_center: CostCenterOption = None,
    budget: BudgetOption = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Create a team (admins only)."""
    with client_from(ctx) as client:
        team = client.create_team(name, title, cost_center=cost_center, monthly_budget=budget)
    emit(team, output, _team_view)


@team_app.command("update")
def update_team(
    ctx: typer.Context,
    name: TeamName,
    title: Annotated[str | None, typer.Option(help="Human-readable title.")] = None,
    cost_center: CostCenterOption = None,
    budget: BudgetOption = None,
    no_budget: Annotated[bool, typer.Option("--no-budget", help="Remove the budget.")] = False,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Change a team's title, cost center or monthly budget (admins only)."""
    changes: dict[str, str | float | None] = {}
    if title is not None:
        changes["title"] = title
    if cost_center is not None:
        changes["cost_center"] = cost_center
    if budget is not None and no_budget:
        raise UsageError("give --budget or --no-budget, not both")
    if budget is not None or no_budget:
        changes["monthly_budget"] = budget
    if not changes:
        raise UsageError("nothing to change: give --title, --cost-center, --budget or --no-budget")
    with client_from(ctx) as client:
        emit(client.update_team(name, **changes), output, _team_view)


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
