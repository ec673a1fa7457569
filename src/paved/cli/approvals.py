"""`paved approvals …`: the requests waiting for you, and your decision on them."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import RenderableType
from rich.text import Text

from paved.cli import client_from
from paved.cli.output import OutputFormat, OutputOption, emit, money, note, table_of
from paved.core.states import ApprovalState
from paved.schemas.approvals import ApprovalPublic, ApprovalsPublic, Verdict

app = typer.Typer(
    help="Approve or reject requests that policy says need a lead.", invoke_without_command=True
)

ApprovalId = Annotated[str, typer.Argument(help="Approval id, e.g. apr_0123…")]
Comment = Annotated[str, typer.Option("--comment", "-m", help="Why; kept with the decision.")]


@app.callback()
def list_approvals(
    ctx: typer.Context,
    all_: Annotated[
        bool,
        typer.Option("--all", help="Also your own requests' and those you only see."),
    ] = False,
    state: Annotated[
        ApprovalState | None, typer.Option(help="Only in this state (default: pending).")
    ] = ApprovalState.pending,
    output: OutputOption = OutputFormat.table,
) -> None:
    """List the approvals waiting for you (with no subcommand)."""
    if ctx.invoked_subcommand is not None:
        return
    with client_from(ctx) as client:
        page = client.list_approvals(mine=not all_, state=state.value if state else None)
    emit(page, output, approvals_table)


@app.command("show")
def show_approval(
    ctx: typer.Context, approval_id: ApprovalId, output: OutputOption = OutputFormat.table
) -> None:
    """Show an approval: the request, why it needs one, and the decision once taken."""
    with client_from(ctx) as client:
        emit(client.get_approval(approval_id), output, approval_view)


@app.command("approve")
def approve(
    ctx: typer.Context,
    approval_id: ApprovalId,
    comment: Comment = "",
    output: OutputOption = OutputFormat.table,
) -> None:
    """Approve: the request goes on and its service is made."""
    _decide(ctx, approval_id, Verdict.approve, comment, output)


@app.command("reject")
def reject(
    ctx: typer.Context,
    approval_id: ApprovalId,
    comment: Comment = "",
    output: OutputOption = OutputFormat.table,
) -> None:
    """Reject: the request ends and nothing is created."""
    _decide(ctx, approval_id, Verdict.reject, comment, output)


def _decide(
    ctx: typer.Context, approval_id: str, verdict: Verdict, comment: str, output: OutputFormat
) -> None:
    with client_from(ctx) as client:
        decided = client.decide_approval(approval_id, verdict.value, comment)
    emit(decided, output, approval_view)
    if output == OutputFormat.table:
        note(f"follow the request with: paved request watch {decided.request_id}")


def approvals_table(page: ApprovalsPublic) -> RenderableType:
    if not page.data:
        return Text("no approvals waiting for you")
    table = table_of("APPROVAL", "SERVICE", "TEAM/ENV", "BY", "COST", "STATE", "EXPIRES")
    for a in page.data:
        cost = f"{money(a.estimate_monthly)}/month" if a.estimate_monthly is not None else "-"
        table.add_row(
            a.id,
            a.service,
            f"{a.team}/{a.environment}",
            a.requested_by,
            cost,
            a.state,
            f"{a.expires_at:%Y-%m-%d %H:%M}",
        )
    return table


def approval_view(approval: ApprovalPublic) -> RenderableType:
    lines = [
        f"{approval.id} {approval.state}: {approval.service} "
        f"({approval.team}/{approval.environment}), asked by {approval.requested_by}, "
        f"request {approval.request_id}"
    ]
    lines += [f"  {r.rule}: {r.message}" for r in approval.reasons]
    if approval.estimate_monthly is not None:
        lines.append(f"  estimated cost {money(approval.estimate_monthly)}/month")
    if approval.decided_by:
        comment = f": {approval.comment}" if approval.comment else ""
        lines.append(f"  {approval.state} by {approval.decided_by}{comment}")
    return Text("\n".join(lines))
