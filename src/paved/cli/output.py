"""Rendering for the CLI: tables and views of API models, JSON output and the one-line error.

Server text is never read as Rich markup; states take their colour from `paved.core.states`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Annotated, TypeVar

import typer
from pydantic import BaseModel
from rich import box
from rich.color import Color, ColorParseError
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from paved.client import ApiError
from paved.core.states import RequestState, StepState
from paved.schemas.requests import RequestPublic, RequestsPublic, StepPublic
from paved.schemas.services import CredentialsPublic, ServicePublic, ServicesPublic
from paved.schemas.teams import TeamsPublic, WhoAmI

M = TypeVar("M", bound=BaseModel)
console = Console(highlight=False, markup=False, emoji=False)
err_console = Console(stderr=True, highlight=False, markup=False, emoji=False)


class OutputFormat(StrEnum):
    """How a command prints its result."""

    table = "table"
    json = "json"


OutputOption = Annotated[
    OutputFormat,
    typer.Option("--output", "-o", help="table for people, json for scripts (JSON only)."),
]


def print_json(model: BaseModel) -> None:
    """The model as the API sends it, indented; nothing else goes to stdout."""
    typer.echo(model.model_dump_json(indent=2))


def show(*renderables: RenderableType) -> None:
    console.print(*renderables)


def emit(model: M, output: OutputFormat, view: Callable[[M], RenderableType]) -> None:
    """A read command's result: the model as JSON, or the view of it for people."""
    if output == OutputFormat.json:
        print_json(model)
    else:
        show(view(model))


def note(message: str) -> None:
    """A plain line for people (hints, summaries) on stdout."""
    console.print(Text(message))


def warn(message: str) -> None:
    """A plain line on stderr."""
    err_console.print(Text(message), soft_wrap=True)


def error_line(err: BaseException) -> str:
    """The one line printed for an error at the CLI's edge."""
    line = " ".join(f"error: {err}".split())
    if isinstance(err, ApiError) and err.status == 401:
        line += " — pass --token or set PAVED_TOKEN"
    return line


@lru_cache(maxsize=32)
def rich_style(colour: str) -> str:
    """A Rich style for a vocabulary colour; names Rich does not know (e.g. grey) render dim."""
    try:
        Color.parse(colour)
    except ColorParseError:
        return "dim"
    return colour


def request_state(value: str) -> Text:
    try:
        state = RequestState(value)
    except ValueError:
        return Text(value)
    return Text(state.label, style=rich_style(state.colour))


def step_state(value: str) -> Text:
    try:
        state = StepState(value)
    except ValueError:
        return Text(value)
    return Text(state.label, style=rich_style(state.colour))


def utc(moment: datetime) -> datetime:
    """Aware datetimes stay as they are; naive ones from the server are UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def when(moment: datetime | None) -> str:
    return utc(moment).astimezone().strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def duration(step: StepPublic, now: datetime) -> str:
    """How long a step ran (or has been running), e.g. `0.4s`, `12s`, `3m05s`."""
    if step.started_at is None:
        return ""
    seconds = max((utc(step.finished_at or now) - utc(step.started_at)).total_seconds(), 0.0)
    if seconds < 10:
        return f"{seconds:.1f}s"
    if seconds < 60:
        return f"{seconds:.0f}s"
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}m{rest:02d}s"


def table(*columns: str) -> Table:
    """An empty table with these column headings, in the CLI's style."""
    return _table(*columns)


def _table(*columns: str) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def services_table(page: ServicesPublic) -> RenderableType:
    if not page.data:
        return Text("no services")
    table = _table("NAME", "TEAM", "ENV", "TEMPLATE", "STATE", "REPOSITORY", "UPDATED")
    for s in page.data:
        table.add_row(
            Text(s.name),
            Text(s.team),
            Text(s.environment),
            Text(s.template),
            Text(s.state),
            Text(s.repository_url or ""),
            Text(when(s.updated_at)),
        )
    return table


def service_view(service: ServicePublic) -> RenderableType:
    facts = Table.grid(padding=(0, 3))
    facts.add_column(style="bold")
    facts.add_column(overflow="fold")
    tags = ", ".join(f"{k}={v}" for k, v in sorted(service.tags.items()))
    for field, value in (
        ("name", service.name),
        ("team", service.team),
        ("environment", service.environment),
        ("template", service.template),
        ("state", service.state),
        ("repository", service.repository_url or ""),
        ("description", service.description),
        ("tags", tags),
        ("last request", service.request_id or ""),
        ("updated", when(service.updated_at)),
    ):
        facts.add_row(Text(field), Text(value))
    if not service.resources:
        return facts
    resources = _table("RESOURCE", "TYPE", "SIZE", "EXTERNAL NAME")
    for r in service.resources:
        resources.add_row(Text(r.name), Text(r.type), Text(r.size), Text(r.external_name))
    return Group(facts, Text(""), resources)


def requests_table(page: RequestsPublic) -> RenderableType:
    if not page.data:
        return Text("no requests")
    table = _table("ID", "KIND", "SERVICE", "ENV", "STATE", "ACTOR", "UPDATED")
    for r in page.data:
        table.add_row(
            Text(r.id),
            Text(r.kind),
            Text(r.service),
            Text(r.environment),
            request_state(r.state),
            Text(r.actor),
            Text(when(r.updated_at)),
        )
    return table


def request_heading(request: RequestPublic) -> Text:
    """`req_… create_service payments-api (checkout/dev): running`."""
    text = Text(f"{request.id} {request.kind} {request.service} ")
    text.append(f"({request.team}/{request.environment}): ")
    text.append_text(request_state(request.state))
    return text


def steps_table(request: RequestPublic, now: datetime) -> Table:
    table = _table("STEP", "STATE", "ATTEMPTS", "DURATION", "ERROR")
    for step in request.steps:
        table.add_row(
            Text(step.title or step.key),
            step_state(step.state),
            Text(str(step.attempts)),
            Text(duration(step, now)),
            Text(step.error or "", style="red"),
        )
    return table


def request_view(request: RequestPublic, now: datetime | None = None) -> RenderableType:
    moment = now or datetime.now(UTC)
    return Group(request_heading(request), steps_table(request, moment))


def credentials_table(credentials: CredentialsPublic) -> RenderableType:
    if not credentials.data:
        return Text(f"{credentials.service} has no credentials")
    table = _table("RESOURCE", "TYPE", "KEY", "VALUE")
    for item in credentials.data:
        for key, value in sorted(item.values.items()):
            table.add_row(Text(item.resource), Text(item.type), Text(key), Text(value))
    return table


def teams_table(page: TeamsPublic) -> RenderableType:
    if not page.data:
        return Text("no teams")
    table = _table("NAME", "TITLE", "MEMBERS")
    for team in page.data:
        members = ", ".join(f"{u} ({r})" for u, r in sorted(team.members.items()))
        table.add_row(Text(team.name), Text(team.title), Text(members))
    return table


def whoami_view(me: WhoAmI) -> RenderableType:
    teams = ", ".join(f"{t} ({r})" for t, r in sorted(me.teams.items())) or "none"
    admin = " (admin)" if me.is_admin else ""
    return Text(f"{me.user}{admin}\nteams: {teams}")
