"""Iterators that work ahead of their consumer."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
_DONE = object()


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items`, each produced in a thread while the caller handles the one before.

    Worth it when producing and consuming wait on different things: parsing files overlaps
    with a database's own work on a bulk write, which holds no Python lock. One item ahead at
    most; an exception from `items` reaches the caller at that item.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as pool:
        pending = pool.submit(next, items, _DONE)
        while True:
            item = pending.result()
            if item is _DONE:
                return
            pending = pool.submit(next, items, _DONE)
            yield item  # type: ignore[misc]
