"""Calling the Platform API in-process, as the signed-in user: the portal changes nothing itself.

The call carries the viewer's session cookie and CSRF token, so the API authenticates,
authorises and validates it exactly as it would a call from anyone else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx
from fastapi import Request

from paved.portal.viewers import Viewer
from paved.schemas.problems import Problem
from paved.store import sessions

_BASE = "http://portal.internal"


@dataclass
class RefusedError(Exception):
    """The API refused: its status, the detail, and the reason for each named field."""

    status: int
    detail: str
    fields: dict[str, str] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.detail


async def call_api(
    request: Request,
    viewer: Viewer,
    method: str,
    path: str,
    *,
    json: Any = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """The JSON answer of `method path` on this app's API; `RefusedError` if it is an error."""
    transport = httpx.ASGITransport(app=request.app)
    sent = {
        "Cookie": f"{sessions.COOKIE}={viewer.session_id}",
        sessions.CSRF_HEADER: viewer.csrf_token,
        **(headers or {}),
    }
    async with httpx.AsyncClient(transport=transport, base_url=_BASE, headers=sent) as client:
        response = await client.request(method, path, json=json)
    if response.is_success:
        return response.json() if response.content else None
    raise _problem(response)


def _problem(response: httpx.Response) -> RefusedError:
    try:
        problem = Problem.model_validate_json(response.content)
    except ValueError:
        return RefusedError(response.status_code, response.reason_phrase or "error")
    fields = {p.name: p.reason for p in problem.invalid_params}
    return RefusedError(problem.status, problem.detail or problem.title, fields)
