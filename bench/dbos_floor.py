"""DBOS's own floor: the median time of a no-op durable step on a system database.

Run as `python bench/dbos_floor.py SYSTEM_DATABASE_URL`; prints the median in seconds. A
separate process, because DBOS is one per process. `create_service.py` runs it to say how much
of the orchestrator's overhead per step is DBOS's checkpoint alone.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import time
from contextlib import closing

from dbos import DBOS

STEPS = 300
WARMUP = 50


@DBOS.step()
def noop_step(index: int) -> int:
    return index


@DBOS.workflow()
def timing_workflow(count: int) -> list[float]:
    timings = []
    for index in range(count):
        started = time.perf_counter()
        noop_step(index)
        timings.append(time.perf_counter() - started)
    return timings


def main(url: str) -> None:
    if url.startswith("sqlite:///"):  # as Paved runs DBOS's SQLite file: WAL
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
    DBOS(config={"name": "dbos-floor", "system_database_url": url, "log_level": "WARNING"})
    DBOS.launch()
    try:
        print(statistics.median(timing_workflow(STEPS)[WARMUP:]))
    finally:
        DBOS.destroy()


if __name__ == "__main__":
    main(sys.argv[1])
