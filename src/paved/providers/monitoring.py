"""The monitoring provider: golden-signal alerts and a dashboard per service, in one shared repo.

`<root>/monitoring.git` holds `prometheus/rules/<service>.yml` (Prometheus alerting rules) and
`grafana/dashboards/<service>.json` (a Grafana dashboard model), both pure renderings of the spec.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from paved.core.errors import PermanentError
from paved.core.ids import is_dns_label
from paved.providers import gitting
from paved.providers.base import MISSING, Observation, Outputs, ResourceRef, Spec

REPO_NAME = "monitoring.git"
RUNBOOK_BASE_URL = "https://paved.local/runbooks"
_WINDOW = "5m"
_UID_MAX = 40
_PANEL_UNITS = {"Latency p99": "s", "Traffic": "reqps", "Error ratio": "percentunit"}


def rules_path(service: str) -> str:
    return f"prometheus/rules/{service}.yml"


def dashboard_path(service: str) -> str:
    return f"grafana/dashboards/{service}.json"


def dashboard_uid(service: str) -> str:
    """A Grafana uid (at most 40 characters) derived from the service's name alone."""
    uid = f"paved-{service}"
    if len(uid) <= _UID_MAX:
        return uid
    digest = hashlib.sha256(service.encode()).hexdigest()[:8]
    return f"{uid[: _UID_MAX - 9]}-{digest}"


def _checked(spec: Mapping[str, Any]) -> tuple[str, str, str]:
    names = tuple(str(spec.get(key, "")) for key in ("service", "team", "environment"))
    for key, value in zip(("service", "team", "environment"), names, strict=True):
        if not is_dns_label(value):
            raise PermanentError(f"invalid {key} {value!r} for monitoring")
    return names[0], names[1], names[2]


def golden_signals(service: str, offset: str = "") -> dict[str, str]:
    """The PromQL of the four golden signals of `service`, by panel title (optionally offset)."""
    sel = f'service="{service}"'
    shift = f" offset {offset}" if offset else ""
    requests = f"sum(rate(http_requests_total{{{sel}}}[{_WINDOW}]{shift}))"
    errors = f'sum(rate(http_requests_total{{{sel},status=~"5.."}}[{_WINDOW}]{shift}))'
    buckets = f"sum by (le) (rate(http_request_duration_seconds_bucket{{{sel}}}[{_WINDOW}]{shift}))"
    return {
        "Latency p99": f"histogram_quantile(0.99, {buckets})",
        "Traffic": requests,
        "Error ratio": f"{errors} / {requests}",
        "Saturation": f"max(rate(process_cpu_seconds_total{{{sel}}}[{_WINDOW}]{shift}))",
    }


def _alerts(service: str, environment: str) -> list[tuple[str, str, str, str, str]]:
    """(name, expr, for, severity, summary) of each golden-signal alert."""
    now, before = golden_signals(service), golden_signals(service, offset="1h")
    paging = "critical" if environment in ("prod", "production") else "warning"
    return [
        (
            "HighLatency",
            f"{now['Latency p99']} > 0.5",
            "10m",
            paging,
            f"p99 latency of {service} is above 500ms",
        ),
        (
            "TrafficDrop",
            f"{now['Traffic']} < 0.5 * {before['Traffic']}",
            "15m",
            "warning",
            f"traffic of {service} fell below half of what it was an hour earlier",
        ),
        (
            "HighErrorRatio",
            f"({now['Error ratio']}) > 0.05",
            "5m",
            paging,
            f"more than 5% of the requests to {service} fail",
        ),
        (
            "HighSaturation",
            f"{now['Saturation']} > 0.9",
            "15m",
            "warning",
            f"{service} keeps a CPU core more than 90% busy",
        ),
    ]


def render_rules(spec: Mapping[str, Any]) -> str:
    """Prometheus alerting rules for latency, traffic, errors and saturation of one service."""
    service, team, environment = _checked(spec)
    labels = {"team": team, "service": service, "environment": environment}
    rules = [
        {
            "alert": f"{_camel(service)}{name}",
            "expr": expr,
            "for": wait,
            "labels": {"severity": severity, **labels},
            "annotations": {
                "summary": summary,
                "runbook_url": f"{RUNBOOK_BASE_URL}/{_kebab(name)}",
            },
        }
        for name, expr, wait, severity, summary in _alerts(service, environment)
    ]
    document = {"groups": [{"name": f"paved-{service}-golden-signals", "rules": rules}]}
    header = f"# Golden-signal alerts of {service}, managed by Paved: hand edits are reverted.\n"
    return header + yaml.safe_dump(document, sort_keys=False, width=1000)


