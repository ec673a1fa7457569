"""Insights: what the platform costs and how it is doing (cost now; DORA, SLIs later)."""

from paved.insights.costing import (
    PriceCatalog,
    PricedResource,
    default_catalog,
    estimate,
    load_catalog,
    team_spend,
)

__all__ = [
    "PriceCatalog",
    "PricedResource",
    "default_catalog",
    "estimate",
    "load_catalog",
    "team_spend",
]
