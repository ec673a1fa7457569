"""Reading what a location points at: local files, plain URLs, and files in git repositories.

A `url` location is either a plain file URL (fetched over HTTP) or a git repository URL plus
a path inside it: `<repo>.git/<path>` (optionally `<repo>.git/blob/<branch>/<path>`), or a
forge's `https://host/org/repo/blob/<branch>/<path>`. Paved's own repositories are read straight
from their bare repositories on disk. Targets may be globs (`./plugins/**/catalog-info.yaml`).
"""

from __future__ import annotations

import fnmatch
import glob
import posixpath
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import httpx

from paved.core.errors import InputError, NotFoundError, PermanentError, TemporaryError
from paved.providers import gitting

LOCATION_TYPES = ("url", "file")
HTTP_TIMEOUT = 10.0
_FORGE_BLOB = re.compile(
    r"^(?P<repo>https?://[^/]+/[^/]+/[^/]+?)/(?:-/)?(?:blob|tree)/(?P<ref>[^/]+)/(?P<path>.+)$"
)
_DOT_GIT = re.compile(r"^(?P<repo>.+?\.git)/(?:(?:-/)?(?:blob|tree)/(?P<ref>[^/]+)/)?(?P<path>.+)$")

RepoResolver = Callable[[str], Path | None]


@dataclass(frozen=True)
class GitTarget:
    repo: str
    branch: str | None
    path: str


def split_git_url(target: str) -> GitTarget | None:
    """The repository, branch and path of a git-repository URL, or None for a plain URL."""
    for pattern in (_DOT_GIT, _FORGE_BLOB):
        match = pattern.match(target)
        if match:
            return GitTarget(match["repo"], match["ref"], unquote(match["path"]))
    return None


def check_location(type_: str, target: str) -> None:
    """Raise `InputError` unless (`type_`, `target`) can be a location."""
    if type_ not in LOCATION_TYPES:
        raise InputError(f"type must be one of {', '.join(LOCATION_TYPES)}", field="type")
    if not target.strip():
        raise InputError("target must not be empty", field="target")
    if type_ == "url" and urlparse(target).scheme not in ("http", "https", "file"):
        raise InputError("a url target must be an http(s):// or file:// URL", field="target")
    if type_ == "file" and not (target.startswith("file://") or target.startswith("/")):
        raise InputError("a file target must be an absolute path or file:// URL", field="target")


def is_local(type_: str, target: str) -> bool:
    """Whether (`type_`, `target`) reads the server's own disk (only admins register such)."""
    return type_ == "file" or target.startswith("file://")


def resolve(type_: str, base: str, target: str) -> str:
    """`target` as written in a file read from `base`: absolute, or relative to `base`."""
    if urlparse(target).scheme in ("http", "https", "file"):
        return target
    if type_ == "file":
        directory = posixpath.dirname(_file_path(base))
        return posixpath.normpath(posixpath.join(directory, target))
    git = split_git_url(base)
    if git is not None:
        relative = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.join(posixpath.dirname(git.path), target)
        )
        path = posixpath.normpath(relative)
        middle = f"/blob/{git.branch}/" if git.branch else "/"
        return f"{git.repo}{middle}{path}"
    return urljoin(base, target)


def _no_repo(_url: str) -> Path | None:
    return None


class Reader:
    """Reads location targets; `paved_repo(url)` maps a URL to one of Paved's own repositories."""

    def __init__(self, paved_repo: RepoResolver | None = None) -> None:
        self._paved_repo = paved_repo or _no_repo

    def expand(self, type_: str, target: str) -> list[str]:
        """The targets a glob matches (sorted), or `[target]` when it is not a glob."""
        if not any(c in target for c in "*?["):
            return [target]
        if type_ == "file":
            return sorted(glob.glob(_file_path(target), recursive=True))
        git = split_git_url(target)
        if git is None:
            raise InputError(f"{target}: a glob needs a file or git repository location")
        repo = self._local_repo(git.repo)
        if repo is not None:
            files = gitting.list_files(repo, git.branch or gitting.DEFAULT_BRANCH)
        else:
            with tempfile.TemporaryDirectory(prefix="paved-catalog-") as tmp:
                files = gitting.list_files(*_shallow_clone(git, Path(tmp)))
        middle = f"/blob/{git.branch}/" if git.branch else "/"
        return [f"{git.repo}{middle}{f}" for f in files if fnmatch.fnmatch(f, git.path)]

    def read(self, type_: str, target: str) -> str:
        """The text at `target`; `NotFoundError` when absent, `TemporaryError` when unreachable."""
        if type_ == "file" or (target.startswith("file://") and split_git_url(target) is None):
            return _read_file(_file_path(target))
        git = split_git_url(target)
        if git is not None:
            return self._read_git(git)
        return _read_http(target)

    def _local_repo(self, url: str) -> Path | None:
        repo = self._paved_repo(url)
        if repo is None and url.startswith("file://"):
            repo = Path(unquote(urlparse(url).path))
        return repo

    def _read_git(self, git: GitTarget) -> str:
        repo = self._local_repo(git.repo)
        branch = git.branch or gitting.DEFAULT_BRANCH
        if repo is not None:
            text = gitting.read_file(repo, git.path, branch)
        else:
            with tempfile.TemporaryDirectory(prefix="paved-catalog-") as tmp:
                clone, branch = _shallow_clone(git, Path(tmp))
                text = gitting.read_file(clone, git.path, branch)
        if text is None:
            raise NotFoundError(f"{git.path} not found in {git.repo} (branch {branch})")
        return text


def _file_path(target: str) -> str:
    return unquote(urlparse(target).path) if target.startswith("file://") else target


def _read_file(path: str) -> str:
    try:
        return Path(path).read_text()
    except FileNotFoundError:
        raise NotFoundError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as err:
        raise PermanentError(f"{path} cannot be read: {err}") from err


def _read_http(url: str) -> str:
    try:
        response = httpx.get(url, timeout=HTTP_TIMEOUT, follow_redirects=True)
    except httpx.HTTPError as err:
        raise TemporaryError(f"{url} cannot be fetched: {err}") from err
    if response.status_code == 404:
        raise NotFoundError(f"{url} does not exist (HTTP 404)")
    if response.is_error:
        raise TemporaryError(f"{url} answered HTTP {response.status_code}")
    return response.text


def _shallow_clone(git: GitTarget, into: Path) -> tuple[Path, str]:
    """A bare, shallow clone of the branch (the remote's HEAD when not named), and that branch."""
    clone = into / "repo.git"
    args = ["clone", "--bare", "--depth", "1", "--quiet"]
    if git.branch:
        args += ["--branch", git.branch]
    result = gitting.run_git(*args, git.repo, str(clone), check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise TemporaryError(f"{git.repo} cannot be cloned: {message[-1] if message else ''}")
    if git.branch:
        return clone, git.branch
    current = gitting.run_git("symbolic-ref", "--short", "HEAD", git_dir=clone)
    return clone, current.stdout.decode().strip()
