"""The store on a PostgreSQL server (`--db postgresql://user@host/dbname`), for a team or for
several writers at once: `watch`, `ingest` in several processes or Dask runs, `serve` and the CLI
all connect to the server at the same time. The SQL is the store's own (store/duckdb.py and
store/queries.py, with store/dialect.py for what differs); this module is the connection layer:

- PostgresConnection looks like the DuckDB connection the store was written for (`execute` with
  `?` placeholders returning itself, `fetchone`, `fetchall`, `description`, `cursor()`);
- PostgresDatabase stands in for access.Database: `reading()` and `writing()` lend a pooled
  connection. There is no single-writer lock to wait for: writers run together, each article in
  its own transaction, serialised per document id by advisory locks (Store.write);
- copy_to_file writes a query's result as CSV, Parquet or JSON (through DuckDB's writers, so the
  files are those the DuckDB store writes), and append_batch writes Arrow batches with COPY.
"""
from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from eventwire.store.dialect import POSTGRES

__all__ = ["is_postgres_url", "redact", "connect_postgres", "PostgresConnection", "PostgresDatabase",
           "PostgresUnavailable", "copy_to_file", "append_batch", "advisory_lock"]

log = logging.getLogger(__name__)

_SCHEMES = ("postgresql://", "postgres://")
_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


def is_postgres_url(db: str | os.PathLike | None) -> bool:
    return isinstance(db, str) and db.lower().startswith(_SCHEMES)


def redact(url: str) -> str:
    """The URL with its password hidden, for messages."""
    return _PASSWORD.sub(r"\1***@", url)


class PostgresUnavailable(RuntimeError):
    """The server could not be reached or refused us (one line, without the password)."""

    def __init__(self, url: str, exc: BaseException) -> None:
        text = str(exc).strip().splitlines()
        super().__init__(f"{redact(url)}: cannot connect ({text[0] if text else type(exc).__name__})")
        self.path = url


@lru_cache(maxsize=1024)
def _placeholders(sql: str) -> str:
    """`?` placeholders (outside quotes and comments) as psycopg's `%s`; a literal `%` doubled."""
    out: list[str] = []
    quote = None
    i = 0
    while i < len(sql):
        ch = sql[i]
        if ch == "%":
            out.append("%%")
        elif quote:
            out.append(ch)
            if ch == quote:
                quote = None
        elif sql.startswith("--", i):  # a comment, to the end of its line (an apostrophe there opens nothing)
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            out.append(sql[i:end].replace("%", "%%"))
            i = end
            continue
        elif ch in "'\"":
            quote = ch
            out.append(ch)
        else:
            out.append("%s" if ch == "?" else ch)
        i += 1
    return "".join(out)


def connect_postgres(url: str) -> Any:
    """A psycopg connection in autocommit mode (the store opens its transactions itself), JSON
    read back as text as DuckDB gives it."""
    import psycopg
    from psycopg.types.string import TextLoader

    try:
        con = psycopg.connect(url, autocommit=True, application_name="eventwire",
                              **({} if "connect_timeout" in url else {"connect_timeout": 10}))
    except psycopg.OperationalError as exc:
        raise PostgresUnavailable(url, exc) from None
    for name in ("json", "jsonb"):
        con.adapters.register_loader(name, TextLoader)
    return con


class PostgresConnection:
    """A psycopg connection that answers as the DuckDB connection the store's code uses."""

    dialect = POSTGRES

    def __init__(self, url: str, raw: Any = None) -> None:
        self.url = url
        self.raw = raw if raw is not None else connect_postgres(url)
        self._cursor: Any = None

    def execute(self, sql: str, params: Any = None) -> "PostgresConnection":
        cursor = self.raw.cursor()
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(_placeholders(sql), list(params))
        self._cursor = cursor
        return self

    def executemany(self, sql: str, rows: Any) -> "PostgresConnection":
        cursor = self.raw.cursor()
        cursor.executemany(_placeholders(sql), [list(r) for r in rows])
        self._cursor = cursor
        return self

    @property
    def description(self) -> Any:
        return self._cursor.description

    def fetchone(self) -> Any:
        return self._cursor.fetchone()

    def fetchall(self) -> list:
        return self._cursor.fetchall()

    def fetchmany(self, size: int) -> list:
        return self._cursor.fetchmany(size)

    def cursor(self) -> "PostgresConnection":
        """A connection of its own (as a DuckDB cursor is), for another thread or a long read."""
        return PostgresConnection(self.url)

    def close(self) -> None:
        self.raw.close()


