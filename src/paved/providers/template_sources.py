"""Template repositories: shallow git checkouts of the repositories teams publish templates in.

A repository either is one template (`template.yaml` at its root) or holds several, one per
folder, like Paved's own `software-templates/`. Syncing fetches the default branch's tip; a
repository that cannot be reached keeps its last checkout.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from paved.core.errors import PermanentError, TemporaryError
from paved.providers import gitting

_UNSAFE = re.compile(r"[^a-z0-9-]+")


def checkout_dir(root: Path, url: str) -> Path:
    """Where the checkout of `url` lives under `root`: readable and unique per URL."""
    name = url.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git").lower()
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    return root / f"{_UNSAFE.sub('-', name).strip('-') or 'templates'}-{digest}"


def sync(url: str, dest: Path) -> str:
    """Clone or update the checkout of `url` in `dest`; the commit it is on."""
    if not url or url.startswith("-"):
        raise PermanentError(f"invalid template repository URL {url!r}")
    if (dest / ".git").is_dir():
        gitting.run_git("fetch", "--quiet", "--depth", "1", "origin", "HEAD", cwd=dest)
        gitting.run_git("reset", "--quiet", "--hard", "FETCH_HEAD", cwd=dest)
    else:
        if dest.exists():
            shutil.rmtree(dest)
        dest.parent.mkdir(parents=True, exist_ok=True)
        try:
            gitting.run_git("clone", "--quiet", "--depth", "1", "--", url, str(dest))
        except PermanentError as err:
            raise TemporaryError(f"cannot clone template repository {url}: {err}") from err
    return gitting.run_git("rev-parse", "HEAD", cwd=dest).stdout.decode().strip()
