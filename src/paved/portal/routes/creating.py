"""Create: pick a template, fill the form generated from its parameter schema, preview the
cost (a dry run that creates nothing), submit, and land on the request page."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from paved.portal.calling import RefusedError, call_api
from paved.portal.creating_form import CreateForm, api_field, load_form
from paved.portal.rendering import page
from paved.portal.viewers import CurrentViewer, Viewer, checked_form, store_of
from paved.store import identity
from paved.templates.library import TemplateLibrary, default_root

router = APIRouter()


def library(request: Request) -> TemplateLibrary:
    return TemplateLibrary(request.app.state.settings.templates_dir or default_root())


@router.get("/create", response_class=HTMLResponse)
def choose_template(request: Request, viewer: CurrentViewer) -> HTMLResponse:
    """Template cards: what each golden path gives you."""
    templates = library(request)
    cards = [templates.get(name) for name in templates.names()]
    return page(request, "create_choose.html", viewer, cards=cards)


@router.get("/create/{template}", response_class=HTMLResponse)
def service_form(request: Request, template: str, viewer: CurrentViewer) -> HTMLResponse:
    """The create-service form of one template."""
    form = load_form(library(request), template, _team_choices(request, viewer))
    return _render(request, viewer, form, {"idempotency_key": secrets.token_urlsafe(16)})


@router.post("/create/{template}", response_class=HTMLResponse)
async def submit_service(request: Request, template: str, viewer: CurrentViewer) -> Response:
    """Preview (validate, estimate; nothing is created) or submit the request."""
    submitted = await checked_form(request, viewer)
    teams = await run_in_threadpool(_team_choices, request, viewer)
    form = await run_in_threadpool(load_form, library(request), template, teams)
    values = {k: v for k, v in submitted.items() if isinstance(v, str)}
    body, errors = form.body(values)
    if errors:
        return _render(request, viewer, form, values, errors=errors, status=422)
    if submitted.get("action") == "preview":
        preview, errors = await _dry_run(request, viewer, body)
        status = 422 if errors else 200
        return _render(request, viewer, form, values, errors=errors, preview=preview, status=status)
    return await _submit(request, viewer, form, values, body, submitted)


async def _submit(
    request: Request,
    viewer: Viewer,
    form: CreateForm,
    values: dict[str, str],
    body: dict[str, Any],
    submitted: FormData,
) -> Response:
    key = str(submitted.get("idempotency_key") or "") or secrets.token_urlsafe(16)
    try:
        created = await call_api(
            request, viewer, "POST", "/api/v1/services", json=body, headers={"Idempotency-Key": key}
        )
    except RefusedError as problem:
        errors = {api_field(name, body): reason for name, reason in problem.fields.items()}
        if not errors:
            errors[""] = problem.detail
        return _render(request, viewer, form, values, errors=errors, status=problem.status)
    return RedirectResponse(f"/requests/{created['id']}", status_code=303)


async def _dry_run(
    request: Request, viewer: Viewer, body: dict[str, Any]
) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """What submitting would meet (the API's dry run): validation, the policy decision with its
    reasons, and the monthly cost; nothing is created."""
    try:
        evaluation = await call_api(request, viewer, "POST", "/api/v1/policy/evaluate", json=body)
    except RefusedError as problem:
        errors = {api_field(name, body): reason for name, reason in problem.fields.items()}
        return None, errors or {"": problem.detail}
    cost = evaluation["cost"]
    return {
        "cost": cost["estimate_monthly"],
        "currency": cost["currency"],
        "spend": cost["team_spend_monthly"],
        "budget": cost["team_budget_monthly"],
        "decision": evaluation["decision"],
        "resources": body.get("resources", []),
    }, {}


def _team_choices(request: Request, viewer: Viewer) -> list[str]:
    """The teams the viewer may create for: their own, or every team for an admin."""
    if not viewer.is_admin:
        return sorted(viewer.teams)
    with store_of(request).reading() as session:
        return [team.name for team in identity.list_teams(session)]


def _render(
    request: Request,
    viewer: Viewer,
    form: CreateForm,
    values: dict[str, str],
    *,
    errors: dict[str, str] | None = None,
    preview: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    return page(
        request,
        "create_form.html",
        viewer,
        form=form,
        values=values,
        errors=errors or {},
        preview=preview,
        status=status,
    )
