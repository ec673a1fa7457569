"""Git's smart HTTP protocol for the repositories Paved keeps, through `git http-backend` (CGI).

The API authenticates and authorises; this module only runs the backend. Pushing is enabled
only when a `remote_user` is given (git's own rule: receive-pack needs REMOTE_USER).
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from paved.core.errors import PermanentError, TemporaryError
from paved.providers.gitting import GIT_TIMEOUT, git_env

PUSH_SERVICE = "git-receive-pack"


@dataclass(frozen=True)
class GitHttpRequest:
    """One HTTP request for a repository under the root, e.g. `payments-api.git/info/refs`."""

    method: str
    path: str
    query: str = ""
    content_type: str = ""
    content_encoding: str = ""
    body: bytes = b""
    remote_user: str | None = None

    @property
    def is_push(self) -> bool:
        return PUSH_SERVICE in self.query or self.path.endswith(f"/{PUSH_SERVICE}")


@dataclass(frozen=True)
class GitHttpResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""


def serve(root: Path, request: GitHttpRequest) -> GitHttpResponse:
    """Answer one smart-HTTP request with `git http-backend`."""
    env = {
        **git_env(),
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "REQUEST_METHOD": request.method,
        "PATH_INFO": "/" + request.path.lstrip("/"),
        "QUERY_STRING": request.query,
        "CONTENT_TYPE": request.content_type,
        "CONTENT_LENGTH": str(len(request.body)),
        "HTTP_CONTENT_ENCODING": request.content_encoding,
        "REMOTE_ADDR": "127.0.0.1",
    }
    if request.remote_user:
        env["REMOTE_USER"] = request.remote_user
    try:
        done = subprocess.run(
            ["git", "http-backend"],
            input=request.body,
            capture_output=True,
            env=env,
            cwd=root,
            timeout=GIT_TIMEOUT,
        )
    except subprocess.TimeoutExpired as err:
        raise TemporaryError("git http-backend timed out") from err
    except OSError as err:
        raise PermanentError(f"cannot run git http-backend: {err.strerror}") from err
    return _parse_cgi(done.stdout)


def _parse_cgi(output: bytes) -> GitHttpResponse:
    head, separator, body = output.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = output.partition(b"\n\n")
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.strip().split()[0])
        elif name:
            headers.append((name.strip(), value.strip()))
    return GitHttpResponse(status=status, headers=headers, body=body)
