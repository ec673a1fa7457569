"""The template library over the API: list, one template's parameter schema, hostile input."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.conftest import service_body


@pytest.fixture(params=["sqlite"])
def store_backend(request: pytest.FixtureRequest) -> str:
    """Templates are files: one store backend is enough here."""
    return str(request.param)


def test_list_names_every_shipped_template_with_a_version(api: TestClient) -> None:
    page = api.get("/api/v1/templates").json()
    names = [t["name"] for t in page["data"]]
    assert "python-api" in names
    assert page["count"] == len(names)
    python_api = next(t for t in page["data"] if t["name"] == "python-api")
    assert python_api["version"] == "1.1.0"
    assert python_api["source"] == "shipped"
    assert python_api["resources"] == ["postgres", "redis"]


def test_show_gives_the_parameter_json_schema(api: TestClient) -> None:
    template = api.get("/api/v1/templates/python-api").json()
    schema = template["parameters"]
    assert schema["type"] == "object"
    assert schema["properties"]["python_version"]["enum"] == ["3.11", "3.12"]
    assert schema["properties"]["port"]["default"] == 8000
    assert template["parameter_steps"][0]["title"] == "Python API options"
    assert [s["action"] for s in template["steps"]] == [
        "fetch:template",
        "publish:paved",
        "catalog:register",
    ]
    assert all(s["supported"] for s in template["steps"])


def test_unknown_template_is_404_problem(api: TestClient) -> None:
    response = api.get("/api/v1/templates/cobol-batch")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "cobol-batch" in response.json()["detail"]


HOSTILE: list[tuple[str, dict[str, Any], str]] = [
    ("path traversal", {"python_version": "../../etc/passwd"}, "parameters.python_version"),
    ("template syntax", {"python_version": "{{ ''.__class__ }}"}, "parameters.python_version"),
    ("backstage syntax", {"python_version": "${{ parameters }}"}, "parameters.python_version"),
    ("a megabyte", {"python_version": "x" * 1_000_000}, "parameters.python_version"),
]


@pytest.mark.parametrize(
    ("parameters", "field"), [(p, f) for _, p, f in HOSTILE], ids=[h[0] for h in HOSTILE]
)
def test_hostile_parameters_are_refused_naming_the_field(
    api: TestClient, parameters: dict[str, Any], field: str
) -> None:
    response = api.post("/api/v1/services", json=service_body("evil", parameters=parameters))
    assert response.status_code == 422, response.text
    problem = response.json()
    assert field in [p["name"] for p in problem["invalid-params"]], problem
    assert len(response.text) < 10_000
    assert api.get("/api/v1/services").json()["count"] == 0


def test_a_resource_the_template_cannot_use_is_refused(api: TestClient) -> None:
    response = api.post("/api/v1/services", json=service_body("x", "monitoring"))
    assert response.status_code == 422
