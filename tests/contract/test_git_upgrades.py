"""Template upgrades on real git: a three-way merge that keeps local changes, reports conflicts."""

from __future__ import annotations

from pathlib import Path

import pytest

from paved.providers import git_upgrades, gitting

V1 = {
    "README.md": "# demo\n\nline one\nline two\nline three\nline four\nline five\n",
    "app.py": "PORT = 8000\nNAME = 'demo'\n",
}


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str]:
    """A service repository: the v1 render as its first commit, then a developer's change."""
    path = tmp_path / "demo.git"
    gitting.init_bare(path)
    gitting.commit_files(path, V1, "Initial commit from Paved template", initial=True)
    base = gitting.root_commit(path)
    assert base is not None
    return path, base


def upgrade(repo: Path, base: str, files: dict[str, str]) -> git_upgrades.MergeOutcome:
    return git_upgrades.propose_upgrade(repo, base, files, "paved/upgrade-demo-2", "Upgrade")


def read(repo: Path, branch: str, path: str) -> str | None:
    return gitting.read_file(repo, path, branch=branch)


def test_changes_on_different_lines_merge_cleanly(repo: tuple[Path, str]) -> None:
    path, base = repo
    local = V1["README.md"].replace("line one", "line one, edited by the team")
    gitting.commit_files(path, {"README.md": local, "notes.md": "ours\n"}, "Team change")
    main_before = gitting.head(path)
    v2 = {
        **V1,
        "README.md": V1["README.md"].replace("line five", "line five, v2"),
        "new.txt": "2\n",
    }

    outcome = upgrade(path, base, v2)

    assert outcome.status == "merged"
    assert outcome.conflicts == ()
    merged = read(path, "paved/upgrade-demo-2", "README.md")
    assert merged is not None
    assert "line one, edited by the team" in merged
    assert "line five, v2" in merged
    assert read(path, "paved/upgrade-demo-2", "notes.md") == "ours\n"
    assert read(path, "paved/upgrade-demo-2", "new.txt") == "2\n"
    assert gitting.head(path) == main_before, "main is never touched"
    assert not git_upgrades.is_merged(path, outcome.render_commit or "")


def test_changes_on_the_same_line_are_a_reported_conflict(repo: tuple[Path, str]) -> None:
    path, base = repo
    gitting.commit_files(path, {"app.py": "PORT = 9000\nNAME = 'demo'\n"}, "Team change")
    main_before = gitting.head(path)

    outcome = upgrade(path, base, {**V1, "app.py": "PORT = 8080\nNAME = 'demo'\n"})

    assert outcome.status == "conflicts"
    assert outcome.conflicts == ("app.py",)
    assert gitting.read_file(path, "app.py") == "PORT = 9000\nNAME = 'demo'\n", (
        "kept, not overwritten"
    )
    assert gitting.head(path) == main_before
    assert read(path, "paved/upgrade-demo-2", "app.py") == "PORT = 8080\nNAME = 'demo'\n"


def test_a_file_the_template_drops_is_removed_unless_changed(repo: tuple[Path, str]) -> None:
    path, base = repo
    v2 = {"README.md": V1["README.md"]}
    outcome = upgrade(path, base, v2)
    assert outcome.status == "merged"
    assert read(path, "paved/upgrade-demo-2", "app.py") is None


def test_an_unchanged_render_is_up_to_date(repo: tuple[Path, str]) -> None:
    path, base = repo
    assert upgrade(path, base, dict(V1)).status == "up-to-date"
    assert gitting.head(path, "paved/upgrade-demo-2") is None


def test_merging_the_branch_counts_as_upgraded(repo: tuple[Path, str]) -> None:
    path, base = repo
    outcome = upgrade(path, base, {**V1, "new.txt": "2\n"})
    assert outcome.commit is not None
    assert outcome.render_commit is not None
    gitting.run_git("update-ref", "refs/heads/main", outcome.commit, git_dir=path)
    assert git_upgrades.is_merged(path, outcome.render_commit)


@pytest.mark.parametrize(
    ("version", "branch"),
    [
        ("1.2.0", "paved/upgrade-python-api-1.2.0"),
        ("sha-1 2:3", "paved/upgrade-python-api-sha-1-2-3"),
        ("1..2", "paved/upgrade-python-api-1.2"),
        ("v1.lock", "paved/upgrade-python-api-v1.lock-"),
        ("~^", "paved/upgrade-python-api-x"),
    ],
)
def test_branch_names_are_valid_refs(version: str, branch: str) -> None:
    name = git_upgrades.branch_name("python-api", version)
    gitting.run_git("check-ref-format", "--branch", name)
    assert name == branch
