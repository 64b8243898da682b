"""Writing a batch of articles to DuckDB: one transaction, one insert per table, set-based deletes.

A batch of articles (store/rows.py) is written in ONE transaction: the documents it replaces —
the same ids, and what the same inputs gave before they were edited (see earlier_versions) — are
deleted with one DELETE per table, every table's new rows are inserted with one INSERT ... SELECT
from the Arrow table, and the failures of the stored articles' sources are forgotten. An article is
stored only when its batch commits; a crash before that leaves the store as it was.

One bad article never stops a batch: when the batch's transaction fails for any reason other than
a storage fault (a duplicate key in one record, say), it is rolled back and the articles are
written one at a time, each in its own transaction, so that only the bad one fails. A storage
fault (store/access.py) is raised as it is: the database instance cannot be trusted after one.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from eventwire.store.access import is_storage_failure
from eventwire.store.date_order import keep_in_date_order
from eventwire.store.dialect import POSTGRES, dialect_of
from eventwire.store.rows import ArticleBatch
from eventwire.store.schema import DOC_TABLES

__all__ = ["append_batch", "write_batch"]

log = logging.getLogger(__name__)


def append_batch(con: duckdb.DuckDBPyConnection, batch: dict[str, pa.Table]) -> None:
    """Insert every table of `batch` (table name -> Arrow table) with one statement per table.

    The batch contract: each Arrow table holds its table's columns, named as in the store; they
    are named in the INSERT because a store that gained columns by ALTER TABLE keeps them last."""
    for table, rows in batch.items():
        if rows.num_rows == 0:
            continue
        columns = ", ".join(f'"{c}"' for c in rows.column_names)
        with _registered(con, "batch_rows", rows):
            con.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM batch_rows")


@contextmanager
def _registered(con: duckdb.DuckDBPyConnection, name: str, table: pa.Table) -> Iterator[None]:
    """`table` readable as `name` in SQL for the block's statements."""
    con.register(name, table)
    try:
        yield
    except BaseException:
        try:
            con.unregister(name)
        except duckdb.Error:  # an aborted transaction refuses it: the block's error is the one to report
            pass
        raise
    con.unregister(name)


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute("ROLLBACK")
    except Exception:  # after a storage fault the instance is invalid: the first error is the one to report
        pass


def _stored_state(con: duckdb.DuckDBPyConnection, docs: pa.Table) -> tuple[set[str], dict[str, str]]:
    """Of the batch's documents: the ids stored already, and the stored JSON of those whose content
    hash and record version are the same as now (candidates for 'unchanged')."""
    with _registered(con, "batch_docs", docs):
        rows = con.execute("""SELECT d.doc_id, d.content_hash = b.content_hash
                AND d.record_version = b.record_version, d.record
            FROM documents d JOIN (SELECT DISTINCT * FROM batch_docs) b ON b.doc_id = d.doc_id""").fetchall()
    return {r[0] for r in rows}, {r[0]: r[2] for r in rows if r[1]}


# (new doc id, old doc id) for the documents of batch_docs (doc_id, source, url): see earlier_versions.
_EARLIER_VERSIONS = """
    SELECT DISTINCT b.doc_id, d.doc_id FROM documents d JOIN batch_docs b
        ON d.source = b.source AND d.doc_id <> b.doc_id
    WHERE b.source IS NOT NULL AND b.source <> '' AND NOT starts_with(b.source, '<')
        AND (d.url IS NULL OR (coalesce(b.url, '') = '' AND d.input_kind IN ('text', 'html')))
        AND d.doc_id NOT IN (SELECT doc_id FROM batch_docs)"""


def earlier_versions(con: duckdb.DuckDBPyConnection, docs: pa.Table) -> dict[str, set[str]]:
    """Documents these articles replace though their ids differ: what the same input (its source)
    gave before it was edited. Without a URL the id follows the content, so an edited file gets a
    new id; a document with a URL is its own unless the edited single-article file no longer names
    one. Two URLs are two articles, as when a feed moves on. "<stdin>"-like sources name no input;
    an article of the batch itself is never an earlier version. Returns new id -> old ids."""
    with _registered(con, "batch_docs", docs.select(["doc_id", "source", "url"])):
        rows = con.execute(_EARLIER_VERSIONS).fetchall()
    earlier: dict[str, set[str]] = {}
    for new, old in rows:
        earlier.setdefault(new, set()).add(old)
    return earlier


def _same_record(stored: str | None, new: str) -> bool:
    if stored == new:
        return True
    try:
        return stored is not None and json.loads(stored) == json.loads(new)
    except ValueError:
        return False


def _stamped(rows: dict[str, pa.Table]) -> dict[str, pa.Table]:
    """The rows with their documents' ingested_at set to now."""
    docs = rows["documents"]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    return {**rows, "documents": docs.set_column(docs.schema.get_field_index("ingested_at"), "ingested_at",
                                                 pa.array([now] * docs.num_rows, type=pa.timestamp("us")))}


