"""Benchmark of golden-path templates: render time per template, upgrade time of a big service.

Usage: `.venv/bin/python bench/templates.py [--n 30]`. Prints, per shipped template, the first
(cold) render and the median and p95 of N warm renders of the whole repository (skeleton plus
the files Paved manages); then the time to upgrade a service of 200 files (render the new
version, commit it, three-way merge with `git merge-tree`, write the upgrade branch) where the
team changed 10 files and the template 10 others. Targets: render < 200 ms, upgrade < 2 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import yaml

from paved.providers import git_upgrades, gitting
from paved.providers.ci_pipelines import render_workflow
from paved.schemas.services import ResourceSpec, ServiceCreate
from paved.templates.library import TemplateLibrary, default_root
from paved.templates.scaffolding import render_service, scaffold_files

REPO_URL = "http://127.0.0.1:8000/git/bench-svc.git"
UPGRADE_FILES = 200
CHANGED = 10


def service(template: str, library: TemplateLibrary) -> ServiceCreate:
    types = library.get(template).resources or ()
    return ServiceCreate(
        name="bench-svc",
        template=template,
        team="checkout",
        description="Benchmark",
        resources=[ResourceSpec(type=t) for t in types],
    )


def bench_renders(n: int) -> None:
    library = TemplateLibrary(default_root())
    workflow = render_workflow({"service": "bench-svc"})
    print(f"render of each shipped template (N={n} warm renders; target < 200 ms)")
    print(f"  {'template':<14} {'files':>5} {'cold ms':>8} {'median ms':>10} {'p95 ms':>8}")
    for name in library.names():
        svc = service(name, library)
        start = time.perf_counter()
        files = scaffold_files(library, svc, REPO_URL, workflow)
        cold = (time.perf_counter() - start) * 1000
        times = []
        for _ in range(n):
            start = time.perf_counter()
            scaffold_files(library, svc, REPO_URL, workflow)
            times.append((time.perf_counter() - start) * 1000)
        p95 = statistics.quantiles(times, n=20)[-1] if len(times) >= 2 else times[0]
        print(
            f"  {name:<14} {len(files):>5} {cold:>8.1f} {statistics.median(times):>10.1f} "
            f"{p95:>8.1f}"
        )


def write_template(root: Path, version: str, changed_lines: int) -> None:
    folder = root / "big"
    for index in range(UPGRADE_FILES - 3):  # + catalog-info.yaml, CODEOWNERS, ci.yml
        lines = [f"line {line} of file {index} for ${{{{ values.name }}}}" for line in range(40)]
        if index < changed_lines:
            lines[35] = f"line 35 of file {index}, changed in {version}"
        path = folder / "skeleton" / f"pkg{index % 10}" / f"module_{index}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n")
    entity = {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "big", "annotations": {"paved.dev/version": version}},
        "spec": {
            "type": "service",
            "steps": [
                {
                    "id": "fetch",
                    "action": "fetch:template",
                    "input": {"url": "./skeleton", "values": {"name": "${{ paved.name }}"}},
                }
            ],
        },
    }
    (folder / "template.yaml").write_text(yaml.safe_dump(entity))


def bench_upgrade(runs: int) -> None:
    times: list[float] = []
    outcome = None
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="paved-bench-") as tmp:
            root = Path(tmp)
            write_template(root / "templates", "1.0.0", 0)
            library = TemplateLibrary(root / "templates")
            svc = ServiceCreate(name="bench-svc", template="big", team="checkout")
            workflow = render_workflow({"service": "bench-svc"})
            first = render_service(library, svc, REPO_URL, workflow)
            repo = root / "bench-svc.git"
            gitting.init_bare(repo)
            gitting.commit_files(repo, first.files, "Initial commit", initial=True)
            base = gitting.root_commit(repo)
            assert base is not None
            team = {
                path: text.replace("line 5 of", "line 5 (team) of")
                for path, text in list(first.files.items())[-CHANGED:]
            }
            gitting.commit_files(repo, team, "Team changes")
            write_template(root / "templates", "2.0.0", CHANGED)
            start = time.perf_counter()
            rendered = render_service(library, svc, REPO_URL, workflow)
            branch = git_upgrades.branch_name("big", rendered.version)
            outcome = git_upgrades.propose_upgrade(repo, base, rendered.files, branch, "Upgrade")
            times.append((time.perf_counter() - start) * 1000)
            assert outcome.status == "merged", outcome
    print(
        f"upgrade of a service with {UPGRADE_FILES} files ({CHANGED} changed by the team, "
        f"{CHANGED} by the template; {runs} runs; target < 2000 ms)"
    )
    print(f"  median {statistics.median(times):.0f} ms, max {max(times):.0f} ms: {outcome.status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=30, help="warm renders per template")
    parser.add_argument("--upgrades", type=int, default=5, help="upgrade runs")
    args = parser.parse_args()
    cpu = platform.processor() or platform.machine()
    python = platform.python_version()
    print(f"on {platform.node()}: {os.cpu_count()} cores ({cpu}), Python {python}")
    bench_renders(args.n)
    bench_upgrade(args.upgrades)


if __name__ == "__main__":
    main()
