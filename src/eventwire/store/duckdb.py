"""The embedded store: one DuckDB file with documents, their facts and the links between them.

Articles are written in batches, one transaction each, that first delete whatever the same
document ids (or the same inputs, edited) had: re-ingesting replaces, never duplicates, and a crash
never leaves half a batch (store/rows.py builds the batch, store/writes.py writes it; on PostgreSQL
one article per transaction). How processes share the file: access.py.
The same Store runs on PostgreSQL (store/postgres.py): the tables are defined in store/schema.py,
the reads for the API are in store/queries.py, and store/dialect.py says what the two spell
differently.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any

from eventwire.record import ArticleRecord
from eventwire.store.dialect import DUCKDB, dialect_of
from eventwire.store.postgres import is_postgres_url
from eventwire.store.queries import EventQueries
from eventwire.store.rows import ArticleBatch, article_batch
from eventwire.store.schema import DOC_TABLES, SCHEMA_VERSION, ensure_schema, legacy_view_sql
from eventwire.store.writes import write_batch

__all__ = ["Store", "open_store", "link_database", "ensure_schema", "SCHEMA_VERSION", "copy_query"]

log = logging.getLogger(__name__)


class Store(EventQueries):
    def __init__(self, connection: Any, path: str) -> None:
        self.con = connection  # a DuckDB connection or cursor, or a postgres.PostgresConnection
        self.path = path
        self.dialect = dialect_of(connection)
        # Set by a read-only Database.reading(): what the data is the same under (api/cache.py);
        # None when other writers may change it at any moment.
        self.generation: tuple | None = None

    def close(self) -> None:
        self.con.close()

    # An open Store stands in for a Database (store/access.py): reads and writes use it as it is.
    @contextmanager
    def reading(self) -> Iterator["Store"]:
        yield self

    @contextmanager
    def writing(self) -> Iterator["Store"]:
        yield self

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ writing
    def write(self, record: ArticleRecord) -> str:
        """Store one article atomically; returns 'stored', 'replaced' or 'unchanged'."""
        (outcome,) = self.write_batch(article_batch([record]))
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def write_batch(self, batch: ArticleBatch) -> list[str | Exception]:
        """Store a batch of articles (store/writes.py); per article: 'stored', 'replaced',
        'unchanged' or the exception that kept it out. Raises on a storage fault."""
        return write_batch(self.con, batch)

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """Statements that commit together (or not at all)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
            self.con.execute("COMMIT")
        except BaseException:
            self._rollback()
            raise

    def _rollback(self) -> None:
        try:
            self.con.execute("ROLLBACK")
        except Exception:  # after a storage fault the instance is invalid: the first error is the one to report
            pass

    def record_failure(self, source: str, reason: str) -> None:
        self.con.execute(
            "INSERT INTO failures VALUES (?, ?, ?) ON CONFLICT (source) DO UPDATE SET reason = excluded.reason, "
            "failed_at = excluded.failed_at", [source, reason, datetime.now(timezone.utc).replace(tzinfo=None)])

    # ------------------------------------------------------------------ inputs (resuming a run)
    def input_done(self, location: str, size: int | None, mtime_ns: int | None,
                   fingerprint: str) -> tuple[int, int] | None:
        """(articles, failures) when this input, with this size and mtime, was fully processed with
        these settings; else None."""
        if size is None or mtime_ns is None:
            return None
        row = self.con.execute("SELECT size, mtime_ns, fingerprint, articles, failed FROM inputs WHERE location = ?",
                               [location]).fetchone()
        if row is None or tuple(row[:3]) != (size, mtime_ns, fingerprint):
            return None
        return row[3], row[4]

    def inputs_done(self, items: list[tuple[str, int | None, int | None]],
                    fingerprint: str) -> dict[tuple[str, int, int], tuple[int, int]]:
        """input_done for each (location, size, mtime_ns): (articles, failures) of those fully processed,
        by the same triple; on DuckDB with one query (a run plans all its inputs at once: 0.4 ms each,
        one by one)."""
        known = [item for item in items if item[1] is not None and item[2] is not None]
        if self.dialect is not DUCKDB or len(known) < 2:
            found = {}
            for location, size, mtime_ns in known:
                if (done := self.input_done(location, size, mtime_ns, fingerprint)) is not None:
                    found[location, size, mtime_ns] = done
            return found
        import pyarrow as pa

        table = pa.Table.from_arrays([pa.array([k[n] for k in known], type=t) for n, t in
                                      enumerate((pa.string(), pa.int64(), pa.int64()))],
                                     names=["location", "size", "mtime_ns"])
        cursor = self.con.cursor()  # its own connection: no result of the caller's left unfetched
        try:
            cursor.register("planned_inputs", table)
            rows = cursor.execute(
                "SELECT i.location, i.size, i.mtime_ns, i.articles, i.failed FROM inputs i JOIN planned_inputs p ON "
                "i.location = p.location AND i.size = p.size AND i.mtime_ns = p.mtime_ns "
                "WHERE i.fingerprint = ?", [fingerprint]).fetchall()
        finally:
            cursor.close()
        return {(location, size, mtime_ns): (articles, failed) for location, size, mtime_ns, articles, failed in rows}

    def mark_input(self, location: str, size: int | None, mtime_ns: int | None, fingerprint: str,
                   articles: int, failed: int) -> None:
        """Record an input as fully processed (after all its articles and failures are written)."""
        self.con.execute("INSERT INTO inputs VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (location) DO UPDATE SET "
                         "size = excluded.size, mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint, "
                         "articles = excluded.articles, failed = excluded.failed, done_at = excluded.done_at",
                         [location, size, mtime_ns, fingerprint, articles, failed,
                          datetime.now(timezone.utc).replace(tzinfo=None)])

    def mark_inputs(self, done: list[tuple[str, int | None, int | None, str, int, int]]) -> None:
        """mark_input for each (location, size, mtime_ns, fingerprint, articles, failed); on DuckDB
        with one statement (a run's driver marks a batch's inputs at once: 3 ms each, one by one)."""
        last = {row[0]: row for row in done}  # one row per location: the last one given
        if self.dialect is not DUCKDB or len(last) < 2:
            for row in last.values():
                self.mark_input(*row)
            return
        import pyarrow as pa

        now = datetime.now(timezone.utc).replace(tzinfo=None)
        rows = list(last.values())
        table = pa.Table.from_arrays(
            [pa.array([r[k] for r in rows], type=t) for k, t in enumerate(
                (pa.string(), pa.int64(), pa.int64(), pa.string(), pa.int64(), pa.int64()))]
            + [pa.array([now] * len(rows), type=pa.timestamp("us"))],
            names=["location", "size", "mtime_ns", "fingerprint", "articles", "failed", "done_at"])
        self.con.register("done_inputs", table)
        try:
            self.con.execute(
                "INSERT INTO inputs (location, size, mtime_ns, fingerprint, articles, failed, done_at) "
                "SELECT * FROM done_inputs ON CONFLICT (location) DO UPDATE SET "
                "size = excluded.size, mtime_ns = excluded.mtime_ns, fingerprint = excluded.fingerprint, "
                "articles = excluded.articles, failed = excluded.failed, done_at = excluded.done_at")
        finally:
            self.con.unregister("done_inputs")

    def clear_failures(self, location: str) -> None:
        """Forget the failures of an input (and of its entries "loc#n", "loc:line") before it is re-read."""
        escaped = location.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        self.con.execute("DELETE FROM failures WHERE source = ? OR source LIKE ? ESCAPE '\\' OR source LIKE ? ESCAPE '\\'",
                         [location, escaped + "#%", escaped + ":%"])

    def clear_failures_of(self, locations: list[str]) -> None:
        """clear_failures for each location; on DuckDB with one statement (the driver clears a batch's
        inputs at once: about 0.6 ms of CPU each, one by one)."""
        distinct = list(dict.fromkeys(locations))
        if self.dialect is not DUCKDB or len(distinct) < 2:
            for location in distinct:
                self.clear_failures(location)
            return
        import pyarrow as pa

        self.con.register("cleared_inputs", pa.table({"location": pa.array(distinct, type=pa.string())}))
        try:
            # starts_with(source, location || '#') is clear_failures' LIKE with the location escaped.
            self.con.execute(
                "DELETE FROM failures WHERE source IN (SELECT location FROM cleared_inputs) OR EXISTS ("
                "SELECT 1 FROM cleared_inputs c WHERE starts_with(failures.source, c.location || '#') "
                "OR starts_with(failures.source, c.location || ':'))")
        finally:
            self.con.unregister("cleared_inputs")

    def failures(self) -> list[tuple[str, str]]:
        return [tuple(r) for r in self.con.execute("SELECT source, reason FROM failures ORDER BY source").fetchall()]

    # ------------------------------------------------------------------ reading
    def count(self, table: str) -> int:
        if table not in DOC_TABLES + ("failures", "inputs"):
            raise ValueError(f"unknown table {table}")
        return self.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def records(self, lang: str | None = None) -> Iterator[dict[str, Any]]:
        where, params = ("WHERE language = ?", [lang.lower()]) if lang else ("", [])
        for (text,) in self.con.execute(f"SELECT record FROM documents {where} ORDER BY published, doc_id",
                                        params).fetchall():
            yield json.loads(text)

    # ------------------------------------------------------------------ linking
    def link(self, settings: Any = None, article_settings: Any = None) -> Any:
        """Near-duplicates, story events and article clusters over every stored article, replacing the
        link tables (one transaction); features are computed only for articles new since the last run
        (eventwire.link.database). Returns the eventwire.link.Links, or None when nothing changed."""
        from eventwire.link.database import link_database

        return link_database(self, settings, article_settings)

    def story_events(self, min_articles: int = 1, limit: int = 100) -> list[dict[str, Any]]:
        """Story events with at least `min_articles` articles, most reported first (after `link`)."""
        if not self._has_links():
            return []
        cur = self.con.execute(
            "SELECT * FROM story_events WHERE num_articles >= ? "
            "ORDER BY num_articles DESC, num_sources DESC, first_seen, story_id LIMIT ?", [min_articles, limit])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def story_mentions(self, story_id: str) -> list[dict[str, Any]]:
        """The mentions of one story event with their evidence (after `link`)."""
        if not self._has_links():
            return []
        cur = self.con.execute(
            "SELECT * FROM story_mentions WHERE story_id = ? ORDER BY published, doc_id, event_id", [story_id])
        names = [c[0] for c in cur.description]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def story_counts(self) -> dict[tuple[str, str], tuple[str, int, int, int]]:
        """(doc id, event id) -> (story id, mentions, sources, articles) for linked events."""
        if not self._has_links():
            return {}
        rows = self.con.execute(
            "SELECT m.doc_id, m.event_id, s.story_id, s.num_mentions, s.num_sources, s.num_articles "
            "FROM story_mentions m JOIN story_events s USING (story_id)").fetchall()
        return {(d, e): (sid, nm, ns, na) for d, e, sid, nm, ns, na in rows}

    def _has_links(self) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'story_events'").fetchone()[0])


