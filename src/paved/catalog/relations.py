"""Relations computed from an entity's spec, as Backstage's processors emit them.

Each rule reads one spec field (a reference or a list of them) and resolves it with the rule's
default kind and the entity's namespace: the relation the entity declares. Its reverse, from
the target (`REVERSE`), is derived where relations are shown (stitching, the graph), so only
the declared direction is stored. A reference that does not parse is a processing error.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, NamedTuple

from paved.catalog.refs import EntityRef, parse_ref
from paved.core.errors import InputError
from paved.store.catalog import Triple

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


class Rule(NamedTuple):
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


def relations_of(entity: dict[str, Any], ref: EntityRef) -> tuple[list[Triple], list[str]]:
    """The relations `entity` (whose reference is `ref`) declares, as sorted (source, type,
    target) triples, and the errors in its refs."""
    spec = entity.get("spec")
    if not isinstance(spec, dict):
        return [], []
    found: set[Triple] = set()
    errors: list[str] = []
    source, namespace = ref.key, ref.namespace
    for field, relation, default_kind in RULES.get(ref.kind.lower(), ()):
        value = spec.get(field)
        if value is None:
            continue
        for item in value if isinstance(value, list) else (value,):
            try:
                found.add((source, relation, _key(item, default_kind, namespace)))
            except InputError as err:
                errors.append(f"spec.{field}: {err.message}")
    return sorted(found), errors


def _key(value: Any, default_kind: str | None, namespace: str) -> str:
    """The key of a reference; remembered for text, as a catalog names the same owners and
    systems again and again."""
    if isinstance(value, str):
        return _text_key(value, default_kind, namespace)
    return parse_ref(value, default_kind=default_kind, default_namespace=namespace).key


@lru_cache(maxsize=200_000)
def _text_key(value: str, default_kind: str | None, namespace: str) -> str:
    return parse_ref(value, default_kind=default_kind, default_namespace=namespace).key


def forget_parsed() -> None:
    """Drop the remembered references (after a big refresh, to give the memory back)."""
    _text_key.cache_clear()


def owner_of(entity: dict[str, Any], ref: EntityRef) -> str | None:
    """The owner's reference key (default kind group), or None without a parsable owner."""
    spec = entity.get("spec")
    owner = spec.get("owner") if isinstance(spec, dict) else None
    if not isinstance(owner, str):
        return None
    try:
        return _key(owner, "group", ref.namespace)
    except InputError:
        return None
