"""The `paved` command line, a thin client of the Platform API (Typer commands, Rich output).

This module holds what every command group shares: the global options and the client they build.
"""

from __future__ import annotations

from dataclasses import dataclass

import typer

from paved.client import PavedClient


class UsageError(Exception):
    """A command-line value the CLI could not make sense of; shown as one line, exit code 2."""


@dataclass(frozen=True)
class Globals:
    """The root options (`--url`, `--token`); None means: from the environment."""

    url: str | None = None
    token: str | None = None


def client_from(ctx: typer.Context) -> PavedClient:
    """A client for the server the root options point at (use it in a `with` block)."""
    found = ctx.find_root().obj
    options = found if isinstance(found, Globals) else Globals()
    return PavedClient.from_environment(options.url, options.token)
