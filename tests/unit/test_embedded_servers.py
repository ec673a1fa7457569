"""The pieces the embedded servers share: secret files, ports, pid checks, locks, directories."""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from paved.providers.embedded import (
    LOOPBACK,
    dir_lock,
    persisted_port,
    process_alive,
    read_or_create_secret,
)
from paved.providers.embedded.postgres_cluster import EmbeddedPostgres


def test_a_secret_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    first = read_or_create_secret(path)
    assert len(first) >= 24
    assert read_or_create_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_port_is_kept_until_something_else_takes_it(tmp_path: Path) -> None:
    path = tmp_path / "port"
    port = persisted_port(path)
    assert persisted_port(path) == port
    with socket.socket() as taken:
        taken.bind((LOOPBACK, port))
        taken.listen()
        assert persisted_port(path) != port


def test_process_alive_knows_the_living_from_the_dead() -> None:
    own_name = Path("/proc/self/comm").read_text().strip()
    assert process_alive(os.getpid(), own_name[:4])
    assert not process_alive(os.getpid(), "no-such-program")
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not process_alive(child.pid, "")


def test_dir_lock_excludes_other_threads(tmp_path: Path) -> None:
    inside: list[int] = []
    overlaps: list[bool] = []

    def hold() -> None:
        with dir_lock(tmp_path / ".lock"):
            inside.append(1)
            overlaps.append(len(inside) > 1)
            time.sleep(0.01)
            inside.pop()

    threads = [threading.Thread(target=hold) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert overlaps == [False] * 5


def test_the_postgres_binaries_are_found() -> None:
    bindir = EmbeddedPostgres.find_binaries()
    assert bindir is not None, "install the postgresql package"
    for name in ("initdb", "pg_ctl", "postgres"):
        assert os.access(bindir / name, os.X_OK)


@pytest.mark.skipif(os.geteuid() != 0, reason="the postgres-user fallback applies to root only")
def test_as_root_an_unreachable_directory_falls_back_to_var_tmp(tmp_path: Path) -> None:
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    fallback = EmbeddedPostgres(private / "pg").base_dir
    try:
        assert fallback.parent == Path("/var/tmp")
        assert fallback.name.startswith("paved-postgres-")
        assert EmbeddedPostgres(private / "pg").base_dir == fallback
        assert fallback.stat().st_uid != 0
    finally:
        shutil.rmtree(fallback, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir="/var/tmp") as shared:
        Path(shared).chmod(0o755)
        reachable = EmbeddedPostgres(Path(shared) / "pg")
        assert reachable.base_dir == Path(shared).resolve() / "pg"
