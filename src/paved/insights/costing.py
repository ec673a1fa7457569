"""Cost estimates from a price catalog (`prices.yaml`: monthly price per resource type and size):
what a request would add per month, and what a team's existing resources already commit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import yaml

from paved.core.errors import InputError, UnavailableError

DEFAULT_PRICES = Path(__file__).with_name("prices.yaml")
DEFAULT_TYPE = "default"


class PricedResource(Protocol):
    """Anything with a type and a size: a `ResourceSpec`, a stored resource, a policy fact."""

    @property
    def type(self) -> str: ...

    @property
    def size(self) -> str: ...


@dataclass(frozen=True)
class PriceCatalog:
    """Monthly prices: `prices[type][size]`; types not listed cost as `default`."""

    currency: str
    prices: Mapping[str, Mapping[str, float]] = field(default_factory=dict)

    def price(self, type_: str, size: str) -> float:
        """The monthly price of one resource; `InputError` if its size has no price."""
        sizes = self.prices.get(type_) or self.prices.get(DEFAULT_TYPE)
        if sizes is None:
            raise InputError(f"no price for resource type {type_!r}", field="resources")
        if size not in sizes:
            raise InputError(f"no price for {type_} size {size!r}", field="resources")
        return sizes[size]

    def total(self, resources: Iterable[PricedResource]) -> float:
        """The monthly price of all these resources, rounded to cents."""
        return round(sum(self.price(r.type, r.size) for r in resources), 2)


def load_catalog(path: Path) -> PriceCatalog:
    """A catalog from a YAML file shaped like `prices.yaml`."""
    try:
        raw: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise UnavailableError(f"price catalog {path} cannot be read: {err}") from err
    if not isinstance(raw, dict) or not isinstance(raw.get("prices"), dict):
        raise UnavailableError(f"price catalog {path} has no `prices` mapping")
    prices: dict[str, dict[str, float]] = {}
    for type_, sizes in raw["prices"].items():
        if not isinstance(sizes, dict):
            raise UnavailableError(f"price catalog {path}: {type_} must map sizes to prices")
        prices[str(type_)] = {str(size): _amount(path, type_, size, v) for size, v in sizes.items()}
    return PriceCatalog(currency=str(raw.get("currency", "USD")), prices=prices)


def _amount(path: Path, type_: str, size: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        raise UnavailableError(f"price catalog {path}: {type_}.{size} is not a price: {value!r}")
    return float(value)


@cache
def default_catalog() -> PriceCatalog:
    """The catalog shipped with Paved, read once."""
    return load_catalog(DEFAULT_PRICES)


def estimate(resources: Iterable[PricedResource], catalog: PriceCatalog | None = None) -> float:
    """What these requested resources would cost per month."""
    return (catalog or default_catalog()).total(resources)


def team_spend(existing: Iterable[PricedResource], catalog: PriceCatalog | None = None) -> float:
    """A team's committed monthly spend: the price of the resources it has now.

    The caller passes what exists (e.g. every resource of the team's services that is not
    deleted); the function is pure, so the same list always gives the same amount.
    """
    return (catalog or default_catalog()).total(existing)
