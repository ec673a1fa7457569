"""Repositories over git's smart HTTP protocol: any user clones with a token, the owning team
pushes, others may not, and nobody without a token gets anything."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from tests.e2e.harness import ADMIN_TOKEN, PavedProcess
from tests.waiting import wait_for_state


def _git(
    *args: str, token: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    config = ["-c", f"http.extraHeader=Authorization: Bearer {token}"] if token else []
    env = {
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_NAME": "Dev",
        "GIT_AUTHOR_EMAIL": "d@x",
        "GIT_COMMITTER_NAME": "Dev",
        "GIT_COMMITTER_EMAIL": "d@x",
    }
    return subprocess.run(["git", *config, *args], cwd=cwd, env=env, capture_output=True, text=True)


def _token(api: httpx.Client, user: str) -> str:
    return str(api.post(f"/api/v1/users/{user}/tokens", json={}).json()["token"])


def test_clone_and_push_over_http(paved: PavedProcess, tmp_path: Path) -> None:
    paved.start()
    with paved.client() as api:
        body = {"name": "web-shop", "template": "python-api", "team": "checkout"}
        request_id = api.post("/api/v1/services", json=body).json()["id"]
        assert wait_for_state(api, request_id, {"succeeded", "failed"})["state"] == "succeeded"
        url = api.get("/api/v1/services/web-shop").json()["repository_url"]
        api.post("/api/v1/teams", json={"name": "search"})
        api.post("/api/v1/teams/search/members", json={"user": "carol"})
        carol, bob = _token(api, "carol"), _token(api, "bob")
    assert url == f"{paved.url}/git/web-shop.git"

    anonymous = _git("clone", url, str(tmp_path / "none"))
    assert anonymous.returncode != 0
    assert "could not read Username" in anonymous.stderr, "git was asked for credentials"
    challenge = httpx.get(f"{url}/info/refs?service=git-upload-pack")
    assert challenge.status_code == 401
    assert challenge.headers["www-authenticate"].startswith("Basic")

    cloned = _git("clone", url, str(tmp_path / "carol"), token=carol)
    assert cloned.returncode == 0, cloned.stderr
    assert (tmp_path / "carol" / "catalog-info.yaml").is_file()
    (tmp_path / "carol" / "NOTES.md").write_text("not my team\n")
    _git("add", "NOTES.md", cwd=tmp_path / "carol")
    _git("commit", "-m", "drive-by", cwd=tmp_path / "carol")
    refused = _git("push", "origin", "main", token=carol, cwd=tmp_path / "carol")
    assert refused.returncode != 0
    assert "403" in refused.stderr

    basic = url.replace("http://", f"http://bob:{bob}@")
    mine = _git("clone", basic, str(tmp_path / "bob"))
    assert mine.returncode == 0, mine.stderr
    (tmp_path / "bob" / "NOTES.md").write_text("ours\n")
    _git("add", "NOTES.md", cwd=tmp_path / "bob")
    _git("commit", "-m", "team change", cwd=tmp_path / "bob")
    pushed = _git("push", "origin", "main", cwd=tmp_path / "bob")
    assert pushed.returncode == 0, pushed.stderr
    log = _git("ls-remote", url, "refs/heads/main", token=ADMIN_TOKEN)
    assert log.stdout.split()[0] == _git("rev-parse", "HEAD", cwd=tmp_path / "bob").stdout.strip()


def test_unknown_repository_is_404(paved: PavedProcess) -> None:
    paved.start()
    with paved.client() as api:
        assert api.get("/git/nope.git/info/refs?service=git-upload-pack").status_code == 404
        assert api.get("/git/..%2Fsecret.git/info/refs").status_code == 404
