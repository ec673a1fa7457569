"""`/healthz` (the process is alive) and `/readyz` (the database and the worker are ready)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from paved.api.deps import StoreDep
from paved.orchestrator import runtime

router = APIRouter(tags=["health"])


@router.get("/healthz")
def read_health() -> dict[str, str]:
    """Alive."""
    return {"status": "ok"}


@router.get("/readyz")
def read_readiness(store: StoreDep) -> JSONResponse:
    """Ready when the store answers and the orchestrator's worker runs."""
    checks: dict[str, str] = {}
    try:
        store.ping()
        checks["database"] = "ok"
    except Exception as err:
        checks["database"] = f"failed: {type(err).__name__}"
    checks["worker"] = "ok" if runtime.is_running() else "not started"
    ready = all(v == "ok" for v in checks.values())
    return JSONResponse(
        {"status": "ready" if ready else "not ready", "checks": checks},
        status_code=200 if ready else 503,
    )
