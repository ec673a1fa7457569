"""Refresh on a schedule: every location not refreshed within `interval` is read again.

Each process runs the loop; a location another process refreshed recently is skipped, so
many workers on one database share the work instead of repeating it.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from paved.catalog.locations import Locations
from paved.core.errors import PavedError
from paved.store.models import utcnow

log = logging.getLogger("paved.catalog")


def refresh_due(locations: Locations, interval: float) -> int:
    """Refresh the locations whose last refresh is older than `interval` seconds."""
    done = 0
    for location in locations.list():
        cutoff = utcnow() - timedelta(seconds=interval)
        current = locations.get(location.id)
        last = current.refreshed_at
        if (
            last is not None
            and (last if last.tzinfo else last.replace(tzinfo=cutoff.tzinfo)) > cutoff
        ):
            continue
        try:
            locations.refresh(location.id)
            done += 1
        except PavedError as err:
            log.warning("catalog location %s: refresh failed: %s", location.target, err)
    return done


def loop(locations: Locations, interval: float, stopping: threading.Event) -> None:
    """Until `stopping` is set, refresh what is due every `interval / 4` seconds."""
    while not stopping.wait(max(interval / 4, 1.0)):
        try:
            refreshed = refresh_due(locations, interval)
        except Exception:
            log.warning("catalog refresh sweep failed", exc_info=True)
            continue
        if refreshed:
            log.info("catalog: refreshed %d locations", refreshed)


def start(locations: Locations, interval: float, stopping: threading.Event) -> None:
    if interval > 0:
        args = (locations, interval, stopping)
        threading.Thread(target=loop, args=args, name="paved-catalog-refresh", daemon=True).start()
