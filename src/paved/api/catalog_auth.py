"""Who reads the catalog: the usual bearer-token check, remembered for a few seconds per token.

Catalog reads need only a known caller (no team role), and they come by the thousand: the full
check (`deps.current_principal`, two queries in a transaction) runs once per token per
`TOKEN_TTL` seconds per process; a revoked token can read the catalog that much longer.

`catalog_reader` is itself the bearer security scheme (one dependency, not a dependency on
`HTTPBearer`): FastAPI solves each level of dependencies anew per request, and at thousands of
reads a second a level costs a measurable share of each one.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import time

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from paved.api.deps import BEARER_DESCRIPTION, BEARER_SCHEME, current_principal
from paved.store.identity import Principal

TOKEN_TTL = 5.0
MAX_TOKENS = 10_000
_Cache = dict[str, tuple[float, "asyncio.Future[Principal]"]]


class _CatalogReader(HTTPBearer):
    async def __call__(self, request: Request) -> Principal:  # type: ignore[override]
        """The caller (401 without a known token), from this app's cache when recently checked.

        Requests arriving while a token is being checked wait for that one check: when an entry
        expires under load, one query runs, not one per request in flight.
        """
        credentials = await super().__call__(request)
        store = request.app.state.store
        if credentials is None:  # a portal session (cookie), or nobody: checked every time
            principal: Principal = await run_in_threadpool(current_principal, request, store, None)
            return principal
        cache = _cache_of(request)
        key = _key(credentials.credentials)
        now = time.monotonic()
        entry = cache.get(key)
        if entry is None or entry[0] <= now:
            if len(cache) >= MAX_TOKENS:
                cache.clear()
            check = asyncio.ensure_future(
                run_in_threadpool(current_principal, request, store, credentials)
            )
            check.add_done_callback(functools.partial(_forget_failed, cache, key))
            entry = (now + TOKEN_TTL, check)
            cache[key] = entry
        return await asyncio.shield(entry[1])


def recently_checked(request: Request) -> Principal | None:
    """The caller, when their bearer token was checked less than `TOKEN_TTL` ago; else None.

    Runs no query: for reads answered ahead of FastAPI (`api.catalog_lane`).
    """
    scheme, token = get_authorization_scheme_param(request.headers.get("Authorization"))
    if scheme.lower() != "bearer" or not token:
        return None
    entry = _cache_of(request).get(_key(token))
    if entry is None or entry[0] <= time.monotonic():
        return None
    check = entry[1]
    if not check.done() or check.cancelled() or check.exception() is not None:
        return None
    return check.result()


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _forget_failed(cache: _Cache, key: str, check: asyncio.Future[Principal]) -> None:
    """A refused or failed check is not remembered: the next request checks again."""
    failed = check.cancelled() or check.exception() is not None
    if failed and key in cache and cache[key][1] is check:
        del cache[key]


catalog_reader = _CatalogReader(
    auto_error=False, scheme_name=BEARER_SCHEME, description=BEARER_DESCRIPTION
)


def _cache_of(request: Request) -> _Cache:
    state = request.app.state
    if not hasattr(state, "catalog_tokens"):
        state.catalog_tokens = {}
    cache: _Cache = state.catalog_tokens
    return cache
