"""Benchmark of Paved's create-service path: latency, throughput and the orchestrator's overhead.

Runs `paved up` as a subprocess on a fresh home against real PostgreSQL and Redis servers started
for the run, once per store backend (SQLite; PostgreSQL as store and DBOS system database), and
prints the figures next to their targets. Usage: `.venv/bin/python bench/create_service.py
[--backend sqlite|postgres|both] [--n 20] [--quick]`; see bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

import httpx
import psycopg
from psycopg import sql

from paved.providers.embedded.postgres_cluster import EmbeddedPostgres
from paved.providers.embedded.redis_server import EmbeddedRedis

ENDS = {"succeeded", "failed", "rolled_back"}
POLL_SECONDS = 0.02
TARGET_P95, TARGET_RATE, TARGET_RATIO = 3.0, 60.0, 3.0
PROBE_COMMITS = 300
FOLLOW_TIMEOUT = 600.0
Body = dict[str, Any]
Follow = Callable[[httpx.AsyncClient, str], Awaitable[Body]]


@dataclass(frozen=True)
class Outcome:
    """One create as the client saw it."""

    name: str
    state: str
    seconds: float
    body: Body


@dataclass(frozen=True)
class Timeline:
    """One finished request from its server-side timestamps (seconds)."""

    total: float
    provider: dict[str, float]
    gaps: dict[str, float]

    @property
    def orchestrator(self) -> float:
        return sum(self.gaps.values())


@dataclass(frozen=True)
class Servers:
    """The real systems of the run: one PostgreSQL cluster and one Redis server."""

    root: Path
    postgres_admin_url: str
    redis_admin_url: str


# ---- statistics and timestamps ----------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear-interpolated percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: list[float]) -> float:
    return percentile(values, 50)


def stamp(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def timeline(body: Body) -> Timeline:
    """Provider time per step (started -> finished) and orchestrator gaps around the steps."""
    steps = body["steps"]
    provider: dict[str, float] = {}
    gaps: dict[str, float] = {}
    previous, previous_at = "accept", stamp(body["created_at"])
    for step in steps:
        started, finished = stamp(step["started_at"]), stamp(step["finished_at"])
        gaps[f"{previous} -> {step['key']}"] = (started - previous_at).total_seconds()
        provider[step["key"]] = (finished - started).total_seconds()
        previous, previous_at = step["key"], finished
    gaps[f"{previous} -> succeeded"] = (stamp(body["updated_at"]) - previous_at).total_seconds()
    total = (stamp(body["updated_at"]) - stamp(body["created_at"])).total_seconds()
    return Timeline(total=total, provider=provider, gaps=gaps)


# ---- one durable commit -------------------------------------------------------------------------


def sqlite_commit_seconds(
    path: Path, count: int = PROBE_COMMITS, *, dbos_defaults: bool = False
) -> list[float]:
    """INSERT+COMMIT of one row, as the store configures SQLite (WAL, synchronous=FULL), or
    with SQLite's defaults (rollback journal, synchronous=FULL) for comparison."""
    conn = sqlite3.connect(path, isolation_level=None)
    pragmas = ["busy_timeout=30000"]
    if not dbos_defaults:
        pragmas += ["journal_mode=WAL", "synchronous=FULL"]
    try:
        for pragma in pragmas:
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("CREATE TABLE IF NOT EXISTS probe (id INTEGER PRIMARY KEY, note TEXT)")
        timings = []
        for index in range(count + 20):
            start = time.perf_counter()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO probe (note) VALUES (?)", (f"row {index}",))
            conn.execute("COMMIT")
            timings.append(time.perf_counter() - start)
        return timings[20:]
    finally:
        conn.close()


def postgres_commit_seconds(url: str, count: int = PROBE_COMMITS) -> list[float]:
    """INSERT+COMMIT of one row over loopback TCP, default synchronous_commit."""
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS probe (id serial PRIMARY KEY, note text)")
        conn.commit()
        timings = []
        for index in range(count + 20):
            start = time.perf_counter()
            conn.execute("INSERT INTO probe (note) VALUES (%s)", (f"row {index}",))
            conn.commit()
            timings.append(time.perf_counter() - start)
        return timings[20:]


