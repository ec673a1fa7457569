"""Benchmark of the catalog at Backstage's scale: ingest, by-name, filter, full-text search, memory.

Generates a catalog (22,700 entities: 20,000 Components, 2,000 Resources, 500 Systems, 200
Groups — the size Backstage's catalog backend was measured at — and a 100,000-entity variant
with APIs and Users), writes it as `catalog-info.yaml` files behind one Location entity,
registers that location through the API of a Paved served by uvicorn with one worker process
per core, and loads it with `wrk` (Debian's package; 32 connections, 20 s per measure), on
SQLite and on PostgreSQL. Prints the table of the issue with the measured figures.

Usage: `.venv/bin/python bench/catalog.py [--backend sqlite|postgres|both]
[--size 22700|100000|both] [--duration 20] [--quick]`; see bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import secrets
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg
import yaml
from psycopg import sql

SIZES: dict[int, dict[str, int]] = {
    22_700: {"Group": 200, "System": 500, "Resource": 2_000, "Component": 20_000},
    100_000: {
        "Group": 1_000,
        "User": 9_000,
        "System": 2_000,
        "API": 10_000,
        "Resource": 8_000,
        "Component": 70_000,
    },
}
PER_FILE = 2_000
CONNECTIONS = 32
BACKSTAGE = {
    "ingest": "595 s",
    "by-name": "747 req/s, p50 34 ms, p99 469 ms",
    "filter": "2.1 req/s, p99 9.1 s",
    "search": "19.6 req/s, p99 8.1 s",
    "memory": "1.27 GB RSS",
}
TARGETS = {
    "by-name": (3000.0, 50.0),
    "filter": (1000.0, 100.0),
    "search": (500.0, 200.0),
}
INGEST_TARGET = {22_700: 20.0, 100_000: 60.0}
MEMORY_TARGET_MB = 400.0


# ---- the catalog --------------------------------------------------------------------------------


def vocabulary(rnd: random.Random, size: int = 3_000) -> list[str]:
    """Made-up product words (`ledgora`, `invexa` …): each names a few dozen entities."""
    syllables = ["led", "gor", "inv", "ex", "pay", "ro", "mon", "ta", "qui", "vel", "sar", "nim"]
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))))
    return sorted(words)


def generate(sizes: dict[str, int], seed: int = 7) -> tuple[list[dict[str, Any]], list[str]]:
    """The entities of one catalog, and the words their descriptions use."""
    rnd = random.Random(seed)
    words = vocabulary(rnd)
    groups = sizes["Group"]
    systems = sizes["System"]
    resources = sizes["Resource"]
    apis = sizes.get("API", 0)

    def meta(name: str, kind_title: str) -> dict[str, Any]:
        chosen = rnd.sample(words, 4)
        return {
            "name": name,
            "title": f"{chosen[0].capitalize()} {kind_title}",
            "description": f"{chosen[1]} {chosen[2]} for {chosen[3]}",
            "tags": [rnd.choice(["python", "go", "java", "node"]), f"tier-{rnd.randint(1, 3)}"],
            "annotations": {"paved.dev/bench": "true"},
        }

    def envelope(kind: str, metadata: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
        return {
            "apiVersion": "backstage.io/v1alpha1",
            "kind": kind,
            "metadata": metadata,
            "spec": spec,
        }

    entities = [
        envelope("Group", {"name": f"team-{g}"}, {"type": "team", "children": []})
        for g in range(groups)
    ]
    entities += [
        envelope("User", {"name": f"user-{u}"}, {"memberOf": [f"team-{u % groups}"]})
        for u in range(sizes.get("User", 0))
    ]
    entities += [
        envelope("System", meta(f"system-{s}", "system"), {"owner": f"team-{s % groups}"})
        for s in range(systems)
    ]
    entities += [
        envelope(
            "API",
            meta(f"api-{a}", "API"),
            {
                "type": "openapi",
                "lifecycle": "production",
                "owner": f"team-{a % groups}",
                "system": f"system-{a % systems}",
                "definition": "openapi: 3.0.0",
            },
        )
        for a in range(apis)
    ]
    entities += [
        envelope(
            "Resource",
            meta(f"db-{r}", "database"),
            {"type": "database", "owner": f"team-{r % groups}", "system": f"system-{r % systems}"},
        )
        for r in range(resources)
    ]
    for c in range(sizes["Component"]):
        spec: dict[str, Any] = {
            "type": rnd.choice(["service", "website", "library"]),
            "lifecycle": rnd.choice(["production", "experimental"]),
            "owner": f"group:team-{c % groups}",
            "system": f"system-{c % systems}",
            "dependsOn": [f"resource:db-{rnd.randrange(resources)}"],
        }
        if apis:
            spec["providesApis"] = [f"api-{c % apis}"]
            spec["consumesApis"] = [f"api-{rnd.randrange(apis)}"]
        entities.append(envelope("Component", meta(f"svc-{c}", "service"), spec))
    return entities, words


def write_catalog(root: Path, entities: list[dict[str, Any]]) -> Path:
    """`parts/part-NNN.yaml` of 2,000 entities each, behind `catalog-info.yaml` (a Location)."""
    parts = root / "parts"
    parts.mkdir(parents=True)
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for index in range(0, len(entities), PER_FILE):
        text = yaml.dump_all(entities[index : index + PER_FILE], Dumper=dumper, sort_keys=False)
        (parts / f"part-{index // PER_FILE:03d}.yaml").write_text(text)
    location = {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {"name": "bench"},
        "spec": {"targets": ["./parts/*.yaml"]},
    }
    path = root / "catalog-info.yaml"
    path.write_text(yaml.safe_dump(location))
    return path


# ---- the server ---------------------------------------------------------------------------------


def serve() -> Any:
    """uvicorn's factory: the Platform API on the store in PAVED_* (prepared by the parent)."""
    from paved.api.app import create_app
    from paved.core.settings import Settings
    from paved.store.db import Store

    settings = Settings()
    return create_app(settings, Store(settings.store_url))


