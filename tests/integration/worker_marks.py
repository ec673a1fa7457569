"""What a catalog worker process sees of its parent's state (small: worker processes import it)."""

from __future__ import annotations

from paved.catalog.parallel import Workers

MARK = "as imported"


def mark() -> str:
    return MARK


def seen_by_forked_worker() -> str:
    """`mark()` in a worker of this process, after setting it: run in a process of one thread."""
    global MARK
    MARK = "set before the workers started"
    with Workers(start_after=0, fork=True) as workers:
        return workers.run(1, mark).result()
