"""Policy bundles: the default Rego policies plus a configured directory, compiled once, and
swapped for a new compilation when the directory changes; a bundle that fails is never used.

Every `*.rego` file (not `*_test.rego`) of the default directory and of the policy directory goes
into one bundle; a file of the policy directory with the same relative path as a default one
replaces it (copy `sizes.rego`, change a limit). Guardrails live in `package paved.guardrails`
and add to three sets, `deny`, `needs_approval` and `notify`; `package paved.engine` is Paved's.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from paved.core.errors import UnavailableError
from paved.policy.compiling import (
    PolicyEvaluationError,
    PolicyLoadError,
    PolicyProblem,
    compile_sources,
    locate,
    new_interpreter,
    problems_from_json,
    problems_to_json,
    query,
    run_in_child,
    set_input,
)
from paved.policy.documents import probe_documents

log = logging.getLogger(__name__)
ENGINE_FILE = "<paved-engine>"
ENTRYPOINT = "paved/engine/result"
SETS = ("deny", "needs_approval", "notify")
ENGINE_MODULE = (
    "package paved.engine\n\nresult := {\n"
    + "".join(f'\t"{name}": {{x | some x in data.paved.guardrails.{name}}},\n' for name in SETS)
    + "}\n"
)
Fingerprint = tuple[tuple[str, int, int, int], ...]


def default_policy_dir() -> Path:
    """The shipped `policies/`: in the wheel, or at the root of a source checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "_data" / "policies", here.parents[2] / "policies"):
        if candidate.is_dir():
            return candidate
    raise UnavailableError("policies/ not found: reinstall Paved or set its policy directory")


def policy_files(directory: Path, *, tests: bool = False) -> dict[str, Path]:
    """Relative name -> path of the Rego files under `directory` (tests only, or no tests)."""
    found: dict[str, Path] = {}
    for path in sorted(directory.rglob("*.rego")):
        if path.name.endswith("_test.rego") == tests and path.is_file():
            found[path.relative_to(directory).as_posix()] = path
    return found


