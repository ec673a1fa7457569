"""The command answers --version, health and its example command."""

from typer.testing import CliRunner

from ${{ values.package }} import __version__
from ${{ values.package }}.cli import app

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"${{ values.command }} {__version__}"


def test_health_says_ok() -> None:
    result = runner.invoke(app, ["health"])
    assert result.exit_code == 0
    assert result.output.startswith("ok: ")


def test_hello_greets() -> None:
    result = runner.invoke(app, ["hello", "Ada"])
    assert result.exit_code == 0
    assert result.output == "Hello, Ada!\n"
