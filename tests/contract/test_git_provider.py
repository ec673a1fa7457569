"""The git provider on real git: contract suite, cloning, half-made repos, concurrent commits."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from paved.core.errors import PermanentError
from paved.core.ids import external_name
from paved.providers import gitting
from paved.providers.base import ResourceRef
from paved.providers.git_repos import INITIAL_MESSAGE, GitRepoProvider
from tests.contract.suite import ProviderContract

FILES = {"README.md": "# demo\n", "src/app.py": "print('hello')\n"}


def make_ref(kind: str = "git") -> ResourceRef:
    service = f"svc-{uuid.uuid4().hex[:10]}"
    return ResourceRef(
        kind=kind,
        external_name=external_name(kind, "team-a", service, "dev"),
        service=service,
        team="team-a",
        environment="dev",
        name=kind,
    )


def clone(url: str, dest: Path) -> Path:
    gitting.run_git("clone", "--quiet", url, str(dest))
    return dest


@pytest.fixture
def provider(tmp_path: Path) -> GitRepoProvider:
    return GitRepoProvider(tmp_path / "repos")


@pytest.fixture
def ref() -> ResourceRef:
    return make_ref()


@pytest.fixture
def spec() -> dict[str, object]:
    return {"files": dict(FILES), "description": "A demo service"}


class TestGitRepoContract(ProviderContract):
    """The generic provider contract, on bare repositories."""


def test_clone_by_url_holds_the_files(
    provider: GitRepoProvider, ref: ResourceRef, spec: dict[str, object], tmp_path: Path
) -> None:
    outputs = provider.create(ref, spec)
    assert outputs["url"].startswith("file://")
    assert outputs["default_branch"] == "main"
    work = clone(outputs["url"], tmp_path / "work")
    assert (work / "README.md").read_text() == FILES["README.md"]
    assert (work / "src/app.py").read_text() == FILES["src/app.py"]
    log = gitting.run_git("log", "--format=%s%n%an", cwd=work).stdout.decode().split("\n")
    assert log[:2] == [INITIAL_MESSAGE, gitting.AUTHOR_NAME]
    head_ref = gitting.run_git("symbolic-ref", "HEAD", git_dir=Path(outputs["path"]))
    assert head_ref.stdout.decode().strip() == "refs/heads/main"
    assert (Path(outputs["path"]) / "description").read_text() == "A demo service\n"


def test_developer_commits_are_not_drift_and_outputs_stay(
    provider: GitRepoProvider, ref: ResourceRef, spec: dict[str, object], tmp_path: Path
) -> None:
    outputs = provider.create(ref, spec)
    work = clone(outputs["url"], tmp_path / "work")
    (work / "README.md").write_text("# changed by a developer\n")
    gitting.run_git("commit", "--quiet", "-am", "Developer change", cwd=work)
    gitting.run_git("push", "--quiet", "origin", "main", cwd=work)
    observation = provider.observe(ref, spec)
    assert observation.up_to_date
    assert dict(observation.outputs) == outputs
    assert provider.create(ref, spec) == outputs
    assert gitting.read_file(Path(outputs["path"]), "README.md") == "# changed by a developer\n"


def test_half_created_empty_repo_is_completed(
    provider: GitRepoProvider, ref: ResourceRef, spec: dict[str, object]
) -> None:
    repo = provider.repo_path(ref.service)
    repo.mkdir(parents=True)
    gitting.run_git("init", "--bare", "--quiet", "--initial-branch=master", str(repo))
    assert not provider.observe(ref, spec).exists
    outputs = provider.create(ref, spec)
    assert provider.observe(ref, spec).exists
    head_ref = gitting.run_git("symbolic-ref", "HEAD", git_dir=repo).stdout.decode().strip()
    assert head_ref == "refs/heads/main"
    assert gitting.list_files(repo) == sorted(FILES)
    assert outputs["commit"] == gitting.head(repo)


def test_url_for_names_the_clone_url(tmp_path: Path, ref: ResourceRef) -> None:
    provider = GitRepoProvider(tmp_path, url_for=lambda service: f"http://git.local/{service}.git")
    outputs = provider.create(ref, {"files": FILES})
    assert outputs["url"] == f"http://git.local/{ref.service}.git"


def test_invalid_service_name_is_refused(provider: GitRepoProvider) -> None:
    bad = ResourceRef("git", external_name("git", "t", "x", "dev"), "../escape", "t", "dev", "git")
    with pytest.raises(PermanentError):
        provider.create(bad, {"files": FILES})


def test_commit_that_changes_nothing_is_skipped(tmp_path: Path) -> None:
    repo = tmp_path / "plain.git"
    gitting.init_bare(repo)
    first = gitting.commit_files(repo, {"a.txt": "a\n"}, "Add a")
    assert first is not None
    assert gitting.commit_files(repo, {"a.txt": "a\n"}, "Add a again") is None
    assert gitting.commit_files(repo, {"missing.txt": None}, "Remove nothing") is None
    second = gitting.commit_files(repo, {"a.txt": None, "b/c.txt": "c\n"}, "Move")
    assert second == gitting.head(repo)
    assert gitting.list_files(repo) == ["b/c.txt"]
    assert gitting.last_commit(repo, ["a.txt"]) == second
    assert gitting.root_commit(repo) == first


def test_concurrent_commits_to_one_repo_all_land(tmp_path: Path) -> None:
    repo = tmp_path / "shared.git"
    gitting.init_bare(repo)
    errors: list[BaseException] = []

    def commit(index: int) -> None:
        try:
            gitting.commit_files(repo, {f"file-{index}.txt": f"{index}\n"}, f"Add {index}")
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=commit, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert gitting.list_files(repo) == sorted(f"file-{i}.txt" for i in range(8))
    count = gitting.run_git("rev-list", "--count", "main", git_dir=repo).stdout.decode().strip()
    assert count == "8"


def test_read_file_of_missing_repo_is_none(tmp_path: Path) -> None:
    assert gitting.read_file(tmp_path / "nowhere.git", "README.md") is None
    assert gitting.list_files(tmp_path / "nowhere.git") == []
    assert gitting.head(tmp_path / "nowhere.git") is None
