"""Rendering pages: one Jinja2 environment, the context every page shares, and error pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from paved import __version__
from paved.core.states import RequestState, StepState
from paved.portal.viewers import CSRF_FIELD, Viewer

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))
_COLOURS = {
    **{s.value: s.colour for s in StepState},
    **{s.value: s.colour for s in RequestState},
    "active": "green",
    "provisioning": "blue",
    "deleting": "yellow",
    "approved": "green",
    "withdrawn": "grey",
}


def state_colour(state: str) -> str:
    """The colour of a state, defined once in `core.states` and shown the same everywhere."""
    return _COLOURS.get(state, "grey")


def state_label(state: str) -> str:
    return state.replace("_", " ")


TEMPLATES.env.filters["colour"] = state_colour
TEMPLATES.env.filters["label"] = state_label
TEMPLATES.env.globals["version"] = __version__
TEMPLATES.env.globals["csrf_field"] = CSRF_FIELD


def page(
    request: Request,
    name: str,
    viewer: Viewer | None,
    *,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    """Render the page `name` for `viewer` (None on the sign-in page)."""
    full = {"viewer": viewer, "path": request.url.path, **context}
    return TEMPLATES.TemplateResponse(request, name, full, status_code=status)


def error_page(request: Request, viewer: Viewer | None, status: int, message: str) -> HTMLResponse:
    return page(request, "error.html", viewer, status=status, status_code=status, message=message)
