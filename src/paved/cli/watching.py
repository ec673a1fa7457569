"""Following a request until it settles: a Rich live view on a terminal, one line per change
otherwise, then the outcome and the exit code (0 only when the request ended as hoped).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NoReturn

import typer
from rich.console import RenderableType
from rich.live import Live

from paved.cli.output import (
    OutputFormat,
    console,
    duration,
    note,
    print_json,
    request_view,
    show,
    waiting_line,
    warn,
)
from paved.client import ClientError, PavedClient, is_settled
from paved.core.states import RequestKind, RequestState, StepState
from paved.schemas.requests import RequestPublic, StepPublic


def announce(request: RequestPublic, output: OutputFormat) -> None:
    """What `--no-wait` prints: the request, and how to follow it."""
    if output == OutputFormat.json:
        print_json(request)
        return
    note(f"request {request.id} {request.state}")
    note(f"follow it with: paved request watch {request.id}")


def track(
    client: PavedClient,
    request: RequestPublic,
    output: OutputFormat,
    *,
    no_wait: bool,
    success: RequestState = RequestState.succeeded,
    settled_after: datetime | None = None,
) -> None:
    """After a change is accepted: announce it (`--no-wait`), or follow it until it settles.

    A request waiting for an approval is announced, not followed: a lead may take days.
    """
    if request.state == RequestState.waiting_approval and output == OutputFormat.table:
        note(waiting_line(request))
        note(f"follow it with: paved request watch {request.id}")
        return
    if no_wait or request.state == RequestState.waiting_approval:
        announce(request, output)
        return
    follow(client, request, output, success=success, settled_after=settled_after)


def follow(
    client: PavedClient,
    request: RequestPublic,
    output: OutputFormat,
    *,
    success: RequestState = RequestState.succeeded,
    settled_after: datetime | None = None,
) -> NoReturn:
    """Follow `request` until it settles, print the outcome, exit 0 if it ended in `success`."""
    try:
        final = _wait(client, request, output, settled_after)
    except KeyboardInterrupt:
        warn(f"stopped watching; {request.id} goes on: 'paved request watch {request.id}'")
        raise typer.Exit(130) from None
    if output == OutputFormat.json:
        print_json(final)
    else:
        _conclude(client, final, success)
    raise typer.Exit(0 if final.state == success else 1)


def _wait(
    client: PavedClient,
    request: RequestPublic,
    output: OutputFormat,
    settled_after: datetime | None,
) -> RequestPublic:
    settled = is_settled(request, after=settled_after)
    if output == OutputFormat.json:
        return (
            request if settled else client.wait_for_request(request.id, settled_after=settled_after)
        )
    if settled:
        show(request_view(request))
        return request
    if console.is_terminal and not console.is_dumb_terminal:
        return _wait_live(client, request, settled_after)
    lines = _Lines()
    lines(request)
    return client.wait_for_request(request.id, lines, settled_after=settled_after)


class _Board:
    """The live view: rendered afresh at each refresh, so running durations tick."""

    def __init__(self, request: RequestPublic) -> None:
        self.request = request

    def __rich__(self) -> RenderableType:
        return request_view(self.request)


def _wait_live(
    client: PavedClient, request: RequestPublic, settled_after: datetime | None
) -> RequestPublic:
    board = _Board(request)
    with Live(board, console=console, refresh_per_second=4) as live:

        def on_change(changed: RequestPublic) -> None:
            board.request = changed
            live.refresh()

        return client.wait_for_request(request.id, on_change, settled_after=settled_after)


class _Lines:
    """Prints one plain line per change of the request's or a step's state (or attempt)."""

    def __init__(self) -> None:
        self.state: str | None = None
        self.steps: dict[str, tuple[str, int]] = {}

    def __call__(self, request: RequestPublic) -> None:
        for step in request.steps:
            seen = (step.state, step.attempts)
            first = step.key not in self.steps
            if self.steps.get(step.key) == seen:
                continue
            self.steps[step.key] = seen
            if not (first and step.state == StepState.pending):
                _echo(_step_line(step))
        if request.state != self.state:
            self.state = request.state
            _echo(f"request {request.id} ({request.kind} {request.service}): {request.state}")


def _step_line(step: StepPublic) -> str:
    line = f"step {step.key}: {step.state}"
    if step.attempts > 1:
        line += f" (attempt {step.attempts})"
    if step.finished_at is not None:
        line += f" in {duration(step, datetime.now(UTC))}"
    if step.error and step.state == StepState.failed:
        line += f": {' '.join(step.error.split())}"
    return line


def _echo(line: str) -> None:
    typer.echo(f"{datetime.now().strftime('%H:%M:%S')} {line}")


def _conclude(client: PavedClient, request: RequestPublic, success: RequestState) -> None:
    if request.state == RequestState.failed:
        step = request.failed_step or _failed_key(request) or "?"
        error = " ".join((request.error or _failed_error(request) or "unknown error").split())
        warn(f"failed at step {step}: {error}")
        warn(f"run 'paved request retry {request.id}' or 'paved request abort {request.id}'")
    elif request.state != success:
        why = f": {request.error}" if request.error else ""
        warn(f"request {request.id} ended {request.state}, not {success}{why}")
    elif request.state == RequestState.rolled_back:
        note(f"request {request.id} rolled back: every completed step was undone")
    elif request.kind == RequestKind.delete_service:
        note(f"service {request.service} deleted (request {request.id})")
    else:
        repository = _repository_url(client, request)
        note(f"service {request.service} is ready" + (f": {repository}" if repository else ""))
        note(f"request {request.id} succeeded")


def _failed_key(request: RequestPublic) -> str | None:
    return next((s.key for s in request.steps if s.state == StepState.failed), None)


def _failed_error(request: RequestPublic) -> str | None:
    return next((s.error for s in request.steps if s.state == StepState.failed), None)


def _repository_url(client: PavedClient, request: RequestPublic) -> str | None:
    """The service's repository, from the API, else from a step's outputs."""
    try:
        found = client.get_service(request.service).repository_url
    except ClientError:
        found = None
    for step in request.steps:
        value = step.outputs.get("repository_url")
        found = found or (value if isinstance(value, str) else None)
    return found
