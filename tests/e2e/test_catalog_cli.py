"""`paved catalog …` as a newcomer uses it on the embedded default."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.e2e.harness import PavedProcess
from tests.e2e.test_cli import paved_cli

CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: {name: payments}
spec: {type: team, children: []}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: ledger
  title: Ledger
  description: Double-entry bookkeeping
  tags: [python, pci]
spec: {type: service, lifecycle: production, owner: payments, dependsOn: ["resource:ledger-db"]}
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: {name: ledger-db}
spec: {type: database, owner: payments}
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: {name: ghost}
spec: {type: service, lifecycle: production, owner: nobody}
"""


@pytest.fixture
def embedded(tmp_path: Path) -> Iterator[PavedProcess]:
    process = PavedProcess(home=tmp_path / "home", env={})
    yield process
    process.stop()


def test_register_list_get_search_graph_export_hygiene(
    embedded: PavedProcess, tmp_path: Path
) -> None:
    embedded.start()
    source = tmp_path / "catalog-info.yaml"
    source.write_text(CATALOG)
    registered = paved_cli(embedded, "catalog", "register", str(source))
    assert registered.returncode == 0, registered.stderr
    assert "4 entities" in registered.stdout

    listed = paved_cli(
        embedded, "catalog", "list", "--filter", "kind=component,spec.owner=group:payments"
    )
    assert listed.returncode == 0, listed.stderr
    assert "component:default/ledger" in listed.stdout
    assert "ghost" not in listed.stdout

    got = json.loads(paved_cli(embedded, "catalog", "get", "ledger").stdout)
    assert {"type": "ownedBy", "targetRef": "group:default/payments"} in [
        {k: r[k] for k in ("type", "targetRef")} for r in got["relations"]
    ]
    found = paved_cli(embedded, "catalog", "search", "bookkeeping")
    assert "component:default/ledger" in found.stdout
    graph = paved_cli(embedded, "catalog", "graph", "component:ledger", "--depth", "1")
    assert "resource:default/ledger-db" in graph.stdout

    exported = paved_cli(
        embedded, "catalog", "export", "--filter", "kind=component,metadata.name=ledger"
    )
    assert exported.returncode == 0, exported.stderr
    [ledger] = list(yaml.safe_load_all(exported.stdout))
    assert ledger == next(
        d for d in yaml.safe_load_all(CATALOG) if d["metadata"]["name"] == "ledger"
    )

    hygiene = paved_cli(embedded, "catalog", "hygiene")
    assert "component:default/ghost" in hygiene.stdout
    assert "owner is not in the catalog" in hygiene.stdout

    missing = paved_cli(embedded, "catalog", "get", "component:nothing")
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1
    assert "does not exist" in missing.stderr
    bad = paved_cli(embedded, "catalog", "register", str(tmp_path / "absent.yaml"))
    assert bad.returncode == 2
    assert "no such file" in bad.stderr
