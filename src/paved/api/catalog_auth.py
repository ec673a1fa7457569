"""Who reads the catalog: the usual bearer-token check, remembered for a few seconds per token.

Catalog reads need only a known caller (no team role), and they come by the thousand: the full
check (`deps.current_principal`, two queries in a transaction) runs once per token per
`TOKEN_TTL` seconds per process; a revoked token can read the catalog that much longer.
"""

from __future__ import annotations

import hashlib
import time
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from paved.api.deps import current_principal
from paved.store.identity import Principal

TOKEN_TTL = 5.0
MAX_TOKENS = 10_000
_bearer = HTTPBearer(auto_error=False, description="an API token: `Authorization: Bearer <token>`")


async def catalog_reader(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller (401 without a known token), from this app's cache when recently checked."""
    cache: dict[str, tuple[float, Principal]] = _cache_of(request)
    key = hashlib.sha256(credentials.credentials.encode()).hexdigest() if credentials else ""
    now = time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now and credentials and credentials.scheme.lower() == "bearer":
        return hit[1]
    principal: Principal = await run_in_threadpool(
        current_principal, request, request.app.state.store, credentials
    )
    if not key:
        return principal  # a portal session (cookie): checked every time
    if len(cache) >= MAX_TOKENS:
        cache.clear()
    cache[key] = (now + TOKEN_TTL, principal)
    return principal


def _cache_of(request: Request) -> dict[str, tuple[float, Principal]]:
    state = request.app.state
    if not hasattr(state, "catalog_tokens"):
        state.catalog_tokens = {}
    cache: dict[str, tuple[float, Principal]] = state.catalog_tokens
    return cache
