"""Runs `paved up` as a real process, for tests that kill it and start it again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from paved.providers.embedded import free_port

ADMIN_TOKEN = "paved_e2e_admin_token"


@dataclass
class PavedProcess:
    """One `paved up` process on a data directory; `start` again after `kill` to restart it."""

    home: Path
    env: dict[str, str]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, **extra_env: str) -> PavedProcess:
        env = {**os.environ, **self.env, **extra_env, "PAVED_HOME": str(self.home)}
        env.pop(
            "PAVED_TEST_PAUSE_AFTER", None
        ) if "PAVED_TEST_PAUSE_AFTER" not in extra_env else None
        log = (self.home.parent / "paved.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "paved", "up", "--port", str(self.port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        return self

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(
                    f"paved up exited with {self.process.returncode}: {self.log()}"
                )
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"paved up not ready after {timeout}s: {self.log()}")

    def kill(self) -> None:
        """kill -9: no clean-up of any kind."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self, tail: int | None = 4000) -> str:
        """The server's output (stdout and stderr), its last `tail` characters or all of it."""
        path = self.home.parent / "paved.log"
        text = path.read_text(errors="replace") if path.exists() else ""
        return text[-tail:] if tail else text

    def client(self, token: str = ADMIN_TOKEN) -> httpx.Client:
        return httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {token}"}, timeout=30
        )

    def wait_for_pause(self, timeout: float = 60) -> str:
        marker = self.home / "paused"
        deadline = time.monotonic() + timeout
        while not marker.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"no step paused: {self.log()}")
            time.sleep(0.05)
        point = marker.read_text()
        marker.unlink()
        return point
