"""Shared git plumbing of the git-backed providers: the real `git` CLI in a clean environment.

Commits go straight into bare repositories with `git fast-import` (no working tree), under a
per-repository file lock, retried when the branch moved meanwhile; a commit that would change
nothing is skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from paved.core.errors import PermanentError, TemporaryError, UnavailableError

DEFAULT_BRANCH = "main"
AUTHOR_NAME = "Paved"
AUTHOR_EMAIL = "paved@localhost"
GIT_TIMEOUT = 60.0
LOCK_TIMEOUT = 30.0
COMMIT_ATTEMPTS = 5
_CONFIG = (
    "init.defaultBranch=main",
    "safe.directory=*",
    "gc.auto=0",
    "maintenance.auto=false",
    "protocol.file.allow=always",
)
_NOT_FAST_FORWARD = b"Not updating"


def git_env() -> dict[str, str]:
    """The environment git runs in: no user or system config, a fixed identity, C locale."""
    env = {
        "PATH": os.environ.get("PATH", os.defpath),
        "HOME": tempfile.gettempdir(),
        "LC_ALL": "C",
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": AUTHOR_NAME,
        "GIT_AUTHOR_EMAIL": AUTHOR_EMAIL,
        "GIT_COMMITTER_NAME": AUTHOR_NAME,
        "GIT_COMMITTER_EMAIL": AUTHOR_EMAIL,
    }
    if "TMPDIR" in os.environ:
        env["TMPDIR"] = os.environ["TMPDIR"]
    return env


def check_git() -> None:
    """Raise `UnavailableError` when the git CLI is not installed."""
    if shutil.which("git") is None:
        raise UnavailableError("git is not installed: install it (e.g. `apt-get install git`)")


def run_git(
    *args: str,
    git_dir: Path | None = None,
    cwd: Path | None = None,
    stdin: bytes | None = None,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS`; with `check`, a non-zero exit raises `PermanentError`.

    git runs in `cwd`, or in the temp directory: never in the process's working directory,
    which a library that chdirs may change under a running thread.
    """
    command = ["git"]
    for option in _CONFIG:
        command += ["-c", option]
    if git_dir is not None:
        command.append(f"--git-dir={git_dir}")
    command += args
    try:
        result = subprocess.run(
            command,
            cwd=cwd or tempfile.gettempdir(),
            input=stdin,
            capture_output=True,
            env=git_env(),
            timeout=GIT_TIMEOUT,
        )
    except subprocess.TimeoutExpired as err:
        raise TemporaryError(f"git {args[0]} timed out after {GIT_TIMEOUT:.0f}s") from err
    except OSError as err:
        raise PermanentError(f"cannot run git: {err.strerror}") from err
    if check and result.returncode != 0:
        raise PermanentError(f"git {args[0]} failed: {_last_line(result.stderr)}")
    return result


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode(errors="replace").strip().splitlines()
    return lines[-1] if lines else "no message"


def file_url(repo: Path) -> str:
    """The `file://` URL a bare repository is cloned by."""
    return repo.resolve().as_uri()


def is_repo(repo: Path) -> bool:
    """True when `repo` looks like a bare git repository."""
    return (repo / "HEAD").is_file() and (repo / "objects").is_dir()