def advisory_lock(con: Any, *keys: str) -> None:
    """Inside a transaction: wait for, and hold until it ends, a lock on each key (sorted, so two
    writers never wait for each other crosswise). A no-op on DuckDB, which has one writer."""
    if getattr(con, "dialect", None) is not POSTGRES:
        return
    for key in sorted(set(keys)):
        con.execute("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [key])


_SCHEMA_READY: set[str] = set()
_SCHEMA_LOCK = threading.Lock()


class PostgresDatabase:
    """The store on a PostgreSQL server, opened per use like access.Database: `reading()` and
    `writing()` yield a Store over a connection from a small pool. `wait` and `keep_reader` are
    the DuckDB file's concerns and are accepted for the same calls."""

    def __init__(self, url: str, *, wait: float = 0, keep_reader: bool = False,
                 query_threads: int | None = None,
                 write_threads: int | None = None) -> None:  # *_threads: DuckDB's; the server sets its own
        self.path = url
        self.wait = wait
        self._idle: list[Any] = []
        self._lock = threading.Lock()

    def exists(self) -> bool:
        """Whether the server has the store's tables (False when it has none yet)."""
        with self._connection() as con:
            return bool(con.execute("SELECT count(*) FROM information_schema.tables "
                                    "WHERE table_name = 'documents' AND table_schema = current_schema()",
                                    []).fetchone()[0])

    @contextmanager
    def _connection(self) -> Iterator[PostgresConnection]:
        with self._lock:
            raw = self._idle.pop() if self._idle else None
        con = PostgresConnection(self.path, raw)
        healthy = False
        try:
            yield con
            healthy = not con.raw.closed and con.raw.info.transaction_status == 0  # idle: nothing left open
        finally:
            if healthy:
                with self._lock:
                    if len(self._idle) < 8:
                        self._idle.append(con.raw)
                        con = None
            if con is not None:
                con.raw.close()

    @contextmanager
    def reading(self) -> Iterator[Any]:
        from eventwire.store.duckdb import Store

        with self._connection() as con:
            yield Store(con, self.path)

    @contextmanager
    def writing(self) -> Iterator[Any]:
        import psycopg

        from eventwire.store.access import StorageFailure
        from eventwire.store.duckdb import Store
        from eventwire.store.schema import ensure_schema

        try:
            with self._connection() as con:
                with _SCHEMA_LOCK:
                    if self.path not in _SCHEMA_READY:
                        ensure_schema(con)
                        _SCHEMA_READY.add(self.path)
                yield Store(con, self.path)
        except (psycopg.errors.DiskFull, psycopg.errors.IoError, psycopg.OperationalError) as exc:
            raise StorageFailure(redact(self.path), exc) from exc

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for raw in idle:
            raw.close()


def copy_to_file(con: PostgresConnection, sql: str, params: list[Any], path: str, options: str) -> int:
    """Write the result of `sql` to `path` in DuckDB's COPY `options` (CSV, Parquet, JSON): the
    rows stream out of PostgreSQL as CSV into a temporary file, which DuckDB reads with the
    query's own column types and writes in the format asked for."""
    import duckdb
    from psycopg import ClientCursor

    query = ClientCursor(con.raw).mogrify(_placeholders(sql), list(params))
    # The column types, without running the query: its result described from a zero-row run.
    described = con.raw.execute(f"SELECT * FROM ({query}) AS q LIMIT 0")
    types = {c.name: _DUCKDB_TYPES.get(c.type_code, "VARCHAR") for c in described.description}
    fd, tmp = tempfile.mkstemp(prefix=".eventwire-pg-", suffix=".csv", dir=os.path.dirname(path) or None)
    try:
        with os.fdopen(fd, "wb") as sink, con.raw.cursor() as cursor:
            with cursor.copy(f"COPY ({query}) TO STDOUT WITH (FORMAT csv, HEADER true)") as copy:
                for chunk in copy:
                    sink.write(chunk)
        columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in types.items()) + "}"
        escaped_tmp, escaped = tmp.replace("'", "''"), path.replace("'", "''")
        local = duckdb.connect()
        try:
            (rows,) = local.execute(f"COPY (SELECT * FROM read_csv('{escaped_tmp}', header = true, columns = {columns}, "
                          f"quote = '\"', escape = '\"', nullstr = '', allow_quoted_nulls = false, auto_detect = false)) TO '{escaped}' ({options})").fetchone()
        finally:
            local.close()
    finally:
        os.unlink(tmp)
    return rows


# PostgreSQL type oids of the exported columns -> DuckDB types.
_DUCKDB_TYPES = {16: "BOOLEAN", 20: "BIGINT", 21: "SMALLINT", 23: "INTEGER", 25: "VARCHAR", 700: "FLOAT",
                 701: "DOUBLE", 1043: "VARCHAR", 1082: "DATE", 1114: "TIMESTAMP", 1700: "DOUBLE"}


def append_batch(con: PostgresConnection, batch: dict[str, Any]) -> None:
    """Append a batch (table name -> pyarrow.Table, columns in schema order) with one COPY per table,
    inside the caller's transaction."""
    for table, rows in batch.items():
        if rows.num_rows == 0:
            continue
        columns = ", ".join(rows.column_names)
        with con.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in zip(*(rows.column(i).to_pylist() for i in range(rows.num_columns))):
                copy.write_row(row)