# ---- servers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def real_servers() -> Iterator[Servers]:
    """A fresh durable PostgreSQL cluster and a Redis server in a temp dir; removed afterwards."""
    root = Path(tempfile.mkdtemp(prefix="paved-bench-"))
    root.chmod(0o711)  # the `postgres` OS user must reach the cluster's directory
    cluster = EmbeddedPostgres(root / "postgres", durable=True)
    redis = EmbeddedRedis(root / "redis")
    try:
        yield Servers(root, cluster.ensure_running(), redis.ensure_running())
    finally:
        redis.stop()
        cluster.stop()
        if cluster.base_dir != cluster.data_dir:
            shutil.rmtree(cluster.base_dir, ignore_errors=True)
        shutil.rmtree(root, ignore_errors=True)


def database_url(admin_url: str, database: str) -> str:
    return f"{admin_url.rpartition('/')[0]}/{database}"


def admin_execute(admin_url: str, statement: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


def server_version(admin_url: str) -> str:
    with psycopg.connect(admin_url, connect_timeout=5) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return str(row[0]) if row else "?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Paved:
    """A running `paved up`."""

    base_url: str
    pid: int
    log: Path


@contextlib.contextmanager
def paved_up(home: Path, token: str, env: dict[str, str]) -> Iterator[Paved]:
    """`paved up` as a subprocess on a free loopback port, yielded once ready."""
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PAVED_")}
    child_env |= {"PAVED_HOME": str(home), "PAVED_ADMIN_TOKEN": token, **env}
    executable = Path(sys.executable).with_name("paved")
    log_path = home.with_name(home.name + ".log")
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(executable), "up", "--host", "127.0.0.1", "--port", str(port)],
            env=child_env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_ready(base_url, process, log_path)
            yield Paved(base_url, process.pid, log_path)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(base_url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"paved up exited: {log_path.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/readyz", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"paved up not ready after 120 s: {log_path.read_text()[-2000:]}")


# ---- driving the API ----------------------------------------------------------------------------


async def poll(client: httpx.AsyncClient, request_id: str) -> Body:
    """GET the request every 20 ms until it ends."""
    while True:
        body: Body = (await client.get(f"/api/v1/requests/{request_id}")).json()
        if body["state"] in ENDS:
            return body
        await asyncio.sleep(POLL_SECONDS)


async def follow_events(client: httpx.AsyncClient, request_id: str) -> Body:
    """Follow the request's SSE stream until an event shows it ended."""
    url = f"/api/v1/requests/{request_id}/events"
    async with client.stream("GET", url, timeout=httpx.Timeout(30, read=None)) as response:
        async for line in response.aiter_lines():
            if line.startswith("data:"):
                body: Body = json.loads(line[5:])
                if body["state"] in ENDS:
                    return body
    return await poll(client, request_id)  # the stream ended early: fall back to polling


async def create(client: httpx.AsyncClient, name: str, follow: Follow) -> Outcome:
    """POST a service with postgres and redis resources and wait until its request ends."""
    payload = {
        "name": name, "template": "python-api", "team": "checkout",
        "resources": [{"type": "postgres"}, {"type": "redis"}],
    }  # fmt: skip
    start = time.perf_counter()
    response = await client.post("/api/v1/services", json=payload)
    if response.status_code != 202:
        return Outcome(name, f"HTTP {response.status_code}", 0.0, {"detail": response.text[:300]})
    body = await asyncio.wait_for(follow(client, response.json()["id"]), FOLLOW_TIMEOUT)
    return Outcome(name, body["state"], time.perf_counter() - start, body)


async def closed_loop(
    client: httpx.AsyncClient, names: list[str], in_flight: int, follow: Follow
) -> tuple[list[Outcome], float]:
    """Keep `in_flight` creates running until every name is done; (outcomes, wall seconds)."""
    pending = iter(names)
    outcomes: list[Outcome] = []

    async def worker() -> None:
        for name in pending:
            outcomes.append(await create(client, name, follow))

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(in_flight)))
    return outcomes, time.perf_counter() - start


async def tear_down(client: httpx.AsyncClient) -> tuple[int, int, float]:
    """Delete every service (32 at a time); (count, failures, wall seconds)."""
    names = [s["name"] for s in (await client.get("/api/v1/services")).json()["data"]]
    gate = asyncio.Semaphore(32)

    async def one(name: str) -> bool:
        async with gate:
            response = await client.delete(f"/api/v1/services/{name}")
            if response.status_code != 202:
                return False
            body = await asyncio.wait_for(follow_events(client, response.json()["id"]), 600)
            return bool(body["state"] == "succeeded")

    start = time.perf_counter()
    results = await asyncio.gather(*(one(n) for n in names))
    return len(names), results.count(False), time.perf_counter() - start


