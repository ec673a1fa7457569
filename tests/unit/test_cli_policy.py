"""`paved policy check DIR` as a platform team's CI runs it: exit 0 only when every test passes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from paved.policy.bundles import default_policy_dir
from tests.unit.test_policy_rego_tests import TEAM_RULE, TEAM_TESTS


def check(directory: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "paved", "policy", "check", str(directory), *extra],
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_shipped_policies_pass_their_tests() -> None:
    done = check(default_policy_dir(), "-o", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    assert report["results"]
    assert {r["outcome"] for r in report["results"]} == {"pass"}


def test_a_failing_test_exits_1_and_names_it(tmp_path: Path) -> None:
    (tmp_path / "names.rego").write_text(TEAM_RULE)
    (tmp_path / "names_test.rego").write_text(TEAM_TESTS)
    done = check(tmp_path)
    assert done.returncode == 1
    assert "test_names_wrong_expectation" in done.stdout
    assert "1 passed, 1 failed" in done.stdout


def test_a_broken_policy_exits_1_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "broken.rego").write_text("package paved.guardrails\n\ndeny contains x if {\n")
    done = check(tmp_path)
    assert done.returncode == 1
    assert "broken.rego:" in done.stdout
