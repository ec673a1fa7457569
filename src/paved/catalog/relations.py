"""Relations computed from an entity's spec, both directions, as Backstage's processors emit them.

Each rule reads one spec field (a reference or a list of them), resolves it with the rule's
default kind and the entity's namespace, and yields the forward relation from the entity and
the reverse relation from the target. A reference that does not parse is a processing error.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from paved.catalog.refs import EntityRef, parse_ref
from paved.core.errors import InputError

OWNED_BY, OWNER_OF = "ownedBy", "ownerOf"
DEPENDS_ON, DEPENDENCY_OF = "dependsOn", "dependencyOf"
PART_OF, HAS_PART = "partOf", "hasPart"
PROVIDES_API, API_PROVIDED_BY = "providesApi", "apiProvidedBy"
CONSUMES_API, API_CONSUMED_BY = "consumesApi", "apiConsumedBy"
MEMBER_OF, HAS_MEMBER = "memberOf", "hasMember"
CHILD_OF, PARENT_OF = "childOf", "parentOf"

REVERSE = {
    OWNED_BY: OWNER_OF,
    DEPENDS_ON: DEPENDENCY_OF,
    PART_OF: HAS_PART,
    PROVIDES_API: API_PROVIDED_BY,
    CONSUMES_API: API_CONSUMED_BY,
    MEMBER_OF: HAS_MEMBER,
    CHILD_OF: PARENT_OF,
}
REVERSE |= {v: k for k, v in REVERSE.items()}
ALL_TYPES = frozenset(REVERSE)


@dataclass(frozen=True)
class Rule:
    field: str
    relation: str
    default_kind: str | None


_OWNER = Rule("owner", OWNED_BY, "group")
_SYSTEM = Rule("system", PART_OF, "system")
_DEPENDS = Rule("dependsOn", DEPENDS_ON, None)
_DEPENDENCY_OF = Rule("dependencyOf", DEPENDENCY_OF, None)

RULES: dict[str, tuple[Rule, ...]] = {
    "component": (
        _OWNER,
        Rule("subcomponentOf", PART_OF, "component"),
        Rule("providesApis", PROVIDES_API, "api"),
        Rule("consumesApis", CONSUMES_API, "api"),
        _DEPENDS,
        _DEPENDENCY_OF,
        _SYSTEM,
    ),
    "api": (_OWNER, _SYSTEM),
    "resource": (_OWNER, _DEPENDS, _DEPENDENCY_OF, _SYSTEM),
    "system": (_OWNER, Rule("domain", PART_OF, "domain")),
    "domain": (_OWNER, Rule("subdomainOf", PART_OF, "domain")),
    "user": (Rule("memberOf", MEMBER_OF, "group"),),
    "group": (
        Rule("parent", CHILD_OF, "group"),
        Rule("children", PARENT_OF, "group"),
        Rule("members", HAS_MEMBER, "user"),
    ),
    "template": (_OWNER,),
}


class Relation(NamedTuple):
    """`declared`: the direction the entity's spec states (stored); the other is derived. A
    tuple, as a catalog's load makes hundreds of thousands: making, hashing and sorting them
    took two to three times as long as a frozen dataclass."""

    source: str
    type: str
    target: str
    declared: bool = True


def relations_of(entity: dict[str, Any], ref: EntityRef) -> tuple[list[Relation], list[str]]:
    """The relations `entity` (whose reference is `ref`) implies, and the errors in its refs."""
    spec = entity.get("spec")
    if not isinstance(spec, dict):
        return [], []
    found: set[Relation] = set()
    errors: list[str] = []
    for rule in RULES.get(ref.kind.lower(), ()):
        for value in _values(spec.get(rule.field)):
            try:
                target = _parse(value, rule.default_kind, ref.namespace)
            except InputError as err:
                errors.append(f"spec.{rule.field}: {err.message}")
                continue
            found.add(Relation(ref.key, rule.relation, target.key))
            found.add(Relation(target.key, REVERSE[rule.relation], ref.key, declared=False))
    return sorted(found), errors


@lru_cache(maxsize=200_000)
def _parse_text(value: str, default_kind: str | None, namespace: str) -> EntityRef:
    return parse_ref(value, default_kind=default_kind, default_namespace=namespace)


def forget_parsed() -> None:
    """Drop the remembered references (after a big refresh, to give the memory back)."""
    _parse_text.cache_clear()


def _parse(value: Any, default_kind: str | None, namespace: str) -> EntityRef:
    """`parse_ref`, remembered: a catalog names the same owners and systems again and again."""
    if isinstance(value, str):
        return _parse_text(value, default_kind, namespace)
    return parse_ref(value, default_kind=default_kind, default_namespace=namespace)


def _values(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def owner_of(entity: dict[str, Any], ref: EntityRef) -> str | None:
    """The owner's reference key (default kind group), or None without a parsable owner."""
    spec = entity.get("spec")
    owner = spec.get("owner") if isinstance(spec, dict) else None
    if not isinstance(owner, str):
        return None
    try:
        return _parse(owner, "group", ref.namespace).key
    except InputError:
        return None
