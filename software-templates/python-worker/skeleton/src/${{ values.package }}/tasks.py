"""The worker's tasks. Each is idempotent: a retried or redelivered task does no harm."""

from typing import Any

from ${{ values.package }}.app import app


@app.task(autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def process(payload: dict[str, Any]) -> dict[str, Any]:
    """An example task: replace it with the worker's real work."""
    items = payload.get("items", [])
    return {"count": len(items), "total": sum(int(item) for item in items)}
