"""The catalog's hot reads answered ahead of FastAPI: by name, filtered pages and search.

At thousands of reads a second, FastAPI's own work per request (matching routes, solving
dependencies, validating parameters) costs more than the read: measured on 2 cores with the
entities in PostgreSQL, by-name reads went from about 2,750/s to about 3,800/s answered here.

The lane answers only the plain case: a GET of one of those routes by a caller whose bearer
token was checked moments ago (`catalog_auth.recently_checked`), whose parameters parse, for an
entity that exists. Anything else goes on to the route FastAPI serves — a first request, a
portal session, a bad or repeated parameter, a missing entity, an unavailable database — so the
routes stay the documented interface, their errors stay the API's, and both answer with the
same functions of `routes.catalog` (a test compares the two on the same requests).
"""

from __future__ import annotations

import re

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from paved.api.catalog_auth import recently_checked
from paved.api.routes.catalog import entity_response, page_response, search_text
from paved.catalog import querying
from paved.core.errors import PavedError

PREFIX = "/api/v1/catalog/entities"
_BY_NAME = re.compile(r"/by-name/([^/]+)/([^/]+)/([^/]+)")
_SINGLE = {"fields", "order", "cursor", "limit", "q", "fullTextFilterTerm"}  # all but `filter`


class CatalogLane:
    """ASGI middleware: answers the catalog's plain hot reads, hands everything else on."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            response = self.answer(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def answer(self, scope: Scope) -> Response | None:
        """The response to a plain hot read, or None for FastAPI to answer."""
        path: str = scope["path"]
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root) :]
        if not path.startswith(PREFIX):
            return None
        rest = path[len(PREFIX) :]
        by_name = _BY_NAME.fullmatch(rest)
        if rest not in ("", "/by-query") and by_name is None:
            return None
        request = Request(scope)
        if recently_checked(request) is None:
            return None
        try:
            if by_name is not None:
                return entity_response(request.app.state.store, *by_name.groups())
            return _page(request, searching=rest == "/by-query")
        except PavedError:
            return None


def _page(request: Request, *, searching: bool) -> Response | None:
    params = request.query_params
    if any(key in _SINGLE and len(params.getlist(key)) > 1 for key in params):
        return None
    limit_text = params.get("limit")
    if limit_text is not None and not (limit_text.isascii() and limit_text.isdigit()):
        return None
    limit = int(limit_text) if limit_text is not None else querying.DEFAULT_LIMIT
    text = search_text(params.get("q"), params.get("fullTextFilterTerm")) if searching else None
    return page_response(
        request.app.state.store,
        params.getlist("filter"),
        text,
        params.get("order"),
        params.get("cursor"),
        limit,
        params.get("fields"),
    )
