"""`paved request …`: show, list and watch requests; retry or abort a failed one."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer

from paved.cli import client_from
from paved.cli.output import OutputFormat, OutputOption, emit, request_view, requests_table
from paved.cli.watching import follow, track
from paved.core.states import RequestState
from paved.schemas.requests import RequestPublic

app = typer.Typer(help="Follow, retry and abort requests.", no_args_is_help=True)

RequestId = Annotated[str, typer.Argument(help="Request id, e.g. req_0123…")]
NoWait = Annotated[bool, typer.Option("--no-wait", help="Return once accepted.")]


@app.command("show")
def show_request(
    ctx: typer.Context, request_id: RequestId, output: OutputOption = OutputFormat.table
) -> None:
    """Show a request and each of its steps."""
    with client_from(ctx) as client:
        emit(client.get_request(request_id), output, request_view)


@app.command("list")
def list_requests(
    ctx: typer.Context,
    service: Annotated[str | None, typer.Option(help="Only this service's requests.")] = None,
    state: Annotated[RequestState | None, typer.Option(help="Only requests in this state.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 50,
    output: OutputOption = OutputFormat.table,
) -> None:
    """List requests, newest first."""
    with client_from(ctx) as client:
        page = client.list_requests(
            service=service, state=str(state) if state else None, limit=limit
        )
        emit(page, output, requests_table)


@app.command("watch")
def watch_request(
    ctx: typer.Context, request_id: RequestId, output: OutputOption = OutputFormat.table
) -> None:
    """Follow a request live until it succeeds, fails or is rolled back.

    Exits 0 when it succeeded, 1 otherwise.
    """
    with client_from(ctx) as client:
        follow(client, client.get_request(request_id), output)


@app.command("retry")
def retry_request(
    ctx: typer.Context,
    request_id: RequestId,
    no_wait: NoWait = False,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Retry a failed request from its failed step; steps already done are not redone."""
    with client_from(ctx) as client:
        request = client.retry_request(request_id)
        track(client, request, output, no_wait=no_wait, settled_after=_failed_at(request))


@app.command("abort")
def abort_request(
    ctx: typer.Context,
    request_id: RequestId,
    no_wait: NoWait = False,
    output: OutputOption = OutputFormat.table,
) -> None:
    """Abort a failed request: undo its completed steps in reverse order.

    Exits 0 once it is rolled back.
    """
    with client_from(ctx) as client:
        request = client.abort_request(request_id)
        track(
            client,
            request,
            output,
            no_wait=no_wait,
            success=RequestState.rolled_back,
            settled_after=_failed_at(request),
        )


def _failed_at(request: RequestPublic) -> datetime | None:
    """A retry or abort answered while the request still shows its old failure: ignore that one."""
    return request.updated_at if request.state == RequestState.failed else None
