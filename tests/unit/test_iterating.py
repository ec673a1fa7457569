"""`read_ahead`: the same items in the same order, produced in another thread, one ahead."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from paved.core.iterating import read_ahead


def test_items_keep_their_order_and_are_made_one_ahead_in_another_thread() -> None:
    made: list[int] = []
    threads: set[str] = set()

    def produce() -> Iterator[int]:
        for i in range(5):
            threads.add(threading.current_thread().name)
            made.append(i)
            yield i

    seen = []
    for item in read_ahead(produce()):
        seen.append(item)
        assert len(made) <= item + 2, "never more than one item ahead"
    assert seen == [0, 1, 2, 3, 4]
    assert threading.current_thread().name not in threads
    assert list(read_ahead(iter([]))) == []


def test_an_error_reaches_the_caller_at_its_item() -> None:
    def produce() -> Iterator[int]:
        yield 1
        raise ValueError("file 2 is broken")

    items = read_ahead(produce())
    assert next(items) == 1
    with pytest.raises(ValueError, match="file 2 is broken"):
        next(items)
