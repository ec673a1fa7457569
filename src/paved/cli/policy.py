"""`paved policy check DIR`: compile a policy directory and run its Rego tests, locally.

For a platform team's own CI: no server is needed, the exit code says whether all passed.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from paved.cli.output import OutputFormat, OutputOption
from paved.policy.testing import PolicyTestReport, run_policy_tests

app = typer.Typer(help="Check policies.", no_args_is_help=True)


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