def prepare_home(home: Path, env: dict[str, str], token: str) -> None:
    """Migrate and bootstrap once, before the workers start (they then only serve)."""
    from paved.core.settings import Settings
    from paved.main import bootstrap
    from paved.store.db import Store

    home.mkdir(mode=0o700, parents=True)
    settings = Settings(
        home=home, database_url=env.get("PAVED_DATABASE_URL"), admin_token=token, demo_data=False
    )
    store = Store(settings.store_url)
    store.migrate()
    bootstrap(settings, store)
    store.dispose()


@dataclass
class Server:
    base_url: str
    process: subprocess.Popen[bytes]
    log: Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def uvicorn_server(home: Path, env: dict[str, str], workers: int) -> Iterator[Server]:
    port = free_port()
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("PAVED_")}
    child_env |= {"PAVED_HOME": str(home), **env}
    log_path = home.with_name(home.name + ".log")
    command = [
        sys.executable, "-m", "uvicorn", "catalog:serve", "--factory",
        "--app-dir", str(Path(__file__).parent), "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    with log_path.open("w") as log:
        process = subprocess.Popen(command, env=child_env, stdout=log, stderr=subprocess.STDOUT)
        server = Server(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_ready(server)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_ready(server: Server) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"uvicorn exited: {server.log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{server.base_url}/healthz", timeout=2).status_code == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server not ready after 120 s: {server.log.read_text()[-2000:]}")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        stack += children.get(current, [])
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


# ---- load with wrk ------------------------------------------------------------------------------


@dataclass
class Load:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: int
    requests: int


def lua_script(path: Path, token: str, urls: list[str]) -> Path:
    """A wrk script sending each request to a random one of `urls`."""
    quoted = ",\n".join(json.dumps(u) for u in urls)
    path.write_text(
        f"local urls = {{\n{quoted}\n}}\n"
        "math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16))\n"
        "request = function()\n"
        "  return wrk.format('GET', urls[math.random(#urls)], "
        f"{{['Authorization'] = 'Bearer {token}'}})\n"
        "end\n"
    )
    return path


def run_wrk(base_url: str, script: Path, duration: int) -> Load:
    command = [
        "wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{duration}s", "--latency",
        "--timeout", "30s", "-s", str(script), base_url,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(non_2xx.group(1)) if non_2xx else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Load(rate, p50, p99, errors, requests)


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


# ---- one run ------------------------------------------------------------------------------------


@dataclass
class Result:
    backend: str
    size: int
    ingest_s: float
    rss_mb: float
    rss_after_load_mb: float
    loads: dict[str, Load] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalog:
    size: int
    path: Path
    words: list[str]


def measure(
    backend: str, catalog: Catalog, admin_url: str | None, root: Path, duration: int
) -> Result:
    size, words = catalog.size, catalog.words
    sizes = SIZES[size]
    token = "paved_bench_" + secrets.token_urlsafe(16)
    env: dict[str, str] = {}
    database = f"paved_catalog_{uuid.uuid4().hex[:8]}"
    if backend == "postgres":
        assert admin_url is not None
        _admin(admin_url, "CREATE DATABASE {}", database)
        env["PAVED_DATABASE_URL"] = f"{admin_url.rpartition('/')[0]}/{database}"
    home = root / f"home-{backend}-{size}"
    prepare_home(home, env, token)
    workers = len(os.sched_getaffinity(0))
    try:
        with uvicorn_server(home, env, workers) as server:
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=server.base_url, headers=headers, timeout=600) as client:
                started = time.perf_counter()
                answer = client.post(
                    "/api/v1/catalog/locations", json={"type": "file", "target": str(catalog.path)}
                )
                ingest = time.perf_counter() - started
                answer.raise_for_status()
                location = answer.json()
                total = client.get("/api/v1/catalog/entities", params={"limit": 1}).json()
            expected = sum(sizes.values()) + 1  # and the Location entity
            if location["errors"] or total["totalItems"] != expected:
                raise RuntimeError(f"ingest incomplete: {total['totalItems']} of {expected}")
            result = Result(backend, size, ingest, tree_rss_mb(server.process.pid), 0.0)
            print(f"  ingested {expected} entities in {ingest:.1f} s; RSS {result.rss_mb:.0f} MB")
            if backend == "postgres" and admin_url:
                waited = wait_for_autovacuum(admin_url)
                print(f"  waited {waited:.0f} s for PostgreSQL's autovacuum after the load")
            rnd = random.Random(3)
            components = sizes["Component"]
            groups = sizes["Group"]
            scripts = {
                "by-name": [
                    f"/api/v1/catalog/entities/by-name/component/default/svc-{rnd.randrange(components)}"
                    for _ in range(2000)
                ],
                "filter": [
                    "/api/v1/catalog/entities?limit=50&filter="
                    f"kind%3Dcomponent%2Cspec.owner%3Dgroup%3Ateam-{rnd.randrange(groups)}"
                    for _ in range(2000)
                ],
                "search": [
                    f"/api/v1/catalog/entities/by-query?limit=50&q={rnd.choice(words)}"
                    for _ in range(2000)
                ],
            }
            for name, urls in scripts.items():
                script = lua_script(root / f"{name}.lua", token, urls)
                load = run_wrk(server.base_url, script, duration)
                result.loads[name] = load
                print(
                    f"  {name:<8} {load.rate:8.1f} req/s  p50 {load.p50_ms:7.1f} ms  "
                    f"p99 {load.p99_ms:7.1f} ms  ({load.requests} requests, {load.errors} errors)"
                )
            result.rss_after_load_mb = tree_rss_mb(server.process.pid)
            return result
    finally:
        if backend == "postgres" and admin_url:
            _admin(admin_url, "DROP DATABASE IF EXISTS {} WITH (FORCE)", database)
        shutil.rmtree(home, ignore_errors=True)


def wait_for_autovacuum(admin_url: str, limit: float = 300.0) -> float:
    """Seconds until no autovacuum worker runs (after a bulk load it vacuums and analyzes the
    new tables, taking a core of this 2-core machine away from the measures)."""
    started = time.monotonic()
    query = "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'"
    quiet = 0
    while time.monotonic() - started < limit and quiet < 3:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
            row = conn.execute(query).fetchone()
        quiet = quiet + 1 if row and row[0] == 0 else 0
        time.sleep(1)
    return time.monotonic() - started


def _admin(admin_url: str, statement: str, name: str) -> None:
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql.SQL(statement).format(sql.Identifier(name)))


