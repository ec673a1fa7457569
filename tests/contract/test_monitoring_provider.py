"""The monitoring provider on real git and real promtool: rules, dashboards, a shared repository."""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
from pathlib import Path

import pytest

from paved.providers import gitting
from paved.providers.base import ResourceRef
from paved.providers.monitoring import (
    REPO_NAME,
    MonitoringProvider,
    dashboard_path,
    dashboard_uid,
    render_dashboard,
    render_rules,
    rules_path,
)
from tests.contract.suite import ProviderContract
from tests.contract.test_git_provider import clone, make_ref

PROMTOOL = shutil.which("promtool") or "/usr/bin/promtool"
SIGNALS = ["Latency p99", "Traffic", "Error ratio", "Saturation"]


@pytest.fixture
def provider(tmp_path: Path) -> MonitoringProvider:
    return MonitoringProvider(tmp_path / "repos")


@pytest.fixture
def ref() -> ResourceRef:
    return make_ref("monitoring")


@pytest.fixture
def spec(ref: ResourceRef) -> dict[str, str]:
    return {"service": ref.service, "team": ref.team, "environment": ref.environment}


class TestMonitoringContract(ProviderContract):
    """The generic provider contract, on files in the shared monitoring repository."""


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_rules_pass_promtool(environment: str, tmp_path: Path) -> None:
    spec = {"service": "payments-api", "team": "checkout", "environment": environment}
    path = tmp_path / "rules.yml"
    path.write_text(render_rules(spec))
    result = subprocess.run(
        [PROMTOOL, "check", "rules", str(path)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 4 rules found" in result.stdout


def test_rules_carry_labels_and_annotations() -> None:
    import yaml

    spec = {"service": "payments-api", "team": "checkout", "environment": "prod"}
    rules = yaml.safe_load(render_rules(spec))["groups"][0]["rules"]
    assert [r["alert"] for r in rules] == [
        "PaymentsApiHighLatency",
        "PaymentsApiTrafficDrop",
        "PaymentsApiHighErrorRatio",
        "PaymentsApiHighSaturation",
    ]
    for rule in rules:
        assert rule["for"]
        assert rule["labels"]["team"] == "checkout"
        assert rule["labels"]["service"] == "payments-api"
        assert rule["labels"]["severity"] in ("warning", "critical")
        assert set(rule["annotations"]) == {"summary", "runbook_url"}
        assert 'service="payments-api"' in rule["expr"]


def test_dashboard_has_a_panel_per_golden_signal() -> None:
    spec = {"service": "payments-api", "team": "checkout", "environment": "dev"}
    model = json.loads(render_dashboard(spec))
    assert model["uid"] == "paved-payments-api"
    assert [p["title"] for p in model["panels"]] == SIGNALS
    for panel in model["panels"]:
        assert panel["type"] == "timeseries"
        assert 'service="payments-api"' in panel["targets"][0]["expr"]
    assert render_dashboard(spec) == render_dashboard(dict(spec))


def test_dashboard_uid_fits_grafana_for_long_names() -> None:
    long_name = "a" * 63
    uid = dashboard_uid(long_name)
    assert len(uid) <= 40
    assert uid == dashboard_uid(long_name)
    assert uid != dashboard_uid("a" * 62)


def test_concurrent_services_all_land_in_the_shared_repo(provider: MonitoringProvider) -> None:
    refs = [make_ref("monitoring") for _ in range(4)]
    errors: list[BaseException] = []

    def create(ref: ResourceRef) -> None:
        try:
            provider.create(ref, {})
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=create, args=(ref,)) for ref in refs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    files = gitting.list_files(provider.repo)
    for ref in refs:
        assert rules_path(ref.service) in files
        assert dashboard_path(ref.service) in files
        assert provider.observe(ref, {}).up_to_date


def test_delete_keeps_other_services(provider: MonitoringProvider) -> None:
    kept, removed = make_ref("monitoring"), make_ref("monitoring")
    provider.create(kept, {})
    provider.create(removed, {})
    provider.delete(removed)
    files = gitting.list_files(provider.repo)
    assert files == sorted([rules_path(kept.service), dashboard_path(kept.service)])


def test_hand_edit_is_drift_that_update_repairs(
    provider: MonitoringProvider, ref: ResourceRef, spec: dict[str, str], tmp_path: Path
) -> None:
    provider.create(ref, spec)
    work = clone(gitting.file_url(provider.repo), tmp_path / "work")
    (work / rules_path(ref.service)).write_text("groups: []\n")
    gitting.run_git("commit", "--quiet", "-am", "Silence alerts", cwd=work)
    gitting.run_git("push", "--quiet", "origin", "main", cwd=work)
    observation = provider.observe(ref, spec)
    assert not observation.up_to_date
    assert observation.diff == (f"{rules_path(ref.service)} is not as rendered",)
    outputs = provider.update(ref, spec)
    assert provider.observe(ref, spec).up_to_date
    assert provider.observe(ref, spec).outputs == outputs
    assert (provider.root / REPO_NAME).is_dir()