# ---- CPU accounting ----------------------------------------------------------------------------


def process_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of `pid` itself and of its waited-for children (git runs as subprocesses)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    ticks = [int(value) for value in fields[11:15]]  # utime, stime, cutime, cstime
    clock = os.sysconf("SC_CLK_TCK")
    return (ticks[0] + ticks[1]) / clock, (ticks[2] + ticks[3]) / clock


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    total = sum(values[:8])
    return total - values[3] - values[4], total


class CpuMeter:
    """CPU used by the Paved process and by the whole machine over one phase."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.process = process_cpu(pid)
        self.machine = machine_cpu()

    def report(self, services: int) -> None:
        own, children = (b - a for a, b in zip(self.process, process_cpu(self.pid), strict=True))
        busy, total = (b - a for a, b in zip(self.machine, machine_cpu(), strict=True))
        count = max(services, 1)
        print(
            f"   CPU per service: paved process {own / count:.2f} s + its git subprocesses "
            f"{children / count:.2f} s; whole machine {busy / total if total else 0:.0%} busy"
        )


# ---- reporting ----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def report_failures(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.state == "succeeded":
            continue
        detail = outcome.body.get("error") or outcome.body.get("detail")
        print(f"     FAILED {outcome.name}: {outcome.state}: {detail}")
        for step in outcome.body.get("steps", []):
            if step["state"] != "succeeded":
                tries = step["attempts"]
                print(f"       step {step['key']}: {step['state']} after {tries} attempt(s)")


def report_latency(outcomes: list[Outcome], timelines: list[Timeline]) -> float:
    ok = [o.seconds for o in outcomes if o.state == "succeeded"]
    server = [t.total for t in timelines]
    p95 = percentile(ok, 95)
    print(f"   succeeded {len(ok)}/{len(outcomes)}")
    print(
        f"   end-to-end, client (POST -> GET shows succeeded): median {median(ok):.3f} s   "
        f"p95 {p95:.3f} s   max {max(ok):.3f} s   target p95 < {TARGET_P95:.0f} s: "
        f"{verdict(p95 < TARGET_P95)}"
    )
    print(
        f"   end-to-end, server (request created_at -> succeeded): median "
        f"{median(server):.3f} s   p95 {percentile(server, 95):.3f} s"
    )
    report_failures(outcomes)
    return p95


def report_throughput(in_flight: int, outcomes: list[Outcome], wall: float) -> float:
    ok = [o for o in outcomes if o.state == "succeeded"]
    rate = len(ok) * 60 / wall
    latencies = [o.seconds for o in ok] or [0.0]
    print(
        f"   K={in_flight:<2}: {len(ok)}/{len(outcomes)} succeeded in {wall:.1f} s -> "
        f"{rate:.1f} services/min   (latency median {median(latencies):.2f} s, p95 "
        f"{percentile(latencies, 95):.2f} s)   target >= {TARGET_RATE:.0f}/min: "
        f"{verdict(rate >= TARGET_RATE)}"
    )
    report_failures(outcomes)
    return rate


def report_breakdown(label: str, timelines: list[Timeline]) -> None:
    """Median provider time of each step and median orchestrator gap before it."""
    print(f"   where the time goes, {label} (median over {len(timelines)} requests):")
    print(f"     {'step':<22}{'orchestrator before':>22}{'provider':>12}")
    first = timelines[0]
    for index, (key, gap_key) in enumerate(zip(first.provider, first.gaps, strict=False)):
        gap = median([list(t.gaps.values())[index] for t in timelines])
        own = median([t.provider[key] for t in timelines])
        print(f"     {key:<22}{ms(gap):>22}{ms(own):>12}   ({gap_key})")
    last = median([list(t.gaps.values())[-1] for t in timelines])
    print(f"     {'-> succeeded':<22}{ms(last):>22}")
    orchestrator = median([t.orchestrator for t in timelines])
    providers = median([sum(t.provider.values()) for t in timelines])
    print(
        f"     total: orchestrator {ms(orchestrator)}, providers {ms(providers)}, "
        f"request {ms(median([t.total for t in timelines]))}"
    )


def overhead_per_step(timelines: list[Timeline]) -> float:
    return median([t.orchestrator / len(t.provider) for t in timelines])


def report_overhead(timelines: list[Timeline]) -> float:
    """The orchestrator's time around the steps; returns the overhead per step (seconds)."""
    first = median([next(iter(t.gaps.values())) for t in timelines])
    between = median([sum(list(t.gaps.values())[1:-1]) for t in timelines])
    last = median([list(t.gaps.values())[-1] for t in timelines])
    print(
        f"   orchestrator time per request (medians): accept -> first step {ms(first)}, "
        f"between steps {ms(between)} in all, last step -> succeeded {ms(last)}; total "
        f"{ms(median([t.orchestrator for t in timelines]))} over {len(timelines[0].provider)} steps"
    )
    return overhead_per_step(timelines)


