"""Running a policy directory's Rego tests: every `test_` rule of its `*_test.rego` files is
evaluated and passes when it is true (OPA's convention). This is `paved policy check DIR`.

The directory is compiled on top of the default policies (as the server layers it), unless told
otherwise; by default the run happens in a child process, so a rego-cpp abort is a report line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from paved.policy.bundles import bundle_problems, default_policy_dir, read_sources
from paved.policy.compiling import (
    PolicyEvaluationError,
    PolicyLoadError,
    PolicyProblem,
    compile_sources,
    new_interpreter,
    problems_from_json,
    problems_to_json,
    query,
    run_in_child,
)

_PACKAGE = re.compile(r"^\s*package\s+([A-Za-z_][\w.]*)", re.MULTILINE)
_TEST_RULE = re.compile(r"^(test_\w*)\b", re.MULTILINE)
TestOutcome = Literal["pass", "fail", "error"]


@dataclass(frozen=True)
class PolicyTestResult:
    """One `test_` rule: where it is and how it went."""

    name: str
    file: str
    line: int
    outcome: TestOutcome
    message: str = ""

    @property
    def passed(self) -> bool:
        return self.outcome == "pass"

    def __str__(self) -> str:
        tail = f": {self.message}" if self.message else ""
        return f"{self.outcome.upper():5} {self.file}:{self.line} {self.name}{tail}"


@dataclass(frozen=True)
class PolicyTestReport:
    """All test results of a directory, or the problems that kept it from compiling."""

    directory: str
    results: list[PolicyTestResult] = field(default_factory=list)
    problems: list[PolicyProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and all(r.passed for r in self.results)

    @property
    def failed(self) -> list[PolicyTestResult]:
        return [r for r in self.results if not r.passed]


@dataclass(frozen=True)
class _TestRule:
    name: str
    file: str
    line: int
    entrypoint: str


def discover_tests(tests: Mapping[str, str]) -> list[_TestRule]:
    """The `test_` rules of these test files, once each (a rule may have several bodies)."""
    found: dict[str, _TestRule] = {}
    for file, text in sorted(tests.items()):
        package = _PACKAGE.search(text)
        if package is None:
            continue
        prefix = package.group(1).replace(".", "/")
        for match in _TEST_RULE.finditer(text):
            line = text.count("\n", 0, match.start()) + 1
            entrypoint = f"{prefix}/{match.group(1)}"
            found.setdefault(entrypoint, _TestRule(match.group(1), file, line, entrypoint))
    return list(found.values())


def run_policy_tests(
    directory: Path, *, layered_on: Sequence[Path] | None = None, isolate: bool = True
) -> PolicyTestReport:
    """Compile `directory` (over `layered_on`, default: the shipped policies) and run its tests."""
    if not directory.is_dir():
        missing = PolicyProblem(str(directory), 0, 0, "policy directory not found")
        return PolicyTestReport(str(directory), problems=[missing])
    if layered_on is None:
        default = default_policy_dir()
        layered_on = [] if directory.resolve() == default.resolve() else [default]
    try:
        payload = {
            "directory": str(directory),
            "policies": read_sources([*layered_on, directory]),
            "tests": read_sources([directory], tests=True),
        }
        if not isolate:
            return _report(run_tests_payload(payload))
        return _report(run_in_child("paved.policy.testing:run_tests_payload", payload))
    except PolicyLoadError as err:
        return PolicyTestReport(str(directory), problems=err.problems)


def run_tests_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """Check the policies as the server would, then compile them with the tests and evaluate
    each test rule; JSON in, JSON out."""
    tests: dict[str, str] = payload["tests"]
    rules = discover_tests(tests)
    answer: dict[str, Any] = {"directory": payload["directory"], "results": [], "problems": []}
    answer["problems"] = bundle_problems(payload["policies"])
    if answer["problems"] or not rules:
        return answer
    try:
        bundle = compile_sources({**payload["policies"], **tests}, [r.entrypoint for r in rules])
    except PolicyLoadError as err:
        answer["problems"] = problems_to_json(err.problems)
        return answer
    interpreter = new_interpreter()
    for rule in rules:
        outcome: TestOutcome
        try:
            value = query(interpreter, bundle, rule.entrypoint)
            outcome, message = ("pass", "") if value is True else ("fail", _shown(value))
        except PolicyEvaluationError as err:
            outcome, message = "error", err.message
        result = PolicyTestResult(rule.name, rule.file, rule.line, outcome, message)
        answer["results"].append(asdict(result))
    return answer


def _shown(value: Any) -> str:
    return "undefined" if value is None else f"result {value!r}".replace("False", "false")


def _report(answer: Mapping[str, Any]) -> PolicyTestReport:
    return PolicyTestReport(
        directory=answer["directory"],
        results=[PolicyTestResult(**item) for item in answer["results"]],
        problems=problems_from_json(answer["problems"]),
    )