@contextlib.contextmanager
def postgres_server(root: Path) -> Iterator[str]:
    from paved.providers.embedded.postgres_cluster import EmbeddedPostgres

    cluster = EmbeddedPostgres(root / "postgres", durable=True)
    try:
        yield cluster.ensure_running()
    finally:
        cluster.stop()
        if cluster.base_dir != cluster.data_dir:
            shutil.rmtree(cluster.base_dir, ignore_errors=True)


# ---- report -------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_table(results: list[Result]) -> None:
    print("\n=== results (Backstage: @backstage/plugin-catalog-backend 4.0.0, better-sqlite3,")
    print("    22,700 entities, same kind of 2-core machine, wrk 32 connections) ===")
    rows = [
        ("ingest and stitch", BACKSTAGE["ingest"], "< 20 s (100k: < 60 s)",
         [(f"{r.ingest_s:.1f} s", r.ingest_s < INGEST_TARGET[r.size]) for r in results]),
    ]  # fmt: skip
    for name, label in (("by-name", "by-name lookup"), ("filter", "filter kind+owner, limit 50"),
                        ("search", "full-text search, limit 50")):  # fmt: skip
        rate_target, p99_target = TARGETS[name]
        cells = []
        for r in results:
            load = r.loads[name]
            ok = load.rate >= rate_target and load.p99_ms < p99_target and load.errors == 0
            cells.append(
                (f"{load.rate:.0f} req/s, p50 {load.p50_ms:.1f} ms, p99 {load.p99_ms:.0f} ms", ok)
            )
        target = f">= {rate_target:.0f} req/s, p99 < {p99_target:.0f} ms"
        rows.append((label, BACKSTAGE[name], target, cells))
    rows.append(
        ("server memory after ingestion", BACKSTAGE["memory"], "< 400 MB, all processes",
         [(f"{r.rss_mb:.0f} MB ({r.rss_after_load_mb:.0f} after load)", r.rss_mb < MEMORY_TARGET_MB)
          for r in results]),
    )  # fmt: skip
    for label, backstage, target, cells in rows:
        print(f"\n{label}: Backstage {backstage}; target {target}")
        for result, (text, ok) in zip(results, cells, strict=True):
            name = f"{result.backend} {result.size:,}"
            print(f"  {name:<18}{text:<48}{verdict(ok)}")


