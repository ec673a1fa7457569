"""The Rego tests of the default bundle pass through `run_policy_tests`, and a policy directory's
failing, erroring or broken tests are reported with their file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from paved.policy import default_policy_dir, run_policy_tests

RULE_FILES = ["approvals", "budget", "lib", "regions", "sizes", "tags", "ttl"]
TEAM_RULE = (
    "package paved.guardrails\n\n"
    'deny contains {"rule": "names.rego", "message": "no test services"} if {\n'
    '\tstartswith(input.request.service, "test")\n}\n'
)
TEAM_TESTS = (
    "package paved.guardrails_test\n\nimport data.paved.guardrails\n\n"
    "test_names_test_service_denied if {\n"
    '\tcount(guardrails.deny) == 1 with input.request.service as "test-a"\n}\n\n'
    "test_names_wrong_expectation if {\n"
    '\tcount(guardrails.deny) == 0 with input.request.service as "test-a"\n}\n'
)


def test_every_default_rule_has_tests_beside_it() -> None:
    root = default_policy_dir()
    rules = sorted(p.stem for p in root.glob("*.rego") if not p.stem.endswith("_test"))
    assert rules == RULE_FILES
    for rule in rules:
        assert "\ntest_" in (root / f"{rule}_test.rego").read_text(), rule


@pytest.mark.parametrize("isolate", [True, False], ids=["in a child", "in process"])
def test_default_bundle_tests_all_pass(isolate: bool) -> None:
    report = run_policy_tests(default_policy_dir(), isolate=isolate)
    assert report.problems == []
    assert [str(r) for r in report.failed] == []
    files = {r.file for r in report.results}
    assert files == {f"{rule}_test.rego" for rule in RULE_FILES}
    assert len(report.results) >= 30
    assert report.ok


def write(directory: Path, name: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / name).write_text(text)
    return directory


def test_a_failing_test_rule_is_reported_with_its_place(tmp_path: Path) -> None:
    write(tmp_path, "names.rego", TEAM_RULE)
    write(tmp_path, "names_test.rego", TEAM_TESTS)
    report = run_policy_tests(tmp_path)
    assert not report.ok
    assert [(r.name, r.file, r.line, r.outcome) for r in report.results] == [
        ("test_names_test_service_denied", "names_test.rego", 5, "pass"),
        ("test_names_wrong_expectation", "names_test.rego", 9, "fail"),
    ]
    assert report.failed[0].message == "undefined"


def test_a_directory_is_layered_on_the_default_policies(tmp_path: Path) -> None:
    write(tmp_path, "names.rego", TEAM_RULE)
    write(
        tmp_path,
        "names_test.rego",
        "package paved.guardrails_test\n\nimport data.paved.guardrails\n\n"
        "names_rules := {d.rule | some d in guardrails.deny}\n\n"
        "test_names_default_rules_apply_too if {\n"
        '\tresources := [{"type": "postgres", "name": "postgres", "size": "xlarge"}]\n'
        '\tnames_rules == {"names.rego", "sizes.rego", "tags.rego"} with input.request.service as '
        '"test-a" with input.environment as "prod" with input.resources as resources\n}\n',
    )
    assert run_policy_tests(tmp_path).ok
    alone = run_policy_tests(tmp_path, layered_on=[])
    assert [r.outcome for r in alone.results] == ["fail"]


def test_an_erroring_test_rule_is_an_error(tmp_path: Path) -> None:
    write(
        tmp_path,
        "clash_test.rego",
        "package clash_test\n\nvalue := 1 if true\n\nvalue := 2 if true\n\n"
        "test_clash if {\n\tvalue == 1\n}\n",
    )
    [result] = run_policy_tests(tmp_path, layered_on=[]).results
    assert (result.outcome, result.line) == ("error", 7)
    assert "multiple outputs" in result.message


def test_a_test_file_that_does_not_compile_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "bad_test.rego", "package bad_test\n\ntest_x if {\n\tx := [1,\n}\n")
    report = run_policy_tests(tmp_path, layered_on=[])
    assert report.results == []
    assert {p.file for p in report.problems} == {"bad_test.rego"}
    assert not report.ok


def test_with_input_as_is_reported_not_crashed(tmp_path: Path) -> None:
    write(tmp_path, "names.rego", TEAM_RULE)
    write(
        tmp_path,
        "names_test.rego",
        "package paved.guardrails_test\n\nimport data.paved.guardrails\n\n"
        "test_x if {\n\tcount(guardrails.deny) == 1 with input as {}\n}\n",
    )
    [problem] = run_policy_tests(tmp_path).problems
    assert (problem.file, problem.line) == ("names_test.rego", 6)
    assert "input.environment" in problem.message


def test_a_directory_without_tests_has_nothing_to_report(tmp_path: Path) -> None:
    write(tmp_path, "names.rego", TEAM_RULE)
    report = run_policy_tests(tmp_path)
    assert (report.results, report.problems, report.ok) == ([], [], True)


def test_a_broken_policy_without_tests_is_still_a_problem(tmp_path: Path) -> None:
    write(tmp_path, "names.rego", TEAM_RULE.replace("startswith(", "startswith(("))
    [problem, *_] = run_policy_tests(tmp_path).problems
    assert (problem.file, problem.line) == ("names.rego", 4)


def test_a_missing_directory_is_a_problem(tmp_path: Path) -> None:
    report = run_policy_tests(tmp_path / "absent")
    assert [p.message for p in report.problems] == ["policy directory not found"]
    assert not report.ok
