"""The service answers its health and readiness probes."""

from fastapi.testclient import TestClient

from ${{ values.package }}.main import app

client = TestClient(app)


def test_healthz_answers_ok() -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "${{ values.name }}"}


def test_readyz_answers_when_the_database_does() -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["status"] == "ready"
