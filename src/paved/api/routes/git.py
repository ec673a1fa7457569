"""`/git/{name}.git/...`: the repositories over git's smart HTTP protocol.

Any authenticated user may clone and fetch; members of the owning team (and admins) may push.
Git sends the API token as HTTP Basic password (`git clone http://any:TOKEN@host/git/x.git`) or
as a bearer header (`git -c http.extraHeader="Authorization: Bearer TOKEN" clone ...`).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import replace

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool

from paved.api.deps import SettingsDep, StoreDep
from paved.core.errors import NotAllowedError, NotAuthenticatedError, NotFoundError
from paved.core.ids import is_dns_label
from paved.providers.git_http import GitHttpRequest, serve
from paved.store import identity, services
from paved.store.db import Store
from paved.store.identity import Principal

router = APIRouter(prefix="/git", tags=["git"], include_in_schema=False)
_CHALLENGE = {"WWW-Authenticate": 'Basic realm="Paved"'}


@router.api_route("/{repository}.git/{path:path}", methods=["GET", "POST"])
async def serve_git(
    repository: str, path: str, request: Request, store: StoreDep, settings: SettingsDep
) -> Response:
    """Clone, fetch and push over HTTP."""
    if not is_dns_label(repository) or not (settings.git_root / f"{repository}.git").is_dir():
        raise NotFoundError(f"no repository {repository!r}")
    principal = await run_in_threadpool(_authenticate, store, request)
    if principal is None:
        return Response(status_code=401, headers=_CHALLENGE, content=b"authentication required\n")
    git_request = GitHttpRequest(
        method=request.method,
        path=f"{repository}.git/{path}",
        query=request.url.query,
        content_type=request.headers.get("content-type", ""),
        content_encoding=request.headers.get("content-encoding", ""),
        body=await request.body(),
    )
    if git_request.is_push:
        await run_in_threadpool(_check_push, store, principal, repository)
        git_request = replace(git_request, remote_user=principal.user)
    answer = await run_in_threadpool(serve, settings.git_root, git_request)
    return Response(content=answer.body, status_code=answer.status, headers=dict(answer.headers))


def _authenticate(store: Store, request: Request) -> Principal | None:
    token = _token_of(request.headers.get("authorization", ""))
    if token is None:
        return None
    with store.reading() as session:
        principal = identity.authenticate(session, token)
    if principal is None:
        raise NotAuthenticatedError("the API token is not known (revoked or mistyped)")
    return principal


def _token_of(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value:
        return value.strip()
    if scheme.lower() == "basic" and value:
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return None
        return decoded.partition(":")[2] or None
    return None


def _check_push(store: Store, principal: Principal, repository: str) -> None:
    with store.reading() as session:
        service = services.find_service(session, repository)
    team = service.team if service is not None else None
    if principal.is_admin or (team is not None and team in principal.teams):
        return
    owner = f"team {team}" if team else "admins"
    raise NotAllowedError(f"only {owner} may push to {repository}.git")
