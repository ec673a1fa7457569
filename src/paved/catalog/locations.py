"""Registered locations: register (and ingest at once), refresh, list, delete.

A location's key (`type:target`) is the origin of every entity it yields, nested Location
entities included; deleting the location deletes them.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from paved.catalog import ingesting, reading, relations, stitching
from paved.catalog.parallel import START_AFTER, OutgrownError, Workers, processes_beside
from paved.catalog.processing import iter_location, location_key
from paved.catalog.reading import Reader, RepoResolver
from paved.core.errors import PavedError, TemporaryError
from paved.core.settings import Settings
from paved.store import catalog as catalog_rows
from paved.store import catalog_locations as stored
from paved.store.db import Store
from paved.store.models import CatalogLocation

log = logging.getLogger("paved.catalog")
RACE_ATTEMPTS = 3  # refreshes of a location that races others storing the same new entities


class Locations:
    """The catalog's locations on one store, read with one reader."""

    def __init__(self, store: Store, reader: Reader, parallel_from: int = START_AFTER) -> None:
        self.store = store
        self.reader = reader
        self.parallel_from = parallel_from  # bytes a refresh reads before it uses more processes

    def register(self, type_: str, target: str) -> CatalogLocation:
        """Register and ingest a location (a 409 when it exists)."""
        reading.check_location(type_, target)
        with self.store.session() as session:
            location = stored.add_location(session, type_, target)
        return self.refresh(location.id)

    def ensure(self, type_: str, target: str) -> CatalogLocation:
        """Register unless registered, then refresh: what Paved does for its own services."""
        with self.store.reading() as session:
            found = stored.find_location(session, target)
        if found is None:
            with self.store.session() as session:
                found = stored.find_location(session, target) or stored.add_location(
                    session, type_, target
                )
        return self.refresh(found.id)

    def refresh(self, location_id: str) -> CatalogLocation:
        """Read the location again and apply what it yields now.

        A refresh that raced another one storing the same new entity (two locations yielding
        it, refreshed at once) runs again: by then the other has committed, and the entity is
        a conflict like any other.
        """
        for _ in range(RACE_ATTEMPTS - 1):
            with contextlib.suppress(catalog_rows.StoredMeanwhileError):
                return self._refresh_here_or_apart(location_id)
        return self._refresh_here_or_apart(location_id)

    def _refresh_here_or_apart(self, location_id: str) -> CatalogLocation:
        """A location bigger than `parallel_from` bytes is refreshed in a process of its own,
        which starts the worker processes. This process stays as small as it was: the memory
        Python frees after a big load mostly stays with it (at 100,000 entities, 65 MB of
        empty pools in arenas that a few lasting objects kept), and a server's requests do
        not wait on the load for the interpreter.
        """
        try:
            return self._refresh(location_id, apart=False)
        except OutgrownError:
            pass  # nothing was written: the transaction was rolled back
        spawn = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(1, mp_context=spawn) as apart:
            job = apart.submit(refresh_apart, self.store.url, self.reader, location_id)
            try:
                job.result()
            except BrokenProcessPool as err:
                raise TemporaryError("the catalog's refresh process ended unexpectedly") from err
        return self.get(location_id)

    def _refresh(self, location_id: str, *, apart: bool) -> CatalogLocation:
        """Refresh here; `apart`: this process was made for it (else `OutgrownError` when the
        location is too big to refresh here)."""
        with self.store.reading() as session:
            location = stored.get_location(session, location_id)
        processes = processes_beside(self.store.engine.dialect.name)
        start_after = 0 if apart else self.parallel_from
        workers = Workers(processes, start_after, outgrow=not apart, fork=apart)
        try:
            with workers, self.store.session() as session:
                if apart:  # the connection goes when this process ends
                    catalog_rows.widen_cache(session)
                outcomes = iter_location(self.reader, location.type, location.target, workers)
                report = ingesting.apply(session, origin_of(location), outcomes, workers)
                errors = [_error(e) for e in report.errors]
                count = report.added + report.updated + report.unchanged
                stored.record_refresh(session, location_id, errors, count)
                found = stored.get_location(session, location_id)
        except BrokenProcessPool as err:  # killed (out of memory, say); nothing was written
            raise TemporaryError("a catalog worker process ended while refreshing") from err
        finally:
            release_memory()
        return found

    def refresh_all(self) -> int:
        """Refresh every location; one failing never stops the others. Returns how many ran."""
        with self.store.reading() as session:
            ids = [location.id for location in stored.list_locations(session)]
        done = 0
        for location_id in ids:
            try:
                self.refresh(location_id)
                done += 1
            except PavedError as err:
                log.warning("catalog location %s: refresh failed: %s", location_id, err)
        return done

    def list(self) -> list[CatalogLocation]:
        with self.store.reading() as session:
            return stored.list_locations(session)

    def get(self, location_id: str) -> CatalogLocation:
        with self.store.reading() as session:
            return stored.get_location(session, location_id)

    def delete(self, location_id: str) -> int:
        """Unregister a location and delete its entities; returns how many were deleted."""
        with self.store.session() as session:
            location = stored.delete_location(session, location_id)
            return ingesting.remove(session, origin_of(location))


def refresh_apart(store_url: str, reader: Reader, location_id: str) -> None:
    """Refresh a big location in this process, made for it (see `Locations.refresh`); its
    worker processes start at once."""
    store = Store(store_url)
    try:
        Locations(store, reader)._refresh(location_id, apart=True)
    finally:
        store.dispose()


def release_memory() -> None:
    """Hand the memory a big refresh used back to the OS (glibc keeps freed heap otherwise)."""
    relations.forget_parsed()
    stitching.forget_targets()
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def origin_of(location: CatalogLocation) -> str:
    return location_key(location.type, location.target)


def _error(error: Any) -> dict[str, Any]:
    return {k: v for k, v in asdict(error).items() if v is not None}


@dataclass(frozen=True)
class PavedRepos:
    """Maps the URL of one of Paved's own repositories (`<prefix><name>.git`) to its directory
    (a value, not a closure, so that a reader can go to a refresh's own process)."""

    prefix: str
    git_root: Path

    def __call__(self, url: str) -> Path | None:
        if url.startswith(self.prefix) and url.endswith(".git"):
            name = url[len(self.prefix) : -len(".git")]
            if name and "/" not in name and not name.startswith("."):
                return self.git_root / f"{name}.git"
        return None


def paved_repos(base_url: str, git_root: Path) -> RepoResolver:
    """Map the URL of one of Paved's own repositories (`<base>/git/<name>.git`) to its directory."""
    return PavedRepos(f"{base_url.rstrip('/')}/git/", git_root)


def reader_for(settings: Settings) -> Reader:
    """The reader Paved uses: its own repositories straight from disk."""
    return Reader(paved_repos(settings.base_url, settings.git_root))
