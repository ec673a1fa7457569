"""Bad input gets a problem body naming the field: never a 500, never a half-written record."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import service_body


@pytest.fixture(params=["sqlite"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """Validation does not depend on the database: one backend is enough here."""
    return str(request.param)


INVALID: list[tuple[str, dict[str, Any], str]] = [
    ("uppercase name", {"name": "Payments"}, "name"),
    ("name too long", {"name": "a" * 64}, "name"),
    ("name with underscore", {"name": "pay_ments"}, "name"),
    ("name ending in dash", {"name": "pay-"}, "name"),
    ("empty name", {"name": ""}, "name"),
    ("unknown template", {"template": "cobol-batch"}, "template"),
    ("unknown team", {"team": "nobody"}, "team"),
    ("unknown resource type", {"resources": [{"type": "oracle"}]}, "resources.0.type"),
    ("unknown size", {"resources": [{"type": "postgres", "size": "huge"}]}, "resources.0.size"),
    ("repeated resource", {"resources": [{"type": "redis"}, {"type": "redis"}]}, "resources"),
    ("tags not strings", {"tags": {"team": 3}}, "tags.team"),
    ("unknown field", {"colour": "blue"}, "colour"),
    ("bad parameter", {"parameters": {"python_version": "2.7"}}, "parameters.python_version"),
    ("environment not a label", {"environment": "Prod!"}, "environment"),
]


@pytest.mark.parametrize(
    ("change", "field"), [(c, f) for _, c, f in INVALID], ids=[i[0] for i in INVALID]
)
def test_each_invalid_field_is_named(api: TestClient, change: dict[str, Any], field: str) -> None:
    response = api.post("/api/v1/services", json={**service_body("good-name"), **change})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 422
    assert field in [p["name"] for p in problem["invalid-params"]], problem
    assert api.get("/api/v1/services").json()["count"] == 0
    assert api.get("/api/v1/requests").json()["count"] == 0


def test_body_that_is_not_json_is_422(api: TestClient) -> None:
    response = api.post(
        "/api/v1/services", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"]


def test_missing_token_is_401_and_unknown_token_is_401(api: TestClient) -> None:
    for headers in ({"Authorization": ""}, {"Authorization": "Bearer nope"}):
        response = api.get("/api/v1/services", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.headers["content-type"] == "application/problem+json"


def test_another_teams_token_is_403(api: TestClient) -> None:
    api.post("/api/v1/teams", json={"name": "search"})
    api.post("/api/v1/teams/search/members", json={"user": "dave"})
    token = api.post("/api/v1/users/dave/tokens", json={}).json()["token"]
    response = api.post(
        "/api/v1/services",
        json=service_body("not-yours"),
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert "checkout" in response.json()["detail"]
    assert api.get("/api/v1/services").json()["count"] == 0


def test_unknown_request_and_service_are_404(api: TestClient) -> None:
    assert api.get("/api/v1/requests/req_nope").status_code == 404
    assert api.get("/api/v1/services/nope").status_code == 404
    assert api.delete("/api/v1/services/nope").status_code == 404
    assert api.post("/api/v1/requests/req_nope/retry").status_code == 404


def test_non_admin_cannot_create_teams_or_tokens_for_others(api: TestClient) -> None:
    token = api.post("/api/v1/users/bob/tokens", json={}).json()["token"]
    bob = {"Authorization": f"Bearer {token}"}
    assert api.post("/api/v1/teams", json={"name": "rogue"}, headers=bob).status_code == 403
    assert api.post("/api/v1/users/alice/tokens", json={}, headers=bob).status_code == 403
    member = api.post("/api/v1/teams/checkout/members", json={"user": "eve"}, headers=bob)
    assert member.status_code == 403


@pytest.mark.parametrize("limit", ["0", "-9223372036854775809", "501", "many"])
def test_a_bad_limit_is_422_naming_it(api: TestClient, limit: str) -> None:
    response = api.get("/api/v1/requests", params={"limit": limit})
    assert response.status_code == 422
    assert [p["name"] for p in response.json()["invalid-params"]] == ["limit"]
