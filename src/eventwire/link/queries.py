"""The store queries linking's reads and writes share (link/database.py, link/write.py), on DuckDB and
PostgreSQL: a table's rows a page at a time, a streamed query, a list parameter, the keys of the `meta`
values linking keeps (read and written by store/schema.py), the store's batch append."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from eventwire.store.dialect import POSTGRES, dialect_of

__all__ = ["FEATURES_KEY", "LINKS_KEY", "append_batch_of", "one_of", "pages", "streamed"]

FEATURES_KEY = "link_features"  # meta: the settings_key the stored features were computed with
LINKS_KEY = "links"  # meta: the settings the link tables were last computed with from every stored feature


def pages(con: Any, table: str, columns: str, batch: int) -> Iterator[tuple]:
    """Every row of `table`, `batch` at a time: on DuckDB one query whose result is streamed as Arrow
    record batches (paging by row id ranges scanned the table once per page: quadratic); on PostgreSQL
    pages by document id (its index)."""
    if dialect_of(con) is POSTGRES:
        after = ""
        while rows := con.execute(f"SELECT doc_id, {columns} FROM {table} WHERE doc_id > ? ORDER BY doc_id LIMIT ?",
                                  [after, batch]).fetchall():
            after = rows[-1][0]
            for row in rows:
                yield row[1:]
        return
    yield from streamed(con, f"SELECT {columns} FROM {table}", [], batch)


def streamed(con: Any, sql: str, params: list, batch: int) -> Iterator[tuple]:
    """The rows of a DuckDB query, read as a stream of Arrow record batches of `batch` rows."""
    # con.sql streams (an executed DB-API result would be materialised whole first), on a cursor of its
    # own so the connection stays free for other queries meanwhile.
    cursor = con.cursor()
    try:
        for record_batch in cursor.sql(sql, params=params or None).to_arrow_reader(batch):
            yield from zip(*(column.to_pylist() for column in record_batch.columns))
    finally:
        cursor.close()


def one_of(con: Any, column: str) -> str:
    """SQL: `column` is one of the values of a list parameter (one parameter: binding hundreds is slow)."""
    return f"{column} = ANY(?)" if dialect_of(con) is POSTGRES else f"{column} IN (SELECT unnest(?::VARCHAR[]))"


def append_batch_of(con: Any):
    """The store's batch append for this connection's dialect (DuckDB's INSERT from Arrow, PostgreSQL's COPY)."""
    if dialect_of(con) is POSTGRES:
        from eventwire.store.postgres import append_batch
    else:
        from eventwire.store.writes import append_batch
    return append_batch
