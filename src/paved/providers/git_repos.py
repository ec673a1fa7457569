"""The git provider: one bare repository per service, born with the template's first commit.

After that first commit the repository belongs to its developers: their later commits are never
reported as drift, and the outputs keep naming the first commit so they stay stable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from paved.core.errors import PermanentError
from paved.core.ids import is_dns_label
from paved.providers import gitting
from paved.providers.base import MISSING, Observation, Outputs, ResourceRef, Spec

INITIAL_MESSAGE = "Initial commit from Paved template"


class GitRepoProvider:
    """Bare repositories `<root>/<service>.git`, cloneable by URL (`file://` by default)."""

    kind = "git"
    secret_keys: tuple[str, ...] = ()

    def __init__(self, root: Path, url_for: Callable[[str], str] | None = None) -> None:
        """`url_for(service)` gives a repository's clone URL; by default its `file://` URL."""
        self.root = root
        self._url_for = url_for

    def check_available(self) -> None:
        gitting.check_git()

    def repo_path(self, service: str) -> Path:
        """Where the bare repository of `service` lives."""
        if not is_dns_label(service):
            raise PermanentError(f"invalid service name {service!r} for a repository")
        return self.root / f"{service}.git"

    def url(self, service: str) -> str:
        """The URL the repository of `service` is cloned by."""
        if self._url_for is not None:
            return self._url_for(service)
        return gitting.file_url(self.repo_path(service))

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        repo = self.repo_path(ref.service)
        first = gitting.root_commit(repo)
        if first is None:
            return MISSING
        return Observation(exists=True, up_to_date=True, outputs=self._outputs(ref, first))

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        repo = self.repo_path(ref.service)
        files = _files(spec)
        gitting.init_bare(repo)
        _write_description(repo, spec)
        gitting.commit_files(repo, files, INITIAL_MESSAGE, initial=True)
        first = gitting.root_commit(repo)
        if first is None:
            raise PermanentError(f"repository {repo.name} has no commit after creating it")
        return self._outputs(ref, first)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        """Nothing to converge once the repository exists: it is the developers' now."""
        return self.create(ref, spec)

    def delete(self, ref: ResourceRef) -> None:
        gitting.remove_repo(self.repo_path(ref.service))

    def _outputs(self, ref: ResourceRef, first_commit: str) -> Outputs:
        return {
            "url": self.url(ref.service),
            "path": str(self.repo_path(ref.service)),
            "default_branch": gitting.DEFAULT_BRANCH,
            "commit": first_commit,
        }


def _files(spec: Spec) -> Mapping[str, str | None]:
    files = spec.get("files", {})
    if not isinstance(files, Mapping) or not all(
        isinstance(path, str) and isinstance(text, str) for path, text in files.items()
    ):
        raise PermanentError("spec.files must map file paths to text")
    return dict(files)


def _write_description(repo: Path, spec: Spec) -> None:
    """Set the repository's description (shown by gitweb and friends)."""
    description = str(spec.get("description") or "").strip()
    if description:
        (repo / "description").write_text(description.splitlines()[0] + "\n")
