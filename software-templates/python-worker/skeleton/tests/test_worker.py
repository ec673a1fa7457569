"""The worker's tasks run, and its health endpoints answer."""

import json
import urllib.error
import urllib.request

from ${{ values.package }}.health import serve_in_background
from ${{ values.package }}.tasks import process


def test_process_counts_and_sums() -> None:
    result = process.delay({"items": [1, 2, 3]}).get(timeout=5)
    assert result == {"count": 3, "total": 6}


def _get(url: str) -> tuple[int, dict[str, str]]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_health_and_readiness_answer() -> None:
    ready = {"value": True}
    server = serve_in_background(0, ready=lambda: ready["value"])
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        assert _get(f"{base}/healthz") == (200, {"status": "ok", "service": "${{ values.name }}"})
        assert _get(f"{base}/readyz")[0] == 200
        ready["value"] = False
        assert _get(f"{base}/readyz")[0] == 503
    finally:
        server.shutdown()
        server.server_close()
