"""Identifiers: request ids, workflow run ids and deterministic external names of resources."""

from __future__ import annotations

import re
import uuid
from typing import NewType

RequestId = NewType("RequestId", str)
RunId = NewType("RunId", str)
ExternalName = NewType("ExternalName", str)

DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS_LABEL_MAX = 63


def is_dns_label(value: str) -> bool:
    """True when `value` is an RFC 1123 label: lowercase letters, digits and `-`, at most 63."""
    return len(value) <= DNS_LABEL_MAX and DNS_LABEL.fullmatch(value) is not None


def new_request_id() -> RequestId:
    """A fresh, sortable-enough request id (`req_` + 26 hex characters)."""
    return RequestId("req_" + uuid.uuid4().hex[:26])


def run_id_for(request_id: str) -> RunId:
    """The DBOS workflow id of a request: derived, so one request can never run twice."""
    return RunId(f"paved-{request_id}")


def external_name(
    kind: str, team: str, service: str, environment: str, name: str = ""
) -> ExternalName:
    """The deterministic name of a resource outside, e.g. `postgres:checkout-payments-api-dev`.

    It is computed once from stable fields and stored; every provider action is keyed by it.
    """
    suffix = f"-{name}" if name and name != kind else ""
    return ExternalName(f"{kind}:{team}-{service}-{environment}{suffix}")
