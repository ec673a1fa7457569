"""The Redis server Paved runs itself (redis-server, daemonized) when no admin URL is configured.

Used by the `redis` provider of `paved up` and by the test suite's server fixtures.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

from paved.core.errors import TemporaryError, UnavailableError
from paved.providers.embedded import (
    LOOPBACK,
    dir_lock,
    persisted_port,
    process_alive,
    read_int,
    read_or_create_secret,
)

MISSING_MESSAGE = (
    "Redis is not installed: install the `redis-server` package (e.g. `apt-get install "
    "redis-server`) or set PAVED_REDIS_ADMIN_URL to the admin URL of an existing server"
)
START_TIMEOUT = 10.0


class EmbeddedRedis:
    """A local Redis in `data_dir`, started on first use and reused while it runs.

    `ensure_running()` writes a config once (127.0.0.1 only, a free port chosen once and kept,
    the `default` user's generated password kept in a 0600 file), starts redis-server daemonized
    with a pidfile, and returns the admin URL. A server already running from this directory (for
    instance one whose Paved was killed with -9) is found through its pidfile and reused.
    ACL users live in an ACL file (`users.acl`) so that `ACL SAVE` keeps them across restarts;
    keys are not persisted (a cache). Callers are serialised by a thread lock and a file lock.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir).resolve()

    @staticmethod
    def find_binary() -> Path | None:
        """The redis-server executable on PATH (or Debian's), None when it is not installed."""
        found = shutil.which("redis-server")
        if found:
            return Path(found)
        debian = Path("/usr/bin/redis-server")
        return debian if os.access(debian, os.X_OK) else None

    def check_available(self) -> None:
        """Raise `UnavailableError` (saying how to fix it) when Redis is not installed."""
        if self.find_binary() is None:
            raise UnavailableError(MISSING_MESSAGE)

    def ensure_running(self) -> str:
        """Start the server unless it runs; return its admin URL (the `default` user)."""
        binary = self.find_binary()
        if binary is None:
            raise UnavailableError(MISSING_MESSAGE)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with dir_lock(self.data_dir / ".lock"):
            password = read_or_create_secret(self.data_dir / "admin-password")
            port = read_int(self.data_dir / "port")
            if port is None or not self._running():
                port = persisted_port(self.data_dir / "port")
                self._start(binary, port, password)
        return f"redis://default:{quote(password, safe='')}@{LOOPBACK}:{port}/0"

    def stop(self) -> None:
        """Stop the server (SIGTERM, then wait for it to exit); stopped already is fine."""
        if not self.data_dir.exists():
            return
        with dir_lock(self.data_dir / ".lock"):
            pid = read_int(self.data_dir / "redis.pid")
            if pid is None or not process_alive(pid, "redis-server"):
                return
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + START_TIMEOUT
            while process_alive(pid, "redis-server") and time.monotonic() < deadline:
                time.sleep(0.02)

    def _running(self) -> bool:
        pid = read_int(self.data_dir / "redis.pid")
        return pid is not None and process_alive(pid, "redis-server")

    def _start(self, binary: Path, port: int, password: str) -> None:
        acl_file = self.data_dir / "users.acl"
        if not acl_file.exists():
            digest = hashlib.sha256(password.encode()).hexdigest()
            acl_file.write_text(f"user default on #{digest} ~* &* +@all\n")
            acl_file.chmod(0o600)
        config = self.data_dir / "redis.conf"
        config.write_text(_config(self.data_dir, port))
        (self.data_dir / "redis.pid").unlink(missing_ok=True)
        try:
            subprocess.run(
                [str(binary), str(config)], check=True, capture_output=True, text=True, timeout=30
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            raise TemporaryError(
                f"embedded Redis did not start; see {self.data_dir / 'redis.log'}", delay=2.0
            ) from err
        self._wait_listening(port)

    def _wait_listening(self, port: int) -> None:
        """Wait for the pidfile (written after the port is bound) and a connection to succeed."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._running():
                try:
                    socket.create_connection((LOOPBACK, port), timeout=0.5).close()
                except OSError:
                    pass
                else:
                    return
            time.sleep(0.01)
        raise TemporaryError(
            f"embedded Redis is not listening on port {port}; see {self.data_dir / 'redis.log'}",
            delay=2.0,
        )


def _config(directory: Path, port: int) -> str:
    lines = [
        "# Paved's embedded Redis",
        f"port {port}",
        f"bind {LOOPBACK}",
        "protected-mode yes",
        "daemonize yes",
        f'pidfile "{directory / "redis.pid"}"',
        f'logfile "{directory / "redis.log"}"',
        f'dir "{directory}"',
        f'aclfile "{directory / "users.acl"}"',
        'save ""',
        "appendonly no",
    ]
    return "\n".join(lines) + "\n"
