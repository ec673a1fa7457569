"""Property-based calls of every operation in the OpenAPI document: no input yields a 500."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error

from tests.integration.conftest import ADMIN_TOKEN

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(params=["sqlite"])
def store_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_no_input_yields_a_server_error(api: TestClient) -> None:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", api.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 12
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        def call(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=AUTH, checks=[not_a_server_error])

        call()


@given(body=st.dictionaries(st.text(max_size=12), st.none() | st.integers() | st.text(max_size=20)))
@settings(max_examples=50, deadline=None, suppress_health_check=list(HealthCheck))
def test_arbitrary_json_bodies_are_refused_cleanly(
    api: TestClient, body: dict[str, object]
) -> None:
    response = api.post("/api/v1/services", json=body, headers=AUTH)
    assert response.status_code in (202, 409, 422), response.text
    assert response.headers["content-type"] in ("application/problem+json", "application/json")