@contextmanager
def repo_lock(repo: Path, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold an exclusive lock on `repo` (a file in `.locks/` beside it) across processes."""
    lock_dir = repo.parent / ".locks"
    try:
        lock_dir.mkdir(parents=True, exist_ok=True)
        handle = open(lock_dir / f"{repo.name}.lock", "a")  # noqa: SIM115 (closed below)
    except OSError as err:
        raise PermanentError(f"cannot lock repository {repo.name}: {err.strerror}") from err
    deadline = time.monotonic() + timeout
    with handle:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TemporaryError(f"repository {repo.name} is busy", delay=1.0) from None
                time.sleep(0.01)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def init_bare(repo: Path) -> None:
    """Make `repo` a bare repository whose HEAD is `main`; completes a half-made one.

    HEAD is left alone once `main` has a commit: the repository's owners may have moved it.
    """
    with repo_lock(repo):
        if not is_repo(repo):
            repo.mkdir(parents=True, exist_ok=True)
            run_git("init", "--bare", "--quiet", f"--initial-branch={DEFAULT_BRANCH}", str(repo))
        elif head(repo) is None:
            run_git("symbolic-ref", "HEAD", f"refs/heads/{DEFAULT_BRANCH}", git_dir=repo)


def remove_repo(repo: Path) -> None:
    """Delete a repository's directory; a missing one is fine."""
    with repo_lock(repo):
        try:
            shutil.rmtree(repo)
        except FileNotFoundError:
            pass
        except OSError as err:
            raise PermanentError(f"cannot remove repository {repo.name}: {err.strerror}") from err


def head(repo: Path, branch: str = DEFAULT_BRANCH) -> str | None:
    """The commit `branch` points at, or None when it has none (or the repo is missing)."""
    if not is_repo(repo):
        return None
    result = run_git(
        "rev-parse",
        "--verify",
        "--quiet",
        f"refs/heads/{branch}^{{commit}}",
        git_dir=repo,
        check=False,
    )
    if result.returncode == 1:  # `--verify --quiet`: the ref does not exist
        return None
    if result.returncode != 0:
        raise TemporaryError(f"git rev-parse failed: {_last_line(result.stderr)}")
    return result.stdout.decode().strip() or None


def root_commit(repo: Path, branch: str = DEFAULT_BRANCH) -> str | None:
    """The first commit of `branch` (the oldest root), or None when it has none."""
    if head(repo, branch) is None:
        return None
    out = run_git("rev-list", "--max-parents=0", "--reverse", f"refs/heads/{branch}", git_dir=repo)
    return out.stdout.decode().split()[0]


def last_commit(repo: Path, paths: Sequence[str], branch: str = DEFAULT_BRANCH) -> str | None:
    """The latest commit of `branch` that touched any of `paths`."""
    if head(repo, branch) is None:
        return None
    out = run_git("log", "-1", "--format=%H", f"refs/heads/{branch}", "--", *paths, git_dir=repo)
    return out.stdout.decode().strip() or None


def read_file(repo: Path, path: str, branch: str = DEFAULT_BRANCH) -> str | None:
    """The text of `path` on `branch`, or None when the repo, the branch or the file is missing."""
    if not is_repo(repo):
        return None
    request = f"refs/heads/{branch}:{path}\n".encode()
    out = run_git("cat-file", "--batch", git_dir=repo, stdin=request).stdout
    header, _, body = out.partition(b"\n")
    fields = header.split()
    if len(fields) != 3 or fields[1] != b"blob":
        return None
    return body[: int(fields[2])].decode()


def list_files(repo: Path, branch: str = DEFAULT_BRANCH) -> list[str]:
    """Every file path on `branch`, sorted; empty when the repo or the branch is missing."""
    if head(repo, branch) is None:
        return []
    out = run_git("ls-tree", "-r", "-z", "--name-only", f"refs/heads/{branch}", git_dir=repo)
    return sorted(name.decode() for name in out.stdout.split(b"\0") if name)


def blob_id(text: str) -> str:
    """The object id git gives a blob holding `text` (SHA-1 repositories)."""
    data = text.encode()
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def commit_files(
    repo: Path,
    changes: Mapping[str, str | None],
    message: str,
    *,
    branch: str = DEFAULT_BRANCH,
    initial: bool = False,
) -> str | None:
    """Commit `changes` (path -> text, None deletes) on `branch`; the new commit's id.

    Returns None when the commit would change nothing, or with `initial` when the branch already
    has a commit. Safe when several processes commit to the same repository at once.
    """
    for path in changes:
        _check_path(path)
    if not is_repo(repo):
        raise PermanentError(f"repository {repo.name} does not exist")
    with repo_lock(repo):
        for _ in range(COMMIT_ATTEMPTS):
            parent = head(repo, branch)
            if initial and parent is not None:
                return None
            if not initial and not _changes_anything(repo, parent, changes):
                return None
            commit = _fast_import(repo, branch, parent, changes, message)
            if commit is not None:
                return commit
    raise TemporaryError(f"branch {branch} of {repo.name} kept moving; try again")


def _check_path(path: str) -> None:
    parts = path.split("/")
    if not path or path.startswith('"') or "\n" in path or any(p in ("", ".", "..") for p in parts):
        raise PermanentError(f"invalid file path {path!r}")


def _changes_anything(repo: Path, parent: str | None, changes: Mapping[str, str | None]) -> bool:
    current: dict[str, str] = {}
    if parent is not None:
        out = run_git("ls-tree", "-r", "-z", parent, "--", *changes, git_dir=repo).stdout
        for entry in out.split(b"\0"):
            if entry:
                meta, _, name = entry.partition(b"\t")
                current[name.decode()] = meta.split()[2].decode()
    for path, text in changes.items():
        wanted = None if text is None else blob_id(text)
        if current.get(path) != wanted:
            return True
    return False


def _fast_import(
    repo: Path, branch: str, parent: str | None, changes: Mapping[str, str | None], message: str
) -> str | None:
    """Write one commit with fast-import; None when the branch moved meanwhile."""
    stream = [
        f"commit refs/heads/{branch}\nmark :1\n".encode(),
        f"committer {AUTHOR_NAME} <{AUTHOR_EMAIL}> {int(time.time())} +0000\n".encode(),
        _data(message.encode()),
    ]
    if parent is not None:
        stream.append(f"from {parent}\n".encode())
    for path, text in sorted(changes.items()):
        if text is None:
            stream.append(f"D {path}\n".encode())
        else:
            stream += [f"M 100644 inline {path}\n".encode(), _data(text.encode())]
    stream.append(b"\nget-mark :1\ndone\n")
    result = run_git(
        "fast-import", "--quiet", "--done", git_dir=repo, stdin=b"".join(stream), check=False
    )
    if result.returncode != 0:
        if _NOT_FAST_FORWARD in result.stderr:
            return None
        raise PermanentError(f"git fast-import failed: {_last_line(result.stderr)}")
    return result.stdout.decode().split()[-1]


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"
