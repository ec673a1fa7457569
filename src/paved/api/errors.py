"""The one place HTTP status codes are decided: every error becomes an RFC 9457 problem body."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from paved.core import errors
from paved.schemas.policy import Reason
from paved.schemas.problems import InvalidParam, Problem

log = logging.getLogger(__name__)
PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://paved.dev/problems/"

_STATUS: list[tuple[type[errors.PavedError], int, str]] = [
    (errors.InputError, 422, "invalid-input"),
    (errors.NotFoundError, 404, "not-found"),
    (errors.ConflictError, 409, "conflict"),
    (errors.NotAuthenticatedError, 401, "not-authenticated"),
    (errors.PolicyDeniedError, 403, "policy-denied"),
    (errors.NotAllowedError, 403, "not-allowed"),
    (errors.UnavailableError, 503, "unavailable"),
    (errors.TemporaryError, 503, "temporarily-unavailable"),
    (errors.ProviderError, 502, "provider-error"),
]


def problem_response(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    invalid: list[InvalidParam] | None = None,
    reasons: list[Reason] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_BASE + slug if slug else "about:blank",
        title=HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=instance,
        invalid_params=invalid or [],
        reasons=reasons,
    )
    return JSONResponse(
        problem.model_dump(by_alias=True, exclude_none=True),
        status_code=status,
        media_type=PROBLEM_JSON,
        headers=headers,
    )


def _status_of(err: errors.PavedError) -> tuple[int, str]:
    for cls, status, slug in _STATUS:
        if isinstance(err, cls):
            return status, slug
    return 500, "internal"


async def _paved_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, errors.PavedError)
    status, slug = _status_of(err)
    invalid = [InvalidParam(name=err.field, reason=err.message)] if err.field else []
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    reasons = (
        [Reason.model_validate(r) for r in err.reasons]
        if isinstance(err, errors.PolicyDeniedError)
        else None
    )
    return problem_response(
        status,
        err.message,
        slug=slug,
        instance=request.url.path,
        invalid=invalid,
        reasons=reasons,
        headers=headers,
    )


def _location(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header"):
        parts = parts[1:]
    return ".".join(parts) or "body"


async def _validation_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, RequestValidationError)
    invalid = [
        InvalidParam(name=_location(tuple(e.get("loc", ()))), reason=str(e.get("msg", "invalid")))
        for e in err.errors()
    ]
    detail = "; ".join(f"{p.name}: {p.reason}" for p in invalid) or "invalid request"
    return problem_response(
        422, detail, slug="invalid-input", instance=request.url.path, invalid=invalid
    )


async def _http_error(request: Request, err: Exception) -> JSONResponse:
    assert isinstance(err, StarletteHTTPException)
    headers = dict(err.headers) if err.headers else None
    return problem_response(
        err.status_code, str(err.detail), instance=request.url.path, headers=headers
    )


async def _unexpected(request: Request, err: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return problem_response(
        500,
        "internal error; the server log has the details",
        slug="internal",
        instance=request.url.path,
    )


def install(app: FastAPI) -> None:
    app.add_exception_handler(errors.PavedError, _paved_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected)
