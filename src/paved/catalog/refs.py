"""Entity references `kind:namespace/name`: one parser applying Backstage's defaults.

A reference may omit its kind (when the context gives a default kind, e.g. `group` for an
owner) and its namespace (the referring entity's namespace, else `default`). The key form is
lower-cased, as Backstage compares references case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from paved.core.errors import InputError

DEFAULT_NAMESPACE = "default"


@dataclass(frozen=True)
class EntityRef:
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return self.key

    @cached_property
    def key(self) -> str:
        """`kind:namespace/name`, lower-cased: how references are compared and stored."""
        return f"{self.kind}:{self.namespace}/{self.name}".lower()

    def __reduce__(self) -> tuple[type[EntityRef], tuple[str, str, str]]:
        """Pickled as its three parts (the cached key is made again when asked for)."""
        return EntityRef, (self.kind, self.namespace, self.name)

    def as_target(self) -> dict[str, str]:
        """The `target` object Backstage puts beside a relation's `targetRef`."""
        return {
            "kind": self.kind.lower(),
            "namespace": self.namespace.lower(),
            "name": self.name.lower(),
        }


def parse_ref(
    ref: str,
    *,
    default_kind: str | None = None,
    default_namespace: str = DEFAULT_NAMESPACE,
) -> EntityRef:
    """Parse `[kind:][namespace/]name`; raise `InputError` when a part is missing or empty."""
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(f"entity reference {ref!r} is not a non-empty string")
    text = ref.strip()
    kind: str | None = None
    if ":" in text:
        kind, _, text = text.partition(":")
        if not kind:
            raise InputError(f"entity reference {ref!r} has an empty kind")
    kind = kind or default_kind
    if kind is None:
        raise InputError(f"entity reference {ref!r} has no kind, and none is implied here")
    namespace = default_namespace
    if "/" in text:
        namespace, _, text = text.partition("/")
        if not namespace:
            raise InputError(f"entity reference {ref!r} has an empty namespace")
    if not text:
        raise InputError(f"entity reference {ref!r} has an empty name")
    if ":" in text or "/" in text:
        raise InputError(f"entity reference {ref!r} is not of the form kind:namespace/name")
    return EntityRef(kind, namespace, text)


def ref_of_entity(entity: dict[str, object]) -> EntityRef:
    """The reference of an entity from its kind, metadata.namespace and metadata.name."""
    metadata = entity.get("metadata")
    kind = entity.get("kind")
    if not isinstance(kind, str) or not kind:
        raise InputError("the entity has no kind", field="kind")
    if not isinstance(metadata, dict) or not isinstance(metadata.get("name"), str):
        raise InputError("the entity has no metadata.name", field="metadata.name")
    namespace = metadata.get("namespace") or DEFAULT_NAMESPACE
    if not isinstance(namespace, str):
        raise InputError("metadata.namespace is not a string", field="metadata.namespace")
    return EntityRef(kind, namespace, str(metadata["name"]))
