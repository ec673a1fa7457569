"""Distinct services at once all succeed; one name makes one service; one key one request."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from fastapi.testclient import TestClient

from tests.integration.conftest import service_body
from tests.waiting import wait_for_state


def _all_at_once(count: int, call: Callable[[int], httpx.Response]) -> list[httpx.Response]:
    barrier = threading.Barrier(count)

    def run(index: int) -> httpx.Response:
        barrier.wait()
        return call(index)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_twenty_different_services_at_once_all_succeed(api: TestClient) -> None:
    responses = _all_at_once(
        20, lambda i: api.post("/api/v1/services", json=service_body(f"svc-{i:02d}", "postgres"))
    )
    assert [r.status_code for r in responses] == [202] * 20
    finals = [wait_for_state(api, r.json()["id"], timeout=120) for r in responses]
    failures = [(f["failed_step"], f["error"]) for f in finals if f["state"] != "succeeded"]
    assert failures == []
    listed = api.get("/api/v1/services").json()
    assert listed["count"] == 20


def test_two_creates_of_one_name_make_one_service(api: TestClient) -> None:
    responses = _all_at_once(2, lambda _: api.post("/api/v1/services", json=service_body("twin")))
    assert sorted(r.status_code for r in responses) == [202, 409]
    conflict = next(r for r in responses if r.status_code == 409)
    assert conflict.headers["content-type"] == "application/problem+json"
    assert conflict.json()["invalid-params"][0]["name"] == "name"
    accepted = next(r for r in responses if r.status_code == 202)
    assert wait_for_state(api, accepted.json()["id"])["state"] == "succeeded"


def test_fifty_creates_with_one_idempotency_key_make_one_request(api: TestClient) -> None:
    body = service_body("once", "redis")
    headers = {"Idempotency-Key": "create-once-1"}
    responses = _all_at_once(50, lambda _: api.post("/api/v1/services", json=body, headers=headers))
    codes = Counter(r.status_code for r in responses)
    assert set(codes) <= {202, 409}, codes
    assert codes[202] >= 1
    ids = {r.json()["id"] for r in responses if r.status_code == 202}
    assert len(ids) == 1
    (request_id,) = ids
    assert wait_for_state(api, request_id)["state"] == "succeeded"
    requests: dict[str, Any] = api.get("/api/v1/requests", params={"service": "once"}).json()
    assert [r["id"] for r in requests["data"]] == [request_id]

    replay = api.post("/api/v1/services", json=body, headers=headers)
    assert replay.status_code == 202
    assert replay.json()["id"] == request_id
    other = api.post("/api/v1/services", json={**body, "description": "changed"}, headers=headers)
    assert other.status_code == 422
    assert other.json()["invalid-params"][0]["name"] == "Idempotency-Key"
