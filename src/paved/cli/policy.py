"""`paved policy …`: ask policy about a request, and test a policy directory.

`eval` asks the server (the policies in force, the team's real spend and budget) or, with
`--input`, evaluates an input document locally; `check` compiles a directory and runs its Rego
tests, for a platform team's own CI. Exit codes: 0 allowed or waiting for approval, 1 denied
or failed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from paved.cli import UsageError, client_from
from paved.cli.output import OutputFormat, OutputOption, money, print_json
from paved.cli.services import DEFAULT_TEMPLATE, build_spec
from paved.policy.deciding import PolicyEngine
from paved.policy.testing import PolicyTestReport, run_policy_tests
from paved.schemas.policy import CostFacts, Decision, Outcome

app = typer.Typer(help="Ask policy about a request; test policies.", no_args_is_help=True)


@app.command("eval")
def evaluate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Service name the request would have.")] = "example",
    template: Annotated[str, typer.Option("--template", "-t")] = DEFAULT_TEMPLATE,
    team: Annotated[str | None, typer.Option(help="Owning team.")] = None,
    env: Annotated[str, typer.Option("--env", "-e", help="Environment.")] = "dev",
    tag: Annotated[list[str] | None, typer.Option(metavar="KEY=VALUE")] = None,
    with_: Annotated[
        list[str] | None, typer.Option("--with", metavar="TYPE[:KEY=VALUE,...]")
    ] = None,
    input_file: Annotated[
        Path | None,
        typer.Option("--input", help="Evaluate this input document (JSON) locally instead."),
    ] = None,
    directory: Annotated[
        Path | None, typer.Option("--dir", help="With --input: policies over the shipped ones.")
    ] = None,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Would this request be allowed, and why? Nothing is created."""
    if input_file is not None:
        decision = _evaluate_locally(input_file, directory)
        cost: CostFacts | None = None
    else:
        if team is None:
            raise UsageError("give --team (or --input FILE to evaluate a document locally)")
        spec = build_spec(
            name=name,
            template=template,
            team=team,
            environment=env,
            description="",
            tags=tag or [],
            params=[],
            resources=with_ or [],
        )
        with client_from(ctx) as client:
            evaluation = client.evaluate_policy(spec)
        decision, cost = evaluation.decision, evaluation.cost
        if output == OutputFormat.json:
            print_json(evaluation)
    if output == OutputFormat.json and cost is None:
        print_json(decision)
    elif output == OutputFormat.table:
        _show_decision(decision, cost)
    if decision.outcome is Outcome.deny:
        raise typer.Exit(1)


def _evaluate_locally(path: Path, directory: Path | None) -> Decision:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise UsageError(f"--input {path}: {err}") from None
    if not isinstance(document, dict):
        raise UsageError(f"--input {path}: expected a JSON object (the input document)")
    return PolicyEngine.from_directory(directory, check_interval=None).decide_json(document)


def _show_decision(decision: Decision, cost: CostFacts | None) -> None:
    for line in decision.summary().splitlines():
        typer.echo(line)
    for notification in decision.notifications:
        typer.echo(f"notify {notification.to}: {notification.message}")
    if cost is not None:
        budget = cost.team_budget_monthly
        limit = f" of a {money(budget)} budget" if budget is not None else ""
        typer.echo(
            f"estimated cost {money(cost.estimate_monthly)}/month; the team spends "
            f"{money(cost.team_spend_monthly)}/month{limit}"
        )


@app.command("check")
def check(
    directory: Annotated[Path, typer.Argument(help="a directory of .rego files and their tests")],
    output: OutputOption = OutputFormat.table,
) -> None:
    """Compile DIR over the shipped policies and run its `test_` rules; exit 1 unless all pass."""
    report = run_policy_tests(directory)
    if output == OutputFormat.json:
        typer.echo(json.dumps(asdict(report), indent=2))
    else:
        _show(report)
    if not report.ok:
        raise typer.Exit(1)


def _show(report: PolicyTestReport) -> None:
    console = Console()
    for problem in report.problems:
        console.print(f"[red]error[/red] {problem}")
    table = Table("TEST", "FILE", "RESULT", "MESSAGE", box=None)
    for result in report.results:
        colour = "green" if result.passed else "red"
        where = f"{result.file}:{result.line}"
        table.add_row(result.name, where, f"[{colour}]{result.outcome}[/{colour}]", result.message)
    if report.results:
        console.print(table)
    passed = len(report.results) - len(report.failed)
    console.print(f"{passed} passed, {len(report.failed)} failed, {len(report.problems)} errors")
