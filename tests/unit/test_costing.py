"""Cost estimates from the price catalog: per request and a team's committed monthly spend."""

from __future__ import annotations

from pathlib import Path

import pytest

from paved.core.errors import InputError, UnavailableError
from paved.insights import PriceCatalog, default_catalog, estimate, load_catalog, team_spend
from paved.policy import ResourceFacts
from paved.schemas.services import SIZES, ResourceSpec

CATALOG = PriceCatalog(
    currency="EUR",
    prices={"postgres": {"small": 10.10, "medium": 20.20}, "default": {"small": 1}},
)


def test_the_shipped_catalog_prices_every_size_of_every_type() -> None:
    catalog = default_catalog()
    assert catalog.currency == "USD"
    for type_ in ("postgres", "redis", "default"):
        assert [catalog.price(type_, size) > 0 for size in SIZES] == [True] * len(SIZES)
        ordered = [catalog.price(type_, size) for size in SIZES]
        assert ordered == sorted(ordered), type_


def test_a_medium_postgres_is_the_readme_figure() -> None:
    assert estimate([ResourceSpec(type="postgres", size="medium")]) == 310


def test_estimate_adds_up_requested_resources_to_the_cent() -> None:
    resources = [ResourceSpec(type="postgres", size="small")] * 3
    assert estimate(resources, CATALOG) == 30.30


def test_a_type_without_prices_costs_as_default() -> None:
    assert estimate([ResourceSpec(type="kafka", size="small")], CATALOG) == 1


def test_a_size_without_a_price_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no price for postgres size 'large'"):
        estimate([ResourceSpec(type="postgres", size="large")], CATALOG)


def test_no_default_and_unknown_type_is_an_input_error() -> None:
    with pytest.raises(InputError, match="kafka"):
        PriceCatalog(currency="USD", prices={}).price("kafka", "small")


def test_team_spend_sums_existing_resources_of_any_shape() -> None:
    existing = [
        ResourceFacts(type="postgres", name="a", size="medium"),
        ResourceFacts(type="redis", name="b", size="small"),
    ]
    assert team_spend(existing) == 340
    assert team_spend([]) == 0


def test_load_catalog_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text("currency: EUR\nprices:\n  postgres: {small: 12.5}\n")
    assert load_catalog(path) == PriceCatalog(currency="EUR", prices={"postgres": {"small": 12.5}})


@pytest.mark.parametrize(
    "text",
    ["prices: []\n", "prices:\n  postgres: 3\n", "prices:\n  postgres: {small: -1}\n", "{"],
    ids=["prices not a mapping", "sizes not a mapping", "negative price", "not yaml"],
)
def test_a_bad_catalog_is_unavailable(tmp_path: Path, text: str) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(text)
    with pytest.raises(UnavailableError, match=r"price catalog .*prices\.yaml"):
        load_catalog(path)