def report_ratio(per_step: float, polled: float, before: list[float], after: list[float]) -> float:
    """One durable commit (probed before and after the phases) and the overhead as a ratio."""
    commit = median(before + after)
    ratio = per_step / commit
    print(
        f"   one durable commit (single-row INSERT+COMMIT): median {commit * 1000:.3f} ms "
        f"(before the phases {median(before) * 1000:.3f} ms, after {median(after) * 1000:.3f} ms)"
    )
    print(
        f"   overhead per step: {ms(per_step)} = {ratio:.1f}x one commit   target <= "
        f"{TARGET_RATIO:.0f}x: {verdict(ratio <= TARGET_RATIO)}"
    )
    print(
        f"   (the same from phase 1, under 20 ms polling: {ms(polled)} per step = "
        f"{polled / commit:.1f}x one commit)"
    )
    return ratio


# ---- one backend, end to end --------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """How much to run: warm-up creates, sequential creates, closed loops (in flight, services)."""

    warmup: int
    n: int
    loops: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Summary:
    backend: str
    p95: float
    rates: dict[int, float]
    ratio: float


async def report_teardown(client: httpx.AsyncClient) -> None:
    count, failures, wall = await tear_down(client)
    print(f"   (teardown: {count} services deleted in {wall:.1f} s, {failures} failed)")


async def sequential_phase(
    client: httpx.AsyncClient, paved: Paved, plan: Plan, tag: str
) -> tuple[float, list[Timeline]]:
    """N creates one after the other, each followed by polling; (p95, timelines)."""
    print(
        f"1. sequential creates, N={plan.n} (after {plan.warmup} warm-up, not counted), "
        "following: poll GET /api/v1/requests/{id} every 20 ms"
    )
    meter = CpuMeter(paved.pid)
    outcomes = [await create(client, f"seq-{tag}-{i:03d}", poll) for i in range(plan.n)]
    timelines = [timeline(o.body) for o in outcomes if o.state == "succeeded"]
    if not timelines:
        report_failures(outcomes)
        return float("inf"), []
    p95 = report_latency(outcomes, timelines)
    meter.report(len(timelines))
    report_breakdown("sequential", timelines)
    await report_teardown(client)
    return p95, timelines


async def throughput_phase(
    client: httpx.AsyncClient, paved: Paved, in_flight: int, total: int, tag: str, last: bool
) -> float:
    """A closed loop of `in_flight` creates over `total` services; services per minute.

    The services are torn down afterwards, except after the `last` loop: the next phase uses
    other names, and the servers go at the end of the run.
    """
    names = [f"k{in_flight}-{tag}-{i:03d}" for i in range(total)]
    meter = CpuMeter(paved.pid)
    outcomes, wall = await closed_loop(client, names, in_flight, follow_events)
    rate = report_throughput(in_flight, outcomes, wall)
    meter.report(len(outcomes))
    loaded = [timeline(o.body) for o in outcomes if o.state == "succeeded"]
    if loaded:
        report_breakdown(f"K={in_flight}", loaded)
    if not last:
        await report_teardown(client)
    return rate


async def overhead_phase(client: httpx.AsyncClient, plan: Plan, tag: str) -> float:
    """N more sequential creates, followed through SSE (light); the overhead per step."""
    print(
        "3. orchestrator overhead per step = time outside the steps (accept -> first step, "
        "between steps, last step -> succeeded) / steps,"
    )
    print(
        f"   from the step timestamps of N={plan.n} more sequential creates followed through "
        "SSE (without phase 1's 20 ms polling load)"
    )
    outcomes = [await create(client, f"ovh-{tag}-{i:03d}", follow_events) for i in range(plan.n)]
    quiet = [timeline(o.body) for o in outcomes if o.state == "succeeded"]
    report_failures(outcomes)
    return report_overhead(quiet) if quiet else float("inf")


