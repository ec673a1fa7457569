"""`/healthz` and `/readyz` over plain HTTP, so an orchestrator can probe the worker."""

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVICE_NAME = "${{ values.name }}"


class HealthServer(ThreadingHTTPServer):
    """An HTTP server that knows how to tell whether the worker is ready."""

    def __init__(self, port: int, ready: Callable[[], bool]) -> None:
        super().__init__(("0.0.0.0", port), HealthHandler)
        self.ready = ready


class HealthHandler(BaseHTTPRequestHandler):
    server: HealthServer

    def do_GET(self) -> None:
        if self.path == "/healthz":
            self._answer(200, {"status": "ok", "service": SERVICE_NAME})
        elif self.path == "/readyz":
            ready = self.server.ready()
            status = "ready" if ready else "unavailable"
            self._answer(200 if ready else 503, {"status": status, "service": SERVICE_NAME})
        else:
            self._answer(404, {"status": "not found"})

    def log_message(self, format: str, *args: object) -> None:
        """Probes every few seconds would drown the worker's own log."""

    def _answer(self, code: int, body: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve_in_background(port: int, ready: Callable[[], bool]) -> HealthServer:
    """Start the health server on a daemon thread; port 0 picks a free port."""
    server = HealthServer(port, ready)
    threading.Thread(target=server.serve_forever, name="health", daemon=True).start()
    return server