def print_header(admin_url: str | None, workers: int, duration: int) -> None:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next((x.split(":", 1)[1].strip() for x in cpuinfo if x.startswith("model name")), "?")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.now().astimezone().isoformat(timespec="seconds")
    pg = "-"
    if admin_url:
        with psycopg.connect(admin_url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
            pg = str(row[0]) if row else "?"
    print(f"Paved catalog benchmark, {now}")
    print(f"machine: nproc {workers}, {cpu}, load average {load} (shared with other work)")
    print(f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, PostgreSQL {pg}")
    print(
        f"server: uvicorn, {workers} worker processes (one per core), the Platform API only "
        "(the catalog needs no workflow worker), bearer-token auth on every request"
    )
    print(
        f"load: wrk, 2 threads, {CONNECTIONS} connections, {duration} s per measure, "
        "on the same machine"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--size", choices=["22700", "100000", "both"], default="both")
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run")
    parser.add_argument("--quick", action="store_true", help="22,700 on SQLite, 5 s per measure")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    sizes = [22_700, 100_000] if args.size == "both" else [int(args.size)]
    duration = args.duration
    if args.quick:
        backends, sizes, duration = ["sqlite"], [22_700], 5
    root = Path(tempfile.mkdtemp(prefix="paved-catalog-bench-"))
    root.chmod(0o711)
    started = time.perf_counter()
    try:
        with contextlib.ExitStack() as stack:
            admin_url = (
                stack.enter_context(postgres_server(root)) if "postgres" in backends else None
            )
            print_header(admin_url, len(os.sched_getaffinity(0)), duration)
            results = []
            for size in sizes:
                entities, words = generate(SIZES[size])
                catalog = Catalog(size, write_catalog(root / f"catalog-{size}", entities), words)
                del entities
                for backend in backends:
                    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
                    print(f"\n=== {backend}, {size:,} entities === (load average {load})")
                    results.append(measure(backend, catalog, admin_url, root, duration))
            print_table(results)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"(whole run {time.perf_counter() - started:.0f} s; load average at the end {load})")


if __name__ == "__main__":
    main()