@dataclass(frozen=True)
class Figures:
    """What the phases of one backend measured (seconds, services per minute)."""

    p95: float
    rates: dict[int, float]
    per_step: float
    polled_per_step: float


async def run_phases(paved: Paved, token: str, plan: Plan, tag: str) -> Figures:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        base_url=paved.base_url, headers=headers, timeout=60, limits=limits
    ) as client:
        for index in range(plan.warmup):
            await create(client, f"warm-{tag}-{index}", poll)
        await tear_down(client)
        p95, timelines = await sequential_phase(client, paved, plan, tag)
        print(
            "2. throughput, closed loop (K creates always in flight), following: SSE "
            "/api/v1/requests/{id}/events; only succeeded creates count"
        )
        rates = {}
        for in_flight, total in plan.loops:
            last = (in_flight, total) == plan.loops[-1]
            rates[in_flight] = await throughput_phase(client, paved, in_flight, total, tag, last)
        per_step = await overhead_phase(client, plan, tag)
    polled = overhead_per_step(timelines) if timelines else float("inf")
    return Figures(p95, rates, per_step, polled)


def report_log(log: Path) -> None:
    """Warnings and errors the server logged during the run, counted by message."""
    counts: dict[str, int] = {}
    for line in log.read_text(errors="replace").splitlines():
        if any(word in line for word in ("WARNING", "ERROR", "Traceback", "Contention")):
            counts[line[:160]] = counts.get(line[:160], 0) + 1
    print(f"   server log: {sum(counts.values())} warning/error lines")
    for line, count in sorted(counts.items(), key=lambda item: -item[1])[:5]:
        print(f"     {count:>4} x {line}")


def probe_commits(backend: str, home: Path, env: dict[str, str]) -> list[float]:
    """Single-row INSERT+COMMIT timings on the backend's database, as the store configures it."""
    if backend == "postgres":
        commits = postgres_commit_seconds(env["PAVED_DATABASE_URL"])
        with psycopg.connect(env["PAVED_DATABASE_URL"], autocommit=True) as conn:
            conn.execute("DROP TABLE probe")
        return commits
    commits = sqlite_commit_seconds(home / "commit-probe.sqlite")
    for path in home.glob("commit-probe.sqlite*"):
        path.unlink()
    return commits


def floor_url(backend: str, home: Path, servers: Servers, database: str) -> str:
    """A fresh DBOS system database of the backend's kind, for `dbos_floor.py`."""
    if backend == "postgres":
        return database_url(servers.postgres_admin_url, f"{database}_floor")
    return f"sqlite:///{home / 'dbos-floor.sqlite'}"


def report_dbos_floor(url: str, commits: list[float]) -> None:
    """DBOS's own cost of one no-op step on the same kind of database, as a ratio too."""
    script = Path(__file__).with_name("dbos_floor.py")
    done = subprocess.run(
        [sys.executable, str(script), url], capture_output=True, text=True, check=True
    )
    step = float(done.stdout.strip().splitlines()[-1])
    print(
        f"   (DBOS's own floor: a no-op durable step takes {ms(step)} = "
        f"{step / median(commits):.1f}x one commit, measured in a separate process)"
    )


def report_dbos_sqlite_commit(home: Path) -> None:
    """For context: a commit on SQLite's defaults (rollback journal)."""
    timings = sqlite_commit_seconds(home / "dbos-probe.sqlite", 100, dbos_defaults=True)
    for path in home.glob("dbos-probe.sqlite*"):
        path.unlink()
    print(
        "   (for context: a commit with SQLite's defaults, journal_mode=DELETE and "
        f"synchronous=FULL: median {ms(median(timings))})"
    )


def start_backend(backend: str, servers: Servers, database: str) -> tuple[Path, dict[str, str]]:
    """A fresh home and environment (and for `postgres` a fresh database)."""
    home = servers.root / f"home-{backend}"
    home.mkdir(mode=0o700)
    env = {
        "PAVED_POSTGRES_ADMIN_URL": servers.postgres_admin_url,
        "PAVED_REDIS_ADMIN_URL": servers.redis_admin_url,
    }
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\n=== store backend: {backend} === (load average now {load})")
    if backend == "postgres":
        admin_execute(servers.postgres_admin_url, "CREATE DATABASE {}", database)
        env["PAVED_DATABASE_URL"] = database_url(servers.postgres_admin_url, database)
        print(
            f"store: database {database}, DBOS system database {database}_dbos_sys "
            "(same server; synchronous_commit=on, fsync=on)"
        )
    else:
        print("store: paved.sqlite and DBOS's dbos.sqlite under home (both WAL, synchronous=FULL)")
    return home, env


