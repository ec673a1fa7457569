"""The PostgreSQL cluster Paved runs itself (initdb + pg_ctl) when no admin URL is configured.

Used by the `postgres` provider of `paved up` and by the test suite's server fixtures.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import stat
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
    read_or_create_secret,
)

ADMIN_USER = "paved_admin"
OS_USER = "postgres"
BINARIES = ("initdb", "pg_ctl", "postgres")
MISSING_MESSAGE = (
    "PostgreSQL is not installed: install the `postgresql` package (e.g. `apt-get install "
    "postgresql`) or set PAVED_POSTGRES_ADMIN_URL to the admin URL of an existing server"
)
START_TIMEOUT = 60.0
FALLBACK_ROOT = Path("/var/tmp")  # noqa: S108 - a fixed, documented place the postgres user reaches


class EmbeddedPostgres:
    """A local cluster in `data_dir`, created on first use and reused while it runs.

    `ensure_running()` runs initdb once (superuser `paved_admin`, a generated password kept in a
    0600 file, scram authentication, TCP on 127.0.0.1 only, no Unix socket), chooses a free port
    once and keeps it, and starts the cluster with pg_ctl. A cluster that is already running, for
    instance one whose Paved was killed with -9, is found through `postmaster.pid` and reused.
    Callers are serialised by a thread lock and a file lock (flock), so two threads or two
    processes on the same directory share one cluster.

    PostgreSQL refuses to run as root. When Paved runs as root, initdb and pg_ctl run as the
    `postgres` OS user (through runuser) and the directory is handed to that user. When that user
    cannot reach `data_dir` (e.g. pytest's 0700 tmp dirs under /tmp/pytest-of-root), the cluster
    lives in /var/tmp/paved-postgres-<hash of data_dir> instead: `base_dir` tells which.

    `durable=False` turns fsync off, for throw-away test clusters (it applies when the cluster
    is created).
    """

    def __init__(self, data_dir: Path, *, durable: bool = True) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.durable = durable
        self._base: Path | None = None

    @staticmethod
    def find_binaries() -> Path | None:
        """The directory holding initdb, pg_ctl and postgres: PATH first, then Debian's newest."""
        candidates: list[Path] = []
        on_path = shutil.which("pg_ctl")
        if on_path:
            candidates.append(Path(on_path).resolve().parent)
        debian = Path("/usr/lib/postgresql")
        if debian.is_dir():
            candidates += sorted(debian.glob("*/bin"), key=_version_key, reverse=True)
        for candidate in candidates:
            if all(os.access(candidate / name, os.X_OK) for name in BINARIES):
                return candidate
        return None

    def check_available(self) -> None:
        """Raise `UnavailableError` (saying how to fix it) when PostgreSQL is not installed."""
        if self.find_binaries() is None:
            raise UnavailableError(MISSING_MESSAGE)
        _os_user()

    @property
    def base_dir(self) -> Path:
        """Where the cluster really lives: `data_dir`, or its /var/tmp stand-in (see the class)."""
        if self._base is None:
            self._base = self._resolve_base()
        return self._base

    @property
    def pgdata(self) -> Path:
        return self.base_dir / "data"

    def ensure_running(self) -> str:
        """Start the cluster unless it runs; return its superuser admin URL."""
        bindir = self.find_binaries()
        if bindir is None:
            raise UnavailableError(MISSING_MESSAGE)
        base = self.base_dir
        with dir_lock(base / ".lock"):
            port = self._settled_port()
            if port is None:
                if not (base / "initialized").exists():
                    self._initdb(bindir)
                port = persisted_port(base / "port")
                self._pg_ctl(bindir, "start", "-l", base / "postgres.log", "-o", f"-p {port}")
            password = read_or_create_secret(base / "admin-password")
        return f"postgresql://{ADMIN_USER}:{quote(password, safe='')}@{LOOPBACK}:{port}/postgres"

    def stop(self) -> None:
        """Stop the cluster (fast shutdown: sessions are ended); stopped already is fine."""
        bindir = self.find_binaries()
        if bindir is None or not self.pgdata.exists():
            return
        with dir_lock(self.base_dir / ".lock"):
            if self._settled_port() is not None:
                self._pg_ctl(bindir, "stop", "-m", "fast")

    def _resolve_base(self) -> Path:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        user = _os_user()
        if user is None:
            return self.data_dir
        base = self.data_dir
        if not _reachable(self.data_dir.parent, user):
            digest = hashlib.sha256(str(self.data_dir).encode()).hexdigest()[:16]
            base = FALLBACK_ROOT / f"paved-postgres-{digest}"
            base.mkdir(parents=True, exist_ok=True)
        os.chown(base, user.pw_uid, user.pw_gid)
        base.chmod(0o700)
        return base

    def _settled_port(self) -> int | None:
        """The port of the running postmaster once it is ready; None when none runs."""
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            state = _postmaster_state(self.pgdata)
            if state is None:
                return None
            port, status = state
            if status in ("ready", "standby") or time.monotonic() > deadline:
                return port
            time.sleep(0.05)

    def _initdb(self, bindir: Path) -> None:
        base = self.base_dir
        if self.pgdata.exists():
            shutil.rmtree(self.pgdata)
        password = read_or_create_secret(base / "admin-password")
        pwfile = base / ".initdb-password"
        fd = os.open(pwfile, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(password + "\n")
        user = _os_user()
        if user is not None:
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        try:
            self._run(
                bindir / "initdb", "-D", self.pgdata, "-U", ADMIN_USER, f"--pwfile={pwfile}",
                "--auth-local=scram-sha-256", "--auth-host=scram-sha-256",
                "--encoding=UTF8", "--locale=C", "--no-sync",
            )  # fmt: skip
        finally:
            pwfile.unlink(missing_ok=True)
        with (self.pgdata / "postgresql.conf").open("a") as conf:
            conf.write(_settings(self.durable))
        (base / "initialized").write_text("")

    def _pg_ctl(self, bindir: Path, action: str, *args: str | Path) -> None:
        timeout = str(int(START_TIMEOUT))
        self._run(bindir / "pg_ctl", action, "-D", self.pgdata, "-w", "-t", timeout, *args)

    def _run(self, *args: str | Path) -> None:
        command = [str(arg) for arg in args]
        user = _os_user()
        if user is not None:
            command = ["runuser", "-u", user.pw_name, "--", *command]
        try:
            subprocess.run(
                command, cwd=self.base_dir, check=True, capture_output=True, text=True, timeout=120
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as err:
            output = err.stderr or err.stdout or ""
            if isinstance(output, bytes):
                output = output.decode(errors="replace")
            tail = " ".join(output.strip().splitlines()[-3:])
            name = Path(args[0]).name
            log = self.base_dir / "postgres.log"
            raise TemporaryError(
                f"embedded PostgreSQL: {name} failed: {tail} (see {log})", delay=2.0
            ) from err


def _settings(durable: bool) -> str:
    lines = [
        "",
        "# Paved's embedded cluster",
        "listen_addresses = '127.0.0.1'",
        "unix_socket_directories = ''",
        "max_connections = 300",
        "shared_buffers = 256MB",
    ]
    if not durable:
        lines += ["fsync = off", "synchronous_commit = off", "full_page_writes = off"]
    return "\n".join(lines) + "\n"


def _postmaster_state(pgdata: Path) -> tuple[int, str] | None:
    """(port, status) of the postmaster that `postmaster.pid` names, when it is alive."""
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid, port = int(lines[0]), int(lines[3])
    except (OSError, IndexError, ValueError):
        return None
    if not process_alive(pid, "postgres"):
        return None
    status = lines[7].strip() if len(lines) > 7 else "starting"
    return port, status


def _os_user() -> pwd.struct_passwd | None:
    """The OS user PostgreSQL runs as: None for ourselves, `postgres` when we are root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(OS_USER)
    except KeyError:
        raise UnavailableError(
            "PostgreSQL refuses to run as root and there is no `postgres` OS user: install the "
            "`postgresql` package (it creates one), run Paved as another user, or set "
            "PAVED_POSTGRES_ADMIN_URL"
        ) from None


def _reachable(path: Path, user: pwd.struct_passwd) -> bool:
    """True when `user` may traverse `path` and every directory above it."""
    groups = set(os.getgrouplist(user.pw_name, user.pw_gid))
    for directory in (path, *path.parents):
        mode = directory.stat()
        if mode.st_uid == user.pw_uid:
            needed = stat.S_IXUSR
        elif mode.st_gid in groups:
            needed = stat.S_IXGRP
        else:
            needed = stat.S_IXOTH
        if not mode.st_mode & needed:
            return False
    return True


def _version_key(bindir: Path) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in bindir.parent.name.split("."))
    except ValueError:
        return (0,)
