"""The `${{ values.command }}` command."""

import platform
from typing import Annotated

import typer

from ${{ values.package }} import __version__

app = typer.Typer(help=${{ (values.description or "The " ~ values.command ~ " command.") | tojson }}, no_args_is_help=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"${{ values.command }} {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version.")
    ] = False,
) -> None:
    """${{ values.command }}: run `${{ values.command }} COMMAND --help` for a command's options."""


@app.command()
def hello(name: Annotated[str, typer.Argument(help="Who to greet.")] = "world") -> None:
    """Greet someone: replace with the tool's real commands."""
    typer.echo(f"Hello, {name}!")


@app.command()
def health() -> None:
    """Check that the tool runs here: prints its version and Python's, exits 0."""
    typer.echo(f"ok: ${{ values.command }} {__version__} on Python {platform.python_version()}")
