"""`GET /api/v1/requests/{id}/events` streams the request as it changes, then ends."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient

from paved.schemas.requests import RequestPublic
from tests.integration.conftest import service_body


def _events(api: TestClient, request_id: str) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = []
    with api.stream("GET", f"/api/v1/requests/{request_id}/events") as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        kind = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                kind = line.partition(":")[2].strip()
            elif line.startswith("data:"):
                assert kind == "request"
                events.append(json.loads(line.partition(":")[2]))
    return events


def test_events_follow_the_request_until_it_ends(api: TestClient) -> None:
    ids = [
        api.post("/api/v1/services", json=service_body(f"streamed-{i}", "postgres")).json()["id"]
        for i in range(6)
    ]
    events = _events(api, ids[-1])  # the last of six is still queued or running when we listen
    assert len(events) >= 2
    assert events[-1]["state"] == "succeeded"
    assert events[0]["state"] in ("accepted", "running")
    for event in events:
        RequestPublic.model_validate(event)
    finished = [sum(s["state"] == "succeeded" for s in e["steps"]) for e in events]
    assert finished == sorted(finished), "steps only move forward"


def test_events_of_an_unknown_request_are_404(api: TestClient) -> None:
    response = api.get("/api/v1/requests/req_missing/events")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
