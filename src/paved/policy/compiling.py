"""The only module that talks to `regopy` (rego-cpp): compiling Rego sources, querying a compiled
bundle, turning its errors into `file:line:column: message`, and running untrusted work in a child.

rego-cpp 1.5.2 has sharp edges this module files down: `with input as …` aborts the process (so
it is refused before compiling, and untrusted sources are compiled first in a child process);
strings given as Python values come back unescaped (so input strings go in escaped); some errors
surface only when a rule is evaluated (so new bundles are probed before they are used).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

from paved.core.errors import UnavailableError

if TYPE_CHECKING:
    import regopy

# regopy is imported where it is used: 11 MB that a process which never evaluates a policy
# (an API worker serving the catalog, say) does not load

_PACKAGE = re.compile(r"^\s*package\s+[A-Za-z_][\w.]*", re.MULTILINE)
_WITH_INPUT = re.compile(r"\bwith\s+input\s+as\b")
_LOCATED = re.compile(r"\(error (\d+):")
_MESSAGE = re.compile(r"\(errormsg (\d+):")
CHILD_TIMEOUT = 60.0
_NO_WITH_INPUT = (
    "`with input as …` can abort rego-cpp 1.5.2; replace the input key by key:"
    ' `with input.environment as "prod"`'
)


@dataclass(frozen=True)
class PolicyProblem:
    """Why a policy file was rejected; `line` and `column` count from 1, 0 when unknown."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class PolicyLoadError(UnavailableError):
    """A set of policy files that cannot be used; `problems` say where and why."""

    def __init__(self, problems: Sequence[PolicyProblem]) -> None:
        super().__init__("policy rejected: " + "; ".join(str(p) for p in problems))
        self.problems = list(problems)


class PolicyEvaluationError(UnavailableError):
    """A compiled bundle failed while deciding: no decision, never an accidental allow."""


def check_sources(sources: Mapping[str, str]) -> list[PolicyProblem]:
    """Problems found without compiling: a file with no package, or a construct that crashes."""
    problems: list[PolicyProblem] = []
    for name, text in sorted(sources.items()):
        if not _PACKAGE.search(text):
            problems.append(PolicyProblem(name, 1, 1, "a Rego file must start with a package"))
        code = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        for found in _WITH_INPUT.finditer(code):
            line = code.count("\n", 0, found.start()) + 1
            column = found.start() - (code.rfind("\n", 0, found.start()) + 1) + 1
            problems.append(PolicyProblem(name, line, column, _NO_WITH_INPUT))
    return problems


def new_interpreter() -> regopy.Interpreter:
    """An interpreter that does not print compiler errors on the console."""
    import regopy

    interpreter = regopy.Interpreter()
    interpreter.log_level = regopy.LogLevel.NONE
    return interpreter


def compile_sources(sources: Mapping[str, str], entrypoints: Sequence[str]) -> regopy.Bundle:
    """Compile once into a bundle with these entrypoints (`pkg/path/rule`); or `PolicyLoadError`."""
    import regopy

    problems = check_sources(sources)
    if problems:
        raise PolicyLoadError(problems)
    interpreter = new_interpreter()
    try:
        for name, text in sorted(sources.items()):
            interpreter.add_module(name, text)
        bundle = interpreter.build(None, list(entrypoints))
    except regopy.RegoError as err:
        raise PolicyLoadError(parse_errors(str(err), sources)) from err
    if not bundle.ok():
        raise PolicyLoadError([PolicyProblem("(bundle)", 0, 0, "the bundle did not build")])
    return bundle


def parse_errors(text: str, sources: Mapping[str, str]) -> list[PolicyProblem]:
    """rego-cpp's `(error 11:sizes.rego|65|1 (errormsg 27:…))` as file, line, column, message."""
    problems: list[PolicyProblem] = []
    for found in _LOCATED.finditer(text):
        start = found.end()
        name = text[start : start + int(found.group(1))]
        offset = text[start + len(name) :].split("|")[1:2]
        message = _counted(_MESSAGE, text, start) or "invalid Rego"
        line, column = _position(sources.get(name, ""), int(offset[0]) if offset else -1)
        problems.append(PolicyProblem(name, line, column, message))
    if not problems:
        message = _counted(_MESSAGE, text, 0) or text.strip() or "invalid Rego"
        problems.append(locate(message, sources))
    return problems