def link_database(db: Any, settings: Any = None, article_settings: Any = None) -> Any:
    """Link every stored article of a Database (store/access.py): eventwire.link.database."""
    from eventwire.link.database import link_database as link

    return link(db, settings, article_settings)



def copy_query(con: Any, sql: str, params: list[Any], path: str, options: str) -> int:
    """Write the result of a query to `path` with DuckDB's COPY `options` (CSV, Parquet, JSON);
    returns its row count."""
    if dialect_of(con).name == "postgresql":
        from eventwire.store.postgres import copy_to_file

        return copy_to_file(con, sql, params, path, options)
    escaped = path.replace("'", "''")
    (rows,) = con.execute(f"COPY ({sql}) TO '{escaped}' ({options})", params).fetchone()
    return rows  # COPY answers with the number of rows it wrote


def open_store(path: str, read_only: bool = False, wait: float | None = None) -> Store:
    """Open (creating when needed) the DuckDB store at `path`, or the PostgreSQL store at a
    postgresql:// URL, and keep it open until closed; waits up to `wait` seconds while another
    process holds a DuckDB file (see store/access.py)."""
    from eventwire.store.access import DEFAULT_WAIT, connect

    if is_postgres_url(path):
        from eventwire.store.postgres import PostgresConnection

        pg = PostgresConnection(path)
        if not read_only:
            ensure_schema(pg)
        return Store(pg, path)

    con = connect(path, read_only=read_only, wait=DEFAULT_WAIT if wait is None else wait)
    if not read_only:
        ensure_schema(con)
    else:
        if view := legacy_view_sql(con):
            con.execute(view)
    return Store(con, path)