def read_sources(directories: Sequence[Path], *, tests: bool = False) -> dict[str, str]:
    """The sources of several directories; a later directory's file replaces an earlier one."""
    sources: dict[str, str] = {}
    for directory in directories:
        for name, path in policy_files(directory, tests=tests).items():
            try:
                sources[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                raise PolicyLoadError([PolicyProblem(name, 0, 0, f"unreadable: {err}")]) from err
    return sources


def revision_of(sources: Mapping[str, str]) -> str:
    """A short content hash naming the bundle that decided."""
    digest = hashlib.sha256()
    for name, text in sorted(sources.items()):
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()[:12]


class CompiledBundle:
    """One compilation of a set of sources, with its own interpreter, used under a lock."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self.revision = revision_of(sources)
        self.files = tuple(sorted(sources))
        self._sources = dict(sources)
        self._bundle = compile_sources({**sources, ENGINE_FILE: ENGINE_MODULE}, [ENTRYPOINT])
        self._interpreter = new_interpreter()
        self._lock = threading.Lock()

    def evaluate(self, document: Mapping[str, Any]) -> dict[str, list[Any]]:
        """The three sets for this input: `{"deny": [...], "needs_approval": [...], ...}`."""
        with self._lock:
            set_input(self._interpreter, document)
            result = query(self._interpreter, self._bundle, ENTRYPOINT)
        if not isinstance(result, dict):
            raise PolicyEvaluationError(f"policy result is {result!r}, not an object")
        return {name: list(result.get(name) or []) for name in SETS}

    def probe(self) -> None:
        """Evaluate the probe inputs; `PolicyLoadError` if any fails (rego-cpp finds some
        errors, such as an unknown function, only when a rule runs)."""
        for document in probe_documents():
            try:
                self.evaluate(document)
            except PolicyEvaluationError as err:
                raise PolicyLoadError([locate(err.message, self._sources)]) from err


def build_bundle(sources: Mapping[str, str], *, isolate: bool = False) -> CompiledBundle:
    """Compile and probe; with `isolate`, first in a child process, since rego-cpp can abort."""
    if isolate:
        problems = run_in_child("paved.policy.bundles:bundle_problems", dict(sources))
        if problems:
            raise PolicyLoadError(problems_from_json(problems))
    bundle = CompiledBundle(sources)
    bundle.probe()
    return bundle


def bundle_problems(sources: dict[str, str]) -> list[dict[str, Any]]:
    """Why these sources would be rejected as a bundle, as JSON (run in a child, too)."""
    try:
        CompiledBundle(sources).probe()
    except PolicyLoadError as err:
        return problems_to_json(err.problems)
    return []


class PolicyBundles:
    """The bundle in force, reloaded when the policy directory changes: checked at most every
    `check_interval` seconds by `current()` (None: never, e.g. when a background thread calls
    `reload()`), or on `reload()`. A rejected change leaves the bundle in force."""

    def __init__(
        self,
        policy_dir: Path | None = None,
        *,
        default_dir: Path | None = None,
        check_interval: float | None = 2.0,
        isolate: bool | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directories = [default_dir or default_policy_dir()]
        self.directories += [policy_dir] if policy_dir is not None else []
        self.policy_dir = policy_dir
        self.check_interval = check_interval
        self.isolate = policy_dir is not None if isolate is None else isolate
        self.builds = 0
        self.last_error: PolicyLoadError | None = None
        self._clock = clock
        self._lock = threading.Lock()
        self._seen = self._fingerprint()
        self._next_check = clock() + (check_interval or 0.0)
        self._bundle = self._build(read_sources(self.directories))

    @property
    def revision(self) -> str:
        return self._bundle.revision

    def current(self) -> CompiledBundle:
        """The bundle in force, after a change check if one is due (never waits on a reload)."""
        due = self.check_interval is not None and self._clock() >= self._next_check
        if due and self._lock.acquire(blocking=False):
            try:
                self._reload(force=False)
            finally:
                self._lock.release()
        return self._bundle

    def reload(self, *, force: bool = False) -> bool:
        """Check now; True if a new bundle is in force. A rejected one sets `last_error`."""
        with self._lock:
            return self._reload(force=force)

    def _reload(self, *, force: bool) -> bool:
        self._next_check = self._clock() + (self.check_interval or 0.0)
        try:
            fingerprint = self._fingerprint()
            if fingerprint == self._seen and not force:
                return False
            sources = read_sources(self.directories)
        except PolicyLoadError as err:
            return self._reject(err)
        self._seen = fingerprint
        if revision_of(sources) == self._bundle.revision:
            self.last_error = None
            return False
        try:
            bundle = self._build(sources)
        except PolicyLoadError as err:
            return self._reject(err)
        self._bundle, self.last_error = bundle, None
        log.info("policy bundle %s in force (%d files)", bundle.revision, len(bundle.files))
        return True

    def _reject(self, err: PolicyLoadError) -> bool:
        if str(err) != str(self.last_error):
            log.warning("policy change rejected, %s stays in force: %s", self.revision, err)
        self.last_error = err
        return False

    def _build(self, sources: Mapping[str, str]) -> CompiledBundle:
        self.builds += 1
        return build_bundle(sources, isolate=self.isolate)

    def _fingerprint(self) -> Fingerprint:
        """Name, inode, mtime and size of every policy file: cheap to compare, and any edit or
        replacement (a git checkout writes new files) changes it."""
        entries: list[tuple[str, int, int, int]] = []
        for index, directory in enumerate(self.directories):
            if not directory.is_dir():
                problem = PolicyProblem(str(directory), 0, 0, "policy directory not found")
                raise PolicyLoadError([problem])
            for name, path in policy_files(directory).items():
                try:
                    stat = path.stat()
                except OSError as err:
                    raise PolicyLoadError([PolicyProblem(name, 0, 0, str(err))]) from err
                entries.append((f"{index}:{name}", stat.st_ino, stat.st_mtime_ns, stat.st_size))
        return tuple(entries)
