"""Portal page server time at 20,000 services: p50 and p95 of each main page. Target: < 100 ms.

    .venv/bin/python bench/portal.py [--services 20000] [--n 40]

A fresh SQLite store (the embedded default) gets `--services` services of 20 teams, each with
its create request and six steps, and 200 pending approvals; then each page is fetched `--n`
times in-process (Starlette's TestClient: the server's own time, no network) as a signed-in
team lead. The machine may be shared: the load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from paved.core.ids import new_request_id, run_id_for
from paved.core.settings import Settings
from paved.core.states import RequestState, ServiceState, TeamRole
from paved.main import create_application
from paved.orchestrator.planning import plan_create
from paved.schemas.services import ResourceSpec, ServiceCreate
from paved.store import approvals, identity, services, sessions
from paved.store import requests as rows
from paved.store.db import Store

TOKEN = "paved_bench_admin_token"
TEAMS = 20


def seed(store: Store, count: int) -> tuple[str, str]:
    """`count` services with their requests; returns a lead's session id and one request id."""
    last = ""
    with store.session() as session:
        for t in range(TEAMS):
            identity.create_team(session, f"team-{t:02}", f"Team {t}", cost_center=f"cc-{t}")
        identity.set_member(session, "team-00", "lead", TeamRole.lead)
        token = identity.add_token(session, "lead", "bench")
    for start in range(0, count, 1000):
        with store.session() as session:
            for i in range(start, min(start + 1000, count)):
                spec = ServiceCreate(
                    name=f"svc-{i:05}",
                    template="python-api",
                    team=f"team-{i % TEAMS:02}",
                    environment="prod" if i % 100 == 0 else "dev",
                    description=f"service number {i}, it does things",
                    resources=[ResourceSpec(type="postgres")],
                )
                request_id = new_request_id()
                waiting = i % 100 == 0
                services.insert_service(
                    session,
                    spec,
                    request_id,
                    ServiceState.waiting_approval if waiting else ServiceState.active,
                )
                rows.insert_request(
                    session,
                    request_id=request_id,
                    run_id=run_id_for(request_id),
                    kind="create_service",
                    service=spec.name,
                    team=spec.team,
                    environment=spec.environment,
                    actor="admin",
                    spec=spec.model_dump(mode="json"),
                    steps=plan_create(spec),
                    state=RequestState.waiting_approval if waiting else RequestState.succeeded,
                )
                if waiting:
                    approvals.insert_approval(
                        session,
                        request_id=request_id,
                        team=spec.team,
                        role=TeamRole.lead,
                        requested_by="admin",
                        reasons=[{"rule": "approvals.rego", "message": "prod needs approval"}],
                        timeout=timedelta(days=3),
                    )
                last = request_id
    with store.session() as session:
        session_id, _ = sessions.open_session(session, token)
    return session_id, last


def measure(client: TestClient, path: str, n: int) -> tuple[float, float]:
    for _ in range(3):
        assert client.get(path).status_code == 200, path
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        client.get(path)
        samples.append(time.perf_counter() - started)
    cuts = statistics.quantiles(samples, n=20)
    return statistics.median(samples) * 1000, cuts[18] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--n", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(home=Path(tmp) / "paved", admin_token=TOKEN, demo_data=False)
        app = create_application(settings)
        started = time.perf_counter()
        session_id, request_id = seed(app.state.store, args.services)
        print(f"seeded {args.services} services in {time.perf_counter() - started:.1f} s")
        with TestClient(app, cookies={sessions.COOKIE: session_id}) as client:
            pages = [
                "/",
                "/catalog?q=svc-1234",
                "/catalog?q=things",
                "/services/svc-00042",
                f"/requests/{request_id}",
                "/create",
                "/create/python-api",
                "/approvals",
                "/admin",
            ]
            load = " ".join(f"{x:.2f}" for x in os.getloadavg())
            print(f"{os.cpu_count()} CPUs, load average {load}; server time per page, ms")
            for path in pages:
                p50, p95 = measure(client, path, args.n)
                verdict = "PASS" if p95 < 100 else "FAIL"
                label = path.replace(request_id, "{id}")
                print(f"  {label:28} p50 {p50:7.1f}  p95 {p95:7.1f}   target < 100: {verdict}")


if __name__ == "__main__":
    main()
