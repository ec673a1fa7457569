"""The provider protocol, modelled on Crossplane's ExternalClient.

A provider acts on one kind of real resource, keyed by its deterministic external name.
Every method is idempotent: `observe` never changes anything, `create` of an identical existing
thing succeeds, `delete` of a missing thing succeeds. Providers never touch Paved's store and
never import DBOS: they get a plain spec and return plain data. Faults are reported as
`TemporaryError` (worth retrying) or `PermanentError` from `paved.core.errors`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from paved.core.ids import ExternalName

Spec = Mapping[str, Any]
Outputs = dict[str, Any]


@dataclass(frozen=True)
class ResourceRef:
    """Which resource: its kind, its external name and the service it belongs to."""

    kind: str
    external_name: ExternalName
    service: str
    team: str
    environment: str
    name: str


@dataclass(frozen=True)
class Observation:
    """What a provider saw: does the resource exist, does it match the spec, and how not."""

    exists: bool
    up_to_date: bool = True
    outputs: Mapping[str, Any] = field(default_factory=dict)
    diff: tuple[str, ...] = ()


MISSING = Observation(exists=False, up_to_date=False)


@runtime_checkable
class Provider(Protocol):
    """One kind of resource. `secret_keys` name the generated secrets the spec must carry."""

    kind: str
    secret_keys: tuple[str, ...]

    def check_available(self) -> None:
        """Raise `UnavailableError` (saying how to fix it) when the real system is not there."""

    def observe(self, ref: ResourceRef, spec: Spec) -> Observation:
        """Look, change nothing."""

    def create(self, ref: ResourceRef, spec: Spec) -> Outputs:
        """Make the resource; only called when `observe` says it does not exist."""

    def update(self, ref: ResourceRef, spec: Spec) -> Outputs:
        """Make the resource match the spec; only called when `observe` says it differs."""

    def delete(self, ref: ResourceRef) -> None:
        """Remove the resource; absent already is success."""