def run_backend(backend: str, servers: Servers, plan: Plan) -> Summary:
    """Commit probe, `paved up`, the phases, a second commit probe, the ratio."""
    database = f"paved_bench_{uuid.uuid4().hex[:8]}"
    home, env = start_backend(backend, servers, database)
    before = probe_commits(backend, home, env)
    token = secrets.token_urlsafe(24)
    try:
        with paved_up(home, token, env) as paved:
            figures = asyncio.run(run_phases(paved, token, plan, backend))
            after = probe_commits(backend, home, env)  # Paved idle, still running
            ratio = report_ratio(figures.per_step, figures.polled_per_step, before, after)
            report_dbos_floor(floor_url(backend, home, servers, database), before + after)
            if backend == "sqlite":
                report_dbos_sqlite_commit(home)
            report_log(paved.log)
    finally:
        if backend == "postgres":
            for name in (database, f"{database}_dbos_sys", f"{database}_floor"):
                statement = "DROP DATABASE IF EXISTS {} WITH (FORCE)"
                admin_execute(servers.postgres_admin_url, statement, name)
    return Summary(backend, figures.p95, figures.rates, ratio)


# ---- header, summary, command line --------------------------------------------------------------


def filesystem_of(path: Path) -> str:
    best, kind = "", "?"
    for line in Path("/proc/mounts").read_text().splitlines():
        fields = line.split()
        if str(path).startswith(fields[1]) and len(fields[1]) > len(best):
            best, kind = fields[1], f"{fields[2]} ({fields[0]})"
    return kind


def print_header(servers: Servers) -> None:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    print(f"Paved create-service benchmark, {now}")
    print(f"machine: nproc {len(os.sched_getaffinity(0))}, {cpu}, load average {load} (shared)")
    print(
        f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, PostgreSQL "
        f"{server_version(servers.postgres_admin_url)}, DBOS {version('dbos')}, "
        f"filesystem {filesystem_of(servers.root)}"
    )
    print(
        "server: `paved up` as a subprocess (uvicorn, one process: API + DBOS worker) on "
        "127.0.0.1, request_concurrency 32 (default); client: httpx in this process"
    )
    print(
        "providers: git (local bare repos), postgres + redis resources on a real PostgreSQL "
        "cluster (fsync on) and Redis server started for the run, CI, monitoring, catalog"
    )


def print_summary(summaries: list[Summary]) -> None:
    print("\n=== summary (targets: p95 < 3 s, >= 60 services/min, overhead/step <= 3x commit) ===")
    for s in summaries:
        rates = "   ".join(
            f"K={k}: {r:.1f}/min {verdict(r >= TARGET_RATE)}" for k, r in s.rates.items()
        )
        print(
            f"{s.backend:<9} p95 {s.p95:.3f} s {verdict(s.p95 < TARGET_P95)}   {rates}   "
            f"overhead/step {s.ratio:.1f}x commit {verdict(s.ratio <= TARGET_RATIO)}"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--n", type=int, default=20, help="sequential creates (default 20)")
    parser.add_argument(
        "--services", type=int, help="services per closed loop (default 48 at K=8, 64 at K=32)"
    )
    parser.add_argument("--quick", action="store_true", help="small counts, for a smoke run")
    return parser.parse_args()


def plan_of(args: argparse.Namespace) -> Plan:
    if args.quick:
        return Plan(warmup=1, n=min(args.n, 3), loops=((8, 8), (32, 32)))
    k8, k32 = (args.services, args.services) if args.services else (48, 64)
    return Plan(warmup=2, n=args.n, loops=((8, k8), (32, k32)))


def main() -> None:
    args = parse_args()
    plan = plan_of(args)
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    started = time.perf_counter()
    with real_servers() as servers:
        print_header(servers)
        summaries = [run_backend(backend, servers, plan) for backend in backends]
    print_summary(summaries)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"(whole run {time.perf_counter() - started:.0f} s; load average at the end {load})")


if __name__ == "__main__":
    main()