def locate(message: str, sources: Mapping[str, str]) -> PolicyProblem:
    """A problem for an error without position; `Function not found: f` is found by its call."""
    called = re.search(r"Function not found: ([\w.]+)", message)
    if called:
        call = re.compile(rf"(?<![\w.]){re.escape(called.group(1))}\s*\(")
        for name, text in sorted(sources.items()):
            found = call.search(text)
            if found:
                line, column = _position(text, len(text[: found.start()].encode()))
                return PolicyProblem(name, line, column, message)
    return PolicyProblem("(bundle)", 0, 0, message)


def _counted(pattern: re.Pattern[str], text: str, start: int) -> str:
    found = pattern.search(text, start)
    if not found:
        return ""
    return text[found.end() : found.end() + int(found.group(1))]


def _position(source: str, offset: int) -> tuple[int, int]:
    """Line and column of a byte offset into `source`; (0, 0) when unknown."""
    if offset < 0:
        return 0, 0
    before = source.encode()[:offset].decode(errors="replace")
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def set_input(interpreter: regopy.Interpreter, document: Any) -> None:
    """Give the document as `input`, strings escaped as rego-cpp keeps its own literals."""
    import regopy

    interpreter.set_input(regopy.Input(_escaped(document)))


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        if value.isprintable() and '"' not in value and "\\" not in value:
            return value
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if isinstance(value, Mapping):
        return {_escaped(k): _escaped(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_escaped(v) for v in value]
    return value


def query(interpreter: regopy.Interpreter, bundle: regopy.Bundle, entrypoint: str) -> Any:
    """The value of one entrypoint (None when undefined); `PolicyEvaluationError` on an error."""
    import regopy
    from regopy import rego_shared as rs

    output = rs.rego_bundle_query_entrypoint(interpreter._impl, bundle._impl, entrypoint)
    try:
        root = rs.rego_output_node(output)
        if not rs.rego_output_ok(output) or rs.rego_node_type(root) in (
            regopy.NodeKind.Error,
            regopy.NodeKind.ErrorSeq,
        ):
            messages = _error_messages(root) or ["evaluation failed"]
            raise PolicyEvaluationError("; ".join(dict.fromkeys(messages)))
        text = rs.rego_output_string(output)
    finally:
        rs.rego_free_output(output)
    if text == "undefined":
        return None
    try:
        return json.loads(text)["expressions"][0]
    except (ValueError, KeyError, IndexError) as err:
        raise PolicyEvaluationError(f"{entrypoint}: unreadable result {text[:200]!r}") from err


def _error_messages(node: Any) -> list[str]:
    import regopy
    from regopy import rego_shared as rs

    if rs.rego_node_type(node) == regopy.NodeKind.ErrorMessage:
        return [rs.rego_node_value(node)]
    found: list[str] = []
    for index in range(rs.rego_node_size(node)):
        found.extend(_error_messages(rs.rego_node_get(node, index)))
    return found


def problems_to_json(problems: Sequence[PolicyProblem]) -> list[dict[str, Any]]:
    return [asdict(p) for p in problems]


def problems_from_json(items: Sequence[Mapping[str, Any]]) -> list[PolicyProblem]:
    return [PolicyProblem(**item) for item in items]


def run_in_child(function: str, payload: Any, *, timeout: float = CHILD_TIMEOUT) -> Any:
    """`module:function(payload)` in a new Python process, so a rego-cpp abort cannot kill us.

    The child's JSON answer is returned; a crash raises `PolicyLoadError` with its last words.
    """
    module, name = function.split(":")
    code = (
        "import json, sys, importlib\n"
        f"f = getattr(importlib.import_module({module!r}), {name!r})\n"
        "json.dump(f(json.load(sys.stdin)), sys.stdout)\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        problem = PolicyProblem("(bundle)", 0, 0, f"compiling took more than {timeout:.0f}s")
        raise PolicyLoadError([problem]) from err
    if done.returncode == 0:
        return json.loads(done.stdout)
    last = (done.stderr.strip().splitlines() or [f"exit status {done.returncode}"])[-1]
    problem = PolicyProblem("(bundle)", 0, 0, f"the Rego engine crashed: {last.strip()}")
    raise PolicyLoadError([problem])
