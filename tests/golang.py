"""Go projects the templates generate, vetted, tested and built offline in GOPATH mode.

No Go module proxy is reachable on this machine (nor, likely, in CI), so `go mod tidy` cannot fetch
go.mod's pins. The project is instead copied into a temporary GOPATH whose second entry is Debian's
packaged Go sources (/usr/share/gocode: gin 1.8.1, grpc 1.33.3, lib/pq 1.10.7, installed by .ci/run)
and compiled against those, with modules and the proxy off.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GOCODE = Path("/usr/share/gocode")


def go_unavailable() -> str | None:
    """Why Go projects cannot be checked here, or None when they can."""
    if shutil.which("go") is None:
        return "no Go toolchain (golang-go) on this machine"
    if not (GOCODE / "src/github.com/gin-gonic/gin").is_dir():
        return f"Debian's Go packages (golang-github-gin-gonic-gin-dev, ...) are not in {GOCODE}"
    return None


@pytest.fixture(scope="session")
def go_build_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Go build cache beside the session's temporary directory: shared by xdist's workers (Go
    locks its cache), and kept across runs without xdist; Go trims entries unused for days."""
    return tmp_path_factory.getbasetemp().parent / "paved-go-build"


def module_path(project: Path) -> str:
    keyword, _, path = (project / "go.mod").read_text().splitlines()[0].partition(" ")
    assert keyword == "module", f"go.mod starts with {keyword!r}"
    return path.strip()


def go_env(**settings: str) -> dict[str, str]:
    """This process's environment without its GO* settings (GOFLAGS and the like), plus these."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GO", "CGO_", "PYTEST_"))}
    return {**env, "GOTOOLCHAIN": "local", **settings}


def run_go(command: list[str], cwd: Path, env: dict[str, str]) -> str:
    result = subprocess.run(
        ["go", *command], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, f"go {' '.join(command)}: {result.stdout}{result.stderr}"
    return result.stdout


def check_in_gopath(project: Path, gopath: Path, cache: Path) -> str:
    """Copy `project` to gopath/src/<its module>, then `go vet`, `go test` and build
    ./cmd/server there (static, as its Dockerfile does); returns go test's output."""
    source = gopath / "src" / module_path(project)
    shutil.copytree(project, source, ignore=shutil.ignore_patterns(".git"))
    env = go_env(
        GO111MODULE="off",
        GOPATH=f"{gopath}{os.pathsep}{GOCODE}",
        GOCACHE=str(cache),
        GOPROXY="off",
        CGO_ENABLED="0",
    )
    run_go(["vet", "./..."], source, env)
    output = run_go(["test", "-count=1", "./..."], source, env)
    run_go(["build", "-o", str(gopath / "bin" / "server"), "./cmd/server"], source, env)
    assert (gopath / "bin" / "server").is_file()
    return output