def render_dashboard(spec: Mapping[str, Any]) -> str:
    """A Grafana dashboard model with one time-series panel per golden signal."""
    service, team, environment = _checked(spec)
    panels = [
        _panel(index, title, expr)
        for index, (title, expr) in enumerate(golden_signals(service).items())
    ]
    model = {
        "uid": dashboard_uid(service),
        "title": f"{service} ({environment})",
        "description": f"Golden signals of {service}, owned by {team}. Managed by Paved.",
        "tags": sorted({"paved", team, service}),
        "editable": True,
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "browser",
        "annotations": {"list": []},
        "templating": {"list": [_datasource_variable()]},
        "panels": panels,
    }
    return json.dumps(model, indent=2, sort_keys=True) + "\n"


def _panel(index: int, title: str, expr: str) -> dict[str, Any]:
    return {
        "id": index + 1,
        "type": "timeseries",
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "gridPos": {"h": 8, "w": 12, "x": 12 * (index % 2), "y": 8 * (index // 2)},
        "fieldConfig": {
            "defaults": {"unit": _PANEL_UNITS.get(title, "percentunit")},
            "overrides": [],
        },
        "targets": [{"refId": "A", "expr": expr, "legendFormat": title}],
    }


def _datasource_variable() -> dict[str, Any]:
    return {
        "name": "datasource",
        "label": "Data source",
        "type": "datasource",
        "query": "prometheus",
    }


def _camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _kebab(name: str) -> str:
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


class MonitoringProvider:
    """Alert rules and a dashboard per service in the shared repository `<root>/monitoring.git`."""

    kind = "monitoring"
    secret_keys: tuple[str, ...] = ()

    def __init__(self, root: Path) -> None:
        self.root = root
        self.repo = root / REPO_NAME

    def check_available(self) -> None:
        gitting.check_git()

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        full = _full_spec(ref, spec)
        wanted = _render(full)
        diff = []
        found = False
        for path, text in wanted.items():
            current = gitting.read_file(self.repo, path)
            found = found or current is not None
            if current != text:
                diff.append(f"{path} is {'missing' if current is None else 'not as rendered'}")
        if not found:
            return MISSING
        outputs = self._outputs(full["service"])
        return Observation(exists=True, up_to_date=not diff, outputs=outputs, diff=tuple(diff))

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        full = _full_spec(ref, spec)
        files = _render(full)
        gitting.init_bare(self.repo)
        gitting.commit_files(self.repo, dict(files), f"Configure monitoring of {full['service']}")
        return self._outputs(full["service"])

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        return self.create(ref, spec)

    def delete(self, ref: ResourceRef) -> None:
        service = ref.service
        if gitting.head(self.repo) is None:
            return
        removal: dict[str, str | None] = {rules_path(service): None, dashboard_path(service): None}
        gitting.commit_files(self.repo, removal, f"Remove monitoring of {service}")

    def _outputs(self, service: str) -> Outputs:
        paths = [rules_path(service), dashboard_path(service)]
        return {
            "repository": gitting.file_url(self.repo),
            "rules_path": paths[0],
            "dashboard_path": paths[1],
            "dashboard_uid": dashboard_uid(service),
            "commit": gitting.last_commit(self.repo, paths),
        }


def _full_spec(ref: ResourceRef, spec: Spec) -> dict[str, str]:
    """The spec with the ref's fields as defaults; the files are keyed by the ref's service."""
    if spec.get("service") not in (None, "", ref.service):
        raise PermanentError(f"spec.service {spec['service']!r} is not the resource's service")
    return {
        "service": ref.service,
        "team": str(spec.get("team") or ref.team),
        "environment": str(spec.get("environment") or ref.environment),
    }


def _render(spec: Mapping[str, str]) -> dict[str, str]:
    service = spec["service"]
    return {
        rules_path(service): render_rules(spec),
        dashboard_path(service): render_dashboard(spec),
    }
