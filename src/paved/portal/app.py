"""Mounting the portal on the application: its pages, its static files, and HTML error pages
for browsers (the API keeps its problem+json answers)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ExceptionHandler

from paved.core.errors import PavedError
from paved.portal.rendering import error_page
from paved.portal.routes import (
    admin,
    approving,
    catalog,
    creating,
    friction,
    home,
    requesting,
    signing_in,
)
from paved.portal.viewers import SignInRequiredError, Viewer, current_viewer

STATIC = Path(__file__).with_name("static")
_API_PATHS = ("/api/", "/git/", "/healthz", "/readyz")


def install(app: FastAPI) -> None:
    """Add the portal's pages at `/` and its assets at `/static`."""
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    for module in (signing_in, home, creating, requesting, approving, catalog, admin, friction):
        app.include_router(module.router, include_in_schema=False)
    app.add_exception_handler(SignInRequiredError, _sign_in_first)
    api_handler = app.exception_handlers[PavedError]
    app.add_exception_handler(PavedError, _html_for_pages(api_handler))


async def _sign_in_first(_request: Request, err: Exception) -> Response:
    assert isinstance(err, SignInRequiredError)
    return RedirectResponse(err.location, status_code=303)


def _html_for_pages(api_handler: ExceptionHandler) -> ExceptionHandler:
    """Errors on a page render as a page; on the API they stay problem+json."""

    async def handle(request: Request, err: Exception) -> Response:
        answer: Response = await api_handler(request, err)  # type: ignore[misc,arg-type]
        if request.url.path.startswith(_API_PATHS):
            return answer
        assert isinstance(err, PavedError)
        return error_page(request, _viewer_or_none(request), answer.status_code, err.message)

    return handle


def _viewer_or_none(request: Request) -> Viewer | None:
    try:
        return current_viewer(request)
    except (SignInRequiredError, PavedError):
        return None
