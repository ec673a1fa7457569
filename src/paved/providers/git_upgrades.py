"""Template upgrades in a service's repository: a three-way merge done by git itself.

The repository's history holds the pristine render of the template version it came from (the
first commit, or the last upgrade's render). The new version's render is committed as a child
of that pristine commit; `git merge-tree` then merges it with `main`, the merge base being the
old render, so the developers' own changes survive and conflicting lines are reported. A clean
merge becomes a merge commit on an upgrade branch; with conflicts, the branch holds the new
render alone, for the developers to merge (and resolve) themselves. `main` is never touched.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from paved.core.errors import PermanentError
from paved.providers import gitting

SCRATCH_REF = "refs/paved/upgrade-render"
_BRANCH_PART = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True)
class MergeOutcome:
    """What an upgrade did in the repository."""

    status: str  # "up-to-date", "merged" or "conflicts"
    render_commit: str | None = None
    branch: str | None = None
    commit: str | None = None
    conflicts: tuple[str, ...] = ()


def branch_name(template: str, version: str) -> str:
    """`paved/upgrade-<template>-<version>`, with anything git refuses in a ref replaced."""
    return f"paved/upgrade-{_ref_part(template)}-{_ref_part(version)}"


def _ref_part(text: str) -> str:
    part = re.sub(r"\.{2,}", ".", _BRANCH_PART.sub("-", text)).strip(".-") or "x"
    return f"{part}-" if part.endswith(".lock") else part


def propose_upgrade(
    repo: Path, base: str, files: Mapping[str, str], branch: str, message: str
) -> MergeOutcome:
    """Merge the render `files` (whose previous render is commit `base`) into `main` on `branch`."""
    if not gitting.is_repo(repo):
        raise PermanentError(f"repository {repo.name} does not exist")
    with gitting.repo_lock(repo):
        main = gitting.head(repo)
        if main is None:
            raise PermanentError(f"repository {repo.name} has no {gitting.DEFAULT_BRANCH} branch")
        render = _commit_tree(repo, base, files, message)
        if _tree(repo, render) == _tree(repo, base):
            return MergeOutcome(status="up-to-date")
        merged = gitting.run_git(
            "merge-tree",
            "--write-tree",
            "--name-only",
            "--no-messages",
            main,
            render,
            git_dir=repo,
            check=False,
        )
        if merged.returncode not in (0, 1):
            raise PermanentError(f"git merge-tree failed: {merged.stderr.decode().strip()}")
        lines = merged.stdout.decode().splitlines()
        if merged.returncode == 1:
            conflicts = tuple(dict.fromkeys(line for line in lines[1:] if line))
            _set_branch(repo, branch, render)
            return MergeOutcome("conflicts", render, branch, render, conflicts)
        commit = (
            gitting.run_git(
                "commit-tree", lines[0], "-p", main, "-p", render, "-m", message, git_dir=repo
            )
            .stdout.decode()
            .strip()
        )
        _set_branch(repo, branch, commit)
        return MergeOutcome("merged", render, branch, commit)


def is_merged(repo: Path, commit: str) -> bool:
    """True when `commit` is in `main`'s history (an upgrade branch was merged)."""
    result = gitting.run_git(
        "merge-base",
        "--is-ancestor",
        commit,
        f"refs/heads/{gitting.DEFAULT_BRANCH}",
        git_dir=repo,
        check=False,
    )
    return result.returncode == 0


def _commit_tree(repo: Path, parent: str, files: Mapping[str, str], message: str) -> str:
    """A commit holding exactly `files`, child of `parent`, on a scratch ref."""
    who = f"{gitting.AUTHOR_NAME} <{gitting.AUTHOR_EMAIL}>"
    stream = [
        f"commit {SCRATCH_REF}\nmark :1\n".encode(),
        f"committer {who} {int(time.time())} +0000\n".encode(),
        _data(message.encode()),
        f"from {parent}\ndeleteall\n".encode(),
    ]
    for path, text in sorted(files.items()):
        stream += [f"M 100644 inline {path}\n".encode(), _data(text.encode())]
    stream.append(b"\nget-mark :1\ndone\n")
    result = gitting.run_git(
        "fast-import", "--quiet", "--done", "--force", git_dir=repo, stdin=b"".join(stream)
    )
    return result.stdout.decode().split()[-1]


def _tree(repo: Path, commit: str) -> str:
    return gitting.run_git("rev-parse", f"{commit}^{{tree}}", git_dir=repo).stdout.decode().strip()


def _set_branch(repo: Path, branch: str, commit: str) -> None:
    gitting.run_git("update-ref", f"refs/heads/{branch}", commit, git_dir=repo)


def _data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"