def _replace(con: duckdb.DuckDBPyConnection, batch: ArticleBatch, keep: Sequence[int],
             earlier: dict[str, set[str]], existing: set[str]) -> None:
    """In one transaction: delete what the articles at `keep` replace (those of their ids that are
    `existing`, and `earlier` versions), insert them, forget their sources' failures. A document's
    rows in every table are written and deleted together, so an id without a documents row has no
    rows anywhere: new articles need no DELETE (12 statements a batch, each a scan of its table)."""
    rows = _stamped(batch.articles(keep))
    docs = rows["documents"]
    con.execute("BEGIN TRANSACTION")
    try:
        ids = set(docs.column("doc_id").to_pylist())
        gone = (ids & existing) | {d for i in ids for d in earlier.get(i, ())}
        if gone:
            with _registered(con, "gone_docs", pa.table({"doc_id": pa.array(sorted(gone), type=pa.string())})):
                for table in DOC_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM gone_docs)")
        append_batch(con, rows)
        with _registered(con, "stored_sources", docs.select(["source"])):
            con.execute("DELETE FROM failures WHERE source IN (SELECT source FROM stored_sources)")
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def write_batch(con: duckdb.DuckDBPyConnection, batch: ArticleBatch) -> list[str | Exception]:
    """Store a batch of articles; per article, in batch order: 'stored', 'replaced', 'unchanged', or
    the exception that kept it from being stored. Raises only on a storage fault, when nothing of
    the batch was committed."""
    if len(batch) == 0:
        return []
    if dialect_of(con) is POSTGRES:
        return _write_postgres(con, batch)
    cursor = con.cursor()  # its own connection: no result of the caller's left unfetched, its own transaction
    try:
        outcome = _write(cursor, batch)
        _keep_in_date_order(cursor)
        return outcome
    finally:
        cursor.close()


def _keep_in_date_order(con: duckdb.DuckDBPyConnection) -> None:
    """The events table rewritten in date order when enough events came out of order
    (store/date_order.py), after the batch committed: a failed rewrite leaves the batch stored and
    the table as it was, and is tried again after the next batch."""
    try:
        keep_in_date_order(con)
    except Exception as exc:
        if is_storage_failure(exc):
            raise
        log.warning("could not rewrite the events table in date order: %s", exc)


def _write(con: duckdb.DuckDBPyConnection, batch: ArticleBatch) -> list[str | Exception]:
    docs = batch.tables["documents"]
    ids = docs.column("doc_id").to_pylist()
    texts = docs.column("record").to_pylist()
    existing, same = _stored_state(con, docs.select(["doc_id", "content_hash", "record_version"]))
    earlier = earlier_versions(con, docs)
    last = {doc_id: k for k, doc_id in enumerate(ids)}  # an article given twice: its last version counts
    outcome: list[str | Exception] = []
    write: list[int] = []
    seen: set[str] = set()
    for k, doc_id in enumerate(ids):
        if doc_id in same and last[doc_id] == k and doc_id not in seen and _same_record(same[doc_id], texts[k]):
            outcome.append("unchanged")
        else:
            outcome.append("replaced" if doc_id in existing or doc_id in seen or doc_id in earlier else "stored")
            if last[doc_id] == k:
                write.append(k)
        seen.add(doc_id)
    if not write:
        return outcome
    try:
        _replace(con, batch, write, earlier, existing)
        return outcome
    except Exception as exc:
        if is_storage_failure(exc):
            raise
        if len(write) == 1:
            return _failed(outcome, ids, ids[write[0]], exc)
    # Some article of the batch could not be stored: each alone now, so that the others are.
    for k in write:
        try:
            _replace(con, batch, [k], earlier, existing)
        except Exception as exc:
            if is_storage_failure(exc):
                raise
            outcome = _failed(outcome, ids, ids[k], exc)
    return outcome


def _failed(outcome: list[str | Exception], ids: list[str], doc_id: str, exc: Exception) -> list[str | Exception]:
    return [exc if i == doc_id else o for i, o in zip(ids, outcome)]


def _write_postgres(con, batch: ArticleBatch) -> list[str | Exception]:
    """PostgreSQL: one transaction per article, so that concurrent writers (several `ingest`
    processes, Dask workers, the watcher) hold their locks briefly; writers of the same document or
    input wait for each other (advisory locks), and each article's rows go in with one COPY per
    table (postgres.append_batch)."""
    from eventwire.store.postgres import advisory_lock
    from eventwire.store.postgres import append_batch as copy_batch

    docs = batch.tables["documents"]
    ids, sources = docs.column("doc_id").to_pylist(), docs.column("source").to_pylist()
    urls, texts = docs.column("url").to_pylist(), docs.column("record").to_pylist()
    last = {doc_id: k for k, doc_id in enumerate(ids)}
    outcome: list[str | Exception] = []
    for k, doc_id in enumerate(ids):
        if last[doc_id] != k:  # an article given twice: its last version counts
            outcome.append("replaced")
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            source = sources[k] or ""
            advisory_lock(con, "doc:" + doc_id, "source:" + source)
            row = con.execute("SELECT content_hash, record_version, record FROM documents WHERE doc_id = ?",
                              [doc_id]).fetchone()
            stored = None if row is None else row[2] if row[2] is None or isinstance(row[2], str) else json.dumps(row[2])
            if (row is not None and row[0] == docs.column("content_hash")[k].as_py()
                    and row[1] == docs.column("record_version")[k].as_py() and _same_record(stored, texts[k])):
                con.execute("ROLLBACK")
                outcome.append("unchanged")
                continue
            earlier = [r[1] for r in con.execute(
                "WITH batch_docs AS (SELECT CAST(? AS VARCHAR) AS doc_id, CAST(? AS VARCHAR) AS source, "
                "CAST(? AS VARCHAR) AS url)" + _EARLIER_VERSIONS, [doc_id, sources[k], urls[k]]).fetchall()]
            for gone in (doc_id, *earlier):
                for table in DOC_TABLES:
                    con.execute(f"DELETE FROM {table} WHERE doc_id = ?", [gone])
            copy_batch(con, _stamped(batch.articles([k])))
            con.execute("DELETE FROM failures WHERE source = ?", [sources[k]])
            con.execute("COMMIT")
            outcome.append("stored" if row is None and not earlier else "replaced")
        except Exception as exc:
            _rollback(con)
            if is_storage_failure(exc):
                raise
            outcome.append(exc)
    return outcome
