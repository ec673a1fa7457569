"""Statements compiled once by SQLAlchemy and run straight on the driver's cursor.

For the catalog's hot paths: its reads (by name, filtered pages, search) and its bulk writes.
SQLAlchemy's per-execution work (a Connection, a transaction, parameter and result processing)
costs ten times an indexed query (about 260 µs against 25 µs for a by-name read), and its
per-row parameter processing cost more than SQLite's own work in a 100,000-entity load.
Values given here must therefore already be what the driver takes (JSON as text; see
`bound`), and results come back as the driver gives them.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ClauseElement


class Driver:
    """A pooled DBAPI connection and its dialect."""

    def __init__(self, connection: PoolProxiedConnection, dialect: Dialect) -> None:
        self._connection = connection
        self.dialect = dialect

    def rows(self, statement: ClauseElement, params: dict[str, Any]) -> list[Any]:
        """The rows `statement` selects."""
        return self._execute(statement, params, fetch=True)

    def run(self, statement: ClauseElement, params: dict[str, Any]) -> None:
        """Run a statement that selects nothing."""
        self._execute(statement, params, fetch=False)

    def _execute(self, statement: ClauseElement, params: dict[str, Any], fetch: bool) -> list[Any]:
        state = compiled(statement, self.dialect).construct_expanded_state(params)
        values = state.positional_parameters if self.dialect.positional else state.parameters
        cursor = self._connection.cursor()
        try:
            cursor.execute(state.statement, values)
            return list(cursor.fetchall()) if fetch else []
        finally:
            cursor.close()

    def many(self, statement: ClauseElement, rows: Sequence[dict[str, Any]]) -> None:
        """Run `statement` once per row (the driver's `executemany`; no expanding parameters)."""
        if not rows:
            return
        done = compiled(statement, self.dialect)
        params: Sequence[Any] = rows
        if self.dialect.positional:
            names = done.positiontup or []
            params = (
                list(map(operator.itemgetter(*names), rows))
                if len(names) > 1
                else [(row[names[0]],) for row in rows]
            )
        cursor = self._connection.cursor()
        try:
            cursor.executemany(done.string, params)
        finally:
            cursor.close()

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
        """Append `rows` to `table` with PostgreSQL's COPY: at 400,000 relations about a quarter
        of `many`'s cost, which parses, plans and runs an INSERT per row."""
        cursor: Any = self._connection.cursor()
        try:
            _copy(cursor, table, columns, rows)
        finally:
            cursor.close()

    def staged(
        self,
        table: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[Any]],
        apply: ClauseElement,
    ) -> None:
        """Run `apply` on `rows` put with COPY into `<table>_stage`, a temporary table of
        `table`'s `columns` (PostgreSQL; it lasts the transaction and is emptied after). For a
        bulk upsert: one `INSERT … SELECT … ON CONFLICT` a batch took half the server's work
        and half the client's of one INSERT a row (20,000 entities into 80,000)."""
        from psycopg import sql  # here: psycopg stays out of SQLite's processes

        stage = f"{table}_stage"
        cursor: Any = self._connection.cursor()
        try:
            cursor.execute(
                sql.SQL(
                    "CREATE TEMP TABLE IF NOT EXISTS {} ON COMMIT DROP"
                    " AS SELECT {} FROM {} WITH NO DATA"
                ).format(sql.Identifier(stage), _listed(columns), sql.Identifier(table))
            )
            _copy(cursor, stage, columns, rows)
            cursor.execute(compiled(apply, self.dialect).string)
            cursor.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(stage)))
        finally:
            cursor.close()


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(sql.Identifier(table), _listed(columns))
    with cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


def _listed(columns: Sequence[str]) -> Any:
    from psycopg import sql

    return sql.SQL(", ").join(map(sql.Identifier, columns))


def on_session(session: Session) -> Driver:
    """A `Driver` on the connection of `session`'s transaction (its statements join it)."""
    connection = session.connection()
    return Driver(connection.connection, connection.dialect)


def bound(column: ColumnElement[Any], value: Any, dialect: Dialect) -> Any:
    """`value` as SQLAlchemy would hand it to the driver for `column` (a time on SQLite: text)."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process(value) if process is not None else value


@functools.lru_cache(maxsize=512)
def compiled(statement: ClauseElement, dialect: Dialect) -> SQLCompiler:
    done = statement.compile(dialect=dialect)
    assert isinstance(done, SQLCompiler)
    return done
