"""The CI provider: keeps a service's `.github/workflows/ci.yml` equal to its rendering.

The workflow (test, build, scan) is a pure rendering of the spec; a hand edit is drift that
`observe` reports and `update` reverts with a commit.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from paved.core.errors import PermanentError
from paved.core.ids import is_dns_label
from paved.providers import gitting
from paved.providers.base import MISSING, Observation, Outputs, ResourceRef, Spec

WORKFLOW_PATH = ".github/workflows/ci.yml"
DEFAULT_PYTHON = "3.12"
DEFAULT_REGISTRY = "localhost:5000"
_PYTHON_VERSION = re.compile(r"^3\.\d{1,2}$")
_IMAGE = re.compile(r"^[a-z0-9]([a-z0-9._:/-]*[a-z0-9])?$")

_WORKFLOW = """\
# The CI pipeline of {service}, managed by Paved: hand edits are reverted.
name: ci

on:
  push:
    branches: [main]
  pull_request:

permissions:
  contents: read

env:
  IMAGE: {image}

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{python_version}"
          cache: pip
      - name: Install
        run: python -m pip install -e ".[test]"
      - name: Lint
        run: ruff check .
      - name: Test
        run: pytest -q

  build:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build the image
        run: docker build --tag "$IMAGE:${{{{ github.sha }}}}" .
      - name: Scan the image
        uses: aquasecurity/trivy-action@0.28.0
        with:
          image-ref: ${{{{ env.IMAGE }}}}:${{{{ github.sha }}}}
          severity: CRITICAL,HIGH
          exit-code: "1"
          ignore-unfixed: true

  scan:
    needs: test
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "{python_version}"
      - name: Audit dependencies
        run: |
          python -m pip install pip-audit
          pip-audit .
"""


def workflow_spec(ref: ResourceRef, spec: Spec) -> dict[str, str]:
    """The spec with its defaults: the ref's service, Python 3.12, `<registry>/<team>/<service>`."""
    service = str(spec.get("service") or ref.service)
    image = str(spec.get("image") or f"{DEFAULT_REGISTRY}/{ref.team}/{service}")
    python_version = str(spec.get("python_version") or DEFAULT_PYTHON)
    return {"service": service, "image": image, "python_version": python_version}


def render_workflow(spec: Mapping[str, Any]) -> str:
    """The GitHub Actions workflow of a service: test, then build and scan its image."""
    service = str(spec.get("service", ""))
    python_version = str(spec.get("python_version") or DEFAULT_PYTHON)
    image = str(spec.get("image") or f"{DEFAULT_REGISTRY}/{service}")
    if not is_dns_label(service):
        raise PermanentError(f"invalid service name {service!r} for a CI pipeline")
    if not _PYTHON_VERSION.fullmatch(python_version):
        raise PermanentError(f"invalid python_version {python_version!r}: expected e.g. 3.12")
    if not _IMAGE.fullmatch(image):
        raise PermanentError(f"invalid image name {image!r}")
    return _WORKFLOW.format(service=service, python_version=python_version, image=image)


def wanted_workflow(ref: ResourceRef, spec: Spec) -> str:
    """The workflow the service's template brings (`spec.workflow`), else Paved's rendering."""
    own = spec.get("workflow")
    if isinstance(own, str) and own:
        return own
    return render_workflow(workflow_spec(ref, spec))


class CiPipelineProvider:
    """The CI workflow file in the repository `<root>/<service>.git`, on `main`."""

    kind = "ci"
    secret_keys: tuple[str, ...] = ()

    def __init__(self, root: Path) -> None:
        self.root = root

    def check_available(self) -> None:
        gitting.check_git()

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        repo = self._repo(ref)
        current = gitting.read_file(repo, WORKFLOW_PATH)
        if current is None:
            return MISSING
        wanted = wanted_workflow(ref, spec)
        diff = () if current == wanted else (_describe_drift(current, wanted),)
        return Observation(exists=True, up_to_date=not diff, outputs=self._outputs(repo), diff=diff)

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        repo = self._repo(ref)
        wanted = wanted_workflow(ref, spec)
        if not gitting.is_repo(repo):
            raise PermanentError(f"repository {repo.name} does not exist: create it first")
        gitting.commit_files(repo, {WORKFLOW_PATH: wanted}, "Configure CI pipeline")
        return self._outputs(repo)

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self.create(ref, spec)

    def delete(self, ref: ResourceRef) -> None:
        repo = self._repo(ref)
        if gitting.head(repo) is not None:
            gitting.commit_files(repo, {WORKFLOW_PATH: None}, "Remove CI pipeline")

    def _repo(self, ref: ResourceRef) -> Path:
        if not is_dns_label(ref.service):
            raise PermanentError(f"invalid service name {ref.service!r} for a repository")
        return self.root / f"{ref.service}.git"

    def _outputs(self, repo: Path) -> Outputs:
        commit = gitting.last_commit(repo, [WORKFLOW_PATH]) or gitting.head(repo)
        return {"path": WORKFLOW_PATH, "commit": commit}


def _describe_drift(current: str, wanted: str) -> str:
    changed = [
        line
        for line in difflib.unified_diff(
            current.splitlines(), wanted.splitlines(), lineterm="", n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    return f"{WORKFLOW_PATH} differs from the rendered workflow ({len(changed)} lines changed)"
