"""The repositories the templates generate pass their own tests, run as their CI would.

Python projects run with this interpreter (which has their dependencies: FastAPI, SQLAlchemy,
Celery, Typer) and ruff; Node projects with node's test runner after `npm install` from the
registry; Go projects with `go vet` and `go test` where Go and Debian's Go packages are installed
(offline, in GOPATH mode: see tests/golang.py).
(python-api's own tests run in test_templates.py.)
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from paved.schemas.services import ResourceSpec, ServiceCreate
from paved.templates.library import TemplateLibrary, default_root
from paved.templates.scaffolding import scaffold_files
from tests.golang import check_in_gopath, go_env, go_unavailable, run_go

REPO_URL = "http://paved.test/git/demo-svc.git"


def generate(template: str, target: Path) -> Path:
    library = TemplateLibrary(default_root())
    service = ServiceCreate(
        name="demo-svc",
        template=template,
        team="checkout",
        description="A demo",
        resources=[ResourceSpec(type=t) for t in library.get(template).resources or ()],
    )
    for name, text in scaffold_files(library, service, REPO_URL, "name: ci\n").items():
        path = target / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return target


def run(command: list[str], cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_", "REDIS_"))
    }
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.parametrize(("template", "tests"), [("python-worker", 2), ("python-cli", 3)])
def test_python_project_passes_its_tests_and_lint(
    template: str, tests: int, tmp_path: Path
) -> None:
    project = generate(template, tmp_path)
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{tests} passed" in result.stdout
    ruff = str(Path(sys.executable).parent / "ruff")
    lint = run([ruff, "check", "--no-cache", "."], project)
    assert lint.returncode == 0, lint.stdout + lint.stderr


def _node_tests(project: Path) -> subprocess.CompletedProcess[str]:
    result = run(["node", "--test"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "# fail 0" in result.stdout
    return result


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_web_app_passes_its_tests(tmp_path: Path) -> None:
    """Its health routes are plain web handlers: node runs them without installing Next."""
    result = _node_tests(generate("web-app", tmp_path))
    assert "# pass 2" in result.stdout


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_web_app_builds_and_its_standalone_server_answers(tmp_path: Path) -> None:
    """What the Dockerfile's build stage does (`npm install`, `next build`), then the
    standalone server it ships, started as the run stage starts it. Prisma's engines are not
    downloaded (--ignore-scripts), so readiness reports the database unavailable."""
    project = generate("web-app", tmp_path / "web")
    install = run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts"], project, 600)
    assert install.returncode == 0, install.stdout + install.stderr
    build = run(["npx", "next", "build"], project, 900)
    assert build.returncode == 0, build.stdout + build.stderr
    assert "/api/healthz" in build.stdout
    server = project / ".next" / "standalone" / "server.js"
    assert server.is_file(), "next.config.mjs asks for the standalone output the image copies"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PORT": str(port), "HOSTNAME": "127.0.0.1", "NODE_ENV": "production"}
    env.pop("DATABASE_URL", None)
    process = subprocess.Popen(
        ["node", str(server)], cwd=server.parent, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        health = _get_when_listening(f"http://127.0.0.1:{port}/api/healthz")
        assert health.status_code == 200
        assert health.json() == {"status": "ok", "service": "demo-svc"}
        ready = httpx.get(f"http://127.0.0.1:{port}/api/readyz", timeout=30)
        assert ready.status_code == 503
        assert ready.json()["detail"] == "database unavailable"
    finally:
        process.terminate()
        process.wait(timeout=30)


def _get_when_listening(url: str, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return httpx.get(url, timeout=30)
        except httpx.ConnectError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_node_api_installs_and_passes_its_tests(tmp_path: Path) -> None:
    """Express comes from the npm registry; Prisma's engines are not downloaded (the tests
    stand in for the database), hence --ignore-scripts."""
    project = generate("node-api", tmp_path)
    install = run(
        ["npm", "install", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], project
    )
    assert install.returncode == 0, install.stdout + install.stderr
    result = _node_tests(project)
    assert "# pass 2" in result.stdout


@pytest.mark.skipif(go_unavailable() is not None, reason=go_unavailable() or "")
def test_go_service_vets_tests_and_builds_offline(tmp_path: Path, go_build_cache: Path) -> None:
    """In GOPATH mode, because no Go module proxy is reachable here: the service compiles against
    Debian's packaged gin 1.8.1, grpc 1.33.3 and lib/pq 1.10.7 rather than go.mod's pins, so its
    code keeps to what both offer (Go 1.19 too)."""
    project = generate("go-service", tmp_path / "project")
    output = check_in_gopath(project, tmp_path / "gopath", go_build_cache)
    for package in ("internal/db", "internal/grpcserver", "internal/httpapi"):
        assert re.search(rf"^ok\s+\S+/{package}\s", output, re.MULTILINE), output


def _go_version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:2])


@pytest.mark.skipif(shutil.which("go") is None, reason="no Go toolchain on this machine")
def test_go_service_resolves_its_pinned_modules(tmp_path: Path) -> None:
    """As a newcomer with internet runs it: `go mod tidy` fetches go.mod's pins, then the tests.
    Only where proxy.golang.org answers and the local Go is at least go.mod's `go` version."""
    project = generate("go-service", tmp_path / "project")
    wanted = re.search(r"^go (\S+)$", (project / "go.mod").read_text(), re.MULTILINE)
    assert wanted is not None
    local = run_go(["env", "GOVERSION"], tmp_path, go_env())
    if _go_version(local) < _go_version(wanted.group(1)):
        pytest.skip(f"{local.strip()} is older than go.mod's go {wanted.group(1)}")
    try:
        socket.create_connection(("proxy.golang.org", 443), timeout=3).close()
    except OSError as error:
        pytest.skip(f"proxy.golang.org is unreachable: {error}")
    env = go_env(GOPATH=str(tmp_path / "gopath"), GOFLAGS="-modcacherw")
    run_go(["mod", "tidy"], project, env)
    run_go(["test", "./..."], project, env)


def test_python_api_migrations_run(tmp_path: Path) -> None:
    """The python-api's Alembic setup works: a revision is generated and applied on SQLite."""
    project = generate("python-api", tmp_path / "project")
    env = {"DATABASE_URL": f"sqlite+pysqlite:///{tmp_path / 'app.db'}"}
    alembic = [sys.executable, "-m", "alembic"]
    for command in (["revision", "-m", "first"], ["upgrade", "head"], ["current"]):
        result = subprocess.run(
            [*alembic, *command],
            cwd=project,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    assert "(head)" in result.stdout
