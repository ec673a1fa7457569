"""Waiting for a request to reach a state, through any HTTP client of the API (TestClient too)."""

from __future__ import annotations

import time
from typing import Any

import httpx

FINAL = frozenset({"succeeded", "failed", "rolled_back"})


def wait_for_state(
    client: httpx.Client,
    request_id: str,
    states: frozenset[str] | set[str] = FINAL,
    timeout: float = 90,
) -> dict[str, Any]:
    """Poll `GET /api/v1/requests/{id}` until the request is in one of `states`."""
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = client.get(f"/api/v1/requests/{request_id}").json()
        if body["state"] in states:
            return body
        if time.monotonic() > deadline:
            raise AssertionError(f"request {request_id} stuck in {body['state']}: {body}")
        time.sleep(0.1)
