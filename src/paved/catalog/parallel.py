"""Worker processes for the CPU-bound part of a big refresh: parsing, validating and relating
files (about 200 µs an entity, half of it PyYAML), and stitching bodies.

A thread cannot take this work: parsing holds the GIL, and the database writes of the same
process then wait for it at every row (SQLite's `executemany` took three times as long beside
a parsing thread). They are started only once a refresh has read enough to be worth their
start, and stopped when the refresh ends, so their memory goes with them.

A process of one thread, made for the refresh (see `Locations.refresh`), forks them: a worker
is ready in milliseconds, with Paved already imported. Any other process spawns them (a
server process has threads, which `fork` does not copy safely): a worker then takes about a
second and a half to import what it needs. `spawn` imports the program's main module again in
each worker: a program that refreshes a big location must guard its entry point
(`if __name__ == "__main__"`), as Paved's commands and uvicorn do.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from types import TracebackType
from typing import Any, TypeVar

T = TypeVar("T")
START_AFTER = 256 << 10  # bytes read by a refresh before its files go to worker processes


def processes_beside(database: str) -> int:
    """How many worker processes a refresh starts: one per core, less one on PostgreSQL, whose
    server works about as hard as the process writing to it. Measured at 100,000 entities on
    2 cores: SQLite 63 s with two workers against 75 s with one; PostgreSQL 61 s with one
    against 67 s with two."""
    cores = len(os.sched_getaffinity(0))
    return max(1, cores - 1) if database == "postgresql" else cores


def here(fn: Callable[..., T], *args: Any) -> Future[T]:
    """`fn(*args)` run in this process, at once, as a finished future."""
    done: Future[T] = Future()
    try:
        done.set_result(fn(*args))
    except Exception as err:
        done.set_exception(err)
    return done


class OutgrownError(Exception):
    """A refresh read more than a process that must stay small should hold (see `Workers`)."""


class Workers:
    """Worker processes for one refresh; `run` keeps the work in this process until
    `start_after` bytes have been read. Then, when `outgrow`, it raises `OutgrownError` instead of
    starting them: the refresh is to move to a process of its own (see `Locations.refresh`).
    `fork` says this process is such a one: the workers are forked if it still has one thread."""

    def __init__(
        self,
        processes: int | None = None,
        start_after: int = START_AFTER,
        *,
        outgrow: bool = False,
        fork: bool = False,
    ) -> None:
        self.processes = processes or len(os.sched_getaffinity(0))
        self.start_after = start_after
        self.outgrow = outgrow
        self.fork = fork
        self._read = 0
        self._pool: ProcessPoolExecutor | None = None

    @classmethod
    def none(cls) -> Workers:
        """Workers that never start: everything runs in this process."""
        return cls(processes=1, start_after=sys.maxsize)

    @property
    def started(self) -> bool:
        return self._pool is not None

    def run(self, size: int, fn: Callable[..., T], *args: Any) -> Future[T]:
        """`fn(*args)` for work on `size` bytes: here at once, or in a worker process."""
        self._read += size
        if self._pool is None and self._read > self.start_after:
            if self.outgrow:
                raise OutgrownError(f"a refresh read more than {self.start_after} bytes")
            method = "fork" if self.fork and threading.active_count() == 1 else "spawn"
            context = multiprocessing.get_context(method)
            self._pool = ProcessPoolExecutor(self.processes, mp_context=context)
        if self._pool is not None:
            return self._pool.submit(fn, *args)
        return here(fn, *args)

    @property
    def window(self) -> int:
        """How many pieces of work (files, chunks to stitch) may be in flight at once."""
        return 2 * self.processes + 1

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
