"""Linking what a store holds, incrementally: each article's link features (features.py) are computed
once and kept in the table `link_features`; a `link` run computes them only for the articles stored
or stored again since (a document written again, re-extracted or edited, is new again), then links
every kept article from its features and replaces the link tables (link/write.py: on DuckDB filled as
staging copies over transactions of bounded size, then swapped in by one short transaction).

So a run with no new article reads one query and stops; a run after an ingest reads and hashes only
the new records (most of the cost of linking them) and compares them with the stored ones through the
same blocking keys and indexes as a full link, so its result is exactly a full re-link's. On DuckDB
the new records are read in one streamed scan under the read lock (`RECORD_PAGE` at a time), hashed
by worker processes from `WORKERS_FROM` new articles up, their features spilled to a temporary
Parquet file and loaded in one transaction; the kept features are streamed back by one query. On
PostgreSQL records are found by their index, `BATCH` at a time, features written in chunks of `CHUNK`
(each its own transaction) and read back in pages by document id. A change of the story settings the
features depend on (features.settings_key) recomputes them all.

The features are read back without their shingle hashes and word counts, each read again only when
needed, so neither is held for the whole link: the shingle hashes of the near-duplicate candidates
(stored_shingles) and, once the story sweep is done, every article's word counts, twice (stored_terms:
the document frequencies, then the TF-IDF vectors).

Worker processes are spawned: a script that links 2,000 or more new articles through this module
must guard its entry point (`if __name__ == "__main__":`), as multiprocessing requires.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import tempfile
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from eventwire.link import ArticleLinkSettings, LinkSettings, Links, link_features
from eventwire.link.articles import ArticleTerms
from eventwire.link.buffers import kept_objects_frozen
from eventwire.link.features import (
    COMPARED_COLUMNS,
    FEATURE_COLUMNS,
    ArticleFeatures,
    article_features,
    from_row,
    settings_key,
    shingles_of_row,
    terms_of_row,
    to_row,
)
from eventwire.link.load import LINKED_PARTS, record_from_json
from eventwire.link.queries import (
    FEATURES_KEY,
    LINKS_KEY,
    append_batch_of,
    one_of,
    pages,
    streamed,
)
from eventwire.link.write import write_links
from eventwire.store.dialect import POSTGRES, dialect_of
from eventwire.store.postgres import advisory_lock
from eventwire.store.schema import meta_value, set_meta_value

__all__ = ["link_database", "stored_features", "stored_shingles", "stored_terms", "write_links", "unlinked_documents"]

log = logging.getLogger(__name__)

BATCH = 500  # feature rows (PostgreSQL: records) fetched from the store at a time
RECORD_PAGE = 100  # DuckDB: records read (and handed to a worker) at a time; a record's JSON is ~50 KB
CHUNK = 5000  # PostgreSQL: new articles whose features are written in one transaction
# From this many new articles up, their features are computed by worker processes (spawned: a fork of
# a process holding a DuckDB instance is unsafe), one per core up to WORKERS, while this process reads
# the records and writes the results.
WORKERS_FROM = 2000
WORKERS = 2
BUFFER_LIMIT = "256MB"  # DuckDB's buffers while linking (see _bounded_buffers)
CACHE_FLOOR = "16MB"  # what _drop_cached_blocks leaves DuckDB a moment
# DuckDB's buffers while the word counts are read again (see _rereading): a one-thread scan of them ran
# in 12 MB (a synthetic 300,000-article table of them; in 8 MB DuckDB ran out of memory).
REREAD_LIMIT = "64MB"
# DuckDB, while linking writes: a transaction that changes more than this is written to the database file
# when it commits (a checkpoint), not first to the write-ahead log and again at the next checkpoint (the
# features of a 50,000-article day are 513 MB: ~3 s of their 7 s load went to that second write).
DIRECT_COMMIT = "1MB"

# Which stored version of a document features were computed from: its content hash and the time its
# batch was stored (a re-extracted article keeps its text but may gain other events).
_STAMP = "coalesce(d.content_hash, '') || '@' || coalesce(CAST(d.ingested_at AS VARCHAR), '')"

_FEATURE_TYPES = pa.schema([("doc_id", pa.string()), ("stamp", pa.string()), ("published", pa.string()),
                            ("shingles", pa.binary()), ("minhash", pa.binary()), ("terms", pa.binary()),
                            ("counts", pa.binary()), ("day", pa.string()), ("by_events", pa.bool_()),
                            ("mentions", pa.string()), ("evidence", pa.string())])


def _linked_record(text: Any) -> Any:
    """The ArticleRecord holding what linking reads (LINKED_PARTS) of a stored record (JSON text on
    DuckDB, a decoded value on PostgreSQL)."""
    return record_from_json(json.loads(text) if isinstance(text, str) else text, LINKED_PARTS)


def stored_features(con: Any, batch: int = BATCH, shingles: bool = True,
                    terms: bool = True) -> Iterator[ArticleFeatures]:
    """The features kept in `link_features`, `batch` rows at a time, so memory never holds more than one
    page of rows: streamed on DuckDB, by document id (its index) on PostgreSQL, which has no stable row
    numbers. What is compared only (COMPARED_COLUMNS): their mentions' evidence is None (write_links
    reads it when it writes the story mentions); they are kept as stored (features.StoredMentions) until
    read. With `shingles` False their shingle hashes are None too (stored_shingles reads those of the
    near-duplicate candidates), with `terms` False their word counts (stored_terms reads them again):
    those columns are not even fetched."""
    shared_sets: dict = {}  # for this reading only
    left_out = ({"shingles"} if not shingles else set()) | ({"terms", "counts"} if not terms else set())
    columns = ", ".join(f"NULL AS {c}" if c in left_out else c for c in COMPARED_COLUMNS)
    for row in pages(con, "link_features", columns, batch):
        yield from_row(row, shared_sets, stored=True)


def stored_terms(con: Any, batch: int = BATCH) -> Iterator[ArticleTerms]:
    """Every stored article's word counts (its `terms`, `counts`, `day` and `by_events` columns), paged as
    stored_features pages them: a day's word counts read again for its article links alone."""
    for row in pages(con, "link_features", "doc_id, terms, counts, day, by_events", batch):
        yield terms_of_row(*row)


def stored_shingles(con: Any, doc_ids: list[str]) -> Iterator[tuple[str, np.ndarray]]:
    """(doc id, shingle hashes) of the stored features of `doc_ids`: on DuckDB one streamed query (a
    query per page of ids scans the table once per page), on PostgreSQL `BATCH` ids a query (its index)."""
    sql = f"SELECT doc_id, shingles FROM link_features WHERE {one_of(con, 'doc_id')}"
    if dialect_of(con) is POSTGRES:
        rows = (row for lo in range(0, len(doc_ids), BATCH)
                for row in con.execute(sql, [doc_ids[lo:lo + BATCH]]).fetchall())
    else:
        rows = streamed(con, sql, [doc_ids], BATCH)
    for doc_id, column in rows:
        yield doc_id, shingles_of_row(column)


def _has_features_table(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'link_features'")
                .fetchone()[0])


def _features_current(con: Any, settings: LinkSettings | None) -> bool:
    """The stored features were computed with these settings."""
    return _has_features_table(con) and meta_value(con, FEATURES_KEY) == settings_key(settings)


def unlinked_documents(con: Any, settings: LinkSettings | None = None, current: bool | None = None) -> list[str]:
    """The ids of the stored documents without current features: new since the last `link`, changed
    (stored again since), or all of them when the features were computed with other settings
    (`current`: whether they were, when the caller knows)."""
    if not (_features_current(con, settings) if current is None else current):
        return [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
    return [r[0] for r in con.execute(
        f"SELECT d.doc_id FROM documents d LEFT JOIN link_features f ON f.doc_id = d.doc_id AND f.stamp = {_STAMP} "
        "WHERE f.doc_id IS NULL ORDER BY d.doc_id").fetchall()]


def _feature_rows(page: Sequence[tuple[str, Any]], settings: LinkSettings) -> list[tuple]:
    """link_features rows of (stamp, stored record) pairs (also run in worker processes)."""
    return [to_row(article_features(_linked_record(text), settings), stamp) for stamp, text in page]


def _features_of(con: Any, doc_ids: Sequence[str], settings: LinkSettings) -> list[tuple]:
    """link_features rows of the stored documents `doc_ids` (PostgreSQL: found by its index)."""
    rows = []
    for lo in range(0, len(doc_ids), BATCH):
        page = doc_ids[lo:lo + BATCH]
        rows.extend(_feature_rows(con.execute(
            f"SELECT {_STAMP}, d.record FROM documents d WHERE {one_of(con, 'd.doc_id')}", [list(page)]).fetchall(),
            settings))
    return rows


def _unlinked_records(con: Any, current: bool) -> Iterator[list[tuple[str, Any]]]:
    """(stamp, record) pages of the stored documents without current features (DuckDB): one scan of the
    documents, streamed (a query per page of ids scans the table once per page: quadratic)."""
    sql = f"SELECT {_STAMP}, d.record FROM documents d"
    if current:
        sql += f" LEFT JOIN link_features f ON f.doc_id = d.doc_id AND f.stamp = {_STAMP} WHERE f.doc_id IS NULL"
    page: list[tuple[str, Any]] = []
    for row in streamed(con, sql, [], RECORD_PAGE):
        page.append(row)
        if len(page) == RECORD_PAGE:
            yield page
            page = []
    if page:
        yield page


def _computed(pages: Iterable[list[tuple[str, Any]]], settings: LinkSettings, workers: int) -> Iterator[list[tuple]]:
    """_feature_rows of each page, in order; with `workers` > 1 computed by that many spawned processes,
    at most two pages per worker in flight (so the records read ahead stay few)."""
    if workers <= 1:
        for page in pages:
            yield _feature_rows(page, settings)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending: deque = deque()
        for page in pages:
            pending.append(pool.submit(_feature_rows, page, settings))
            while len(pending) > 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _workers(new: int) -> int:
    return min(WORKERS, os.cpu_count() or 1) if new >= WORKERS_FROM else 1


def _spill_features(con: Any, current: bool, new: int, settings: LinkSettings, path: str) -> int:
    """Compute the features of the unlinked documents (DuckDB) into a Parquet file at `path`, so neither
    the records nor their features are ever all in memory and the write lock is held only to load the
    file; returns the number of rows."""
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(path, _FEATURE_TYPES) as writer:
        for rows in _computed(_unlinked_records(con, current), settings, _workers(new)):
            writer.write_table(pa.Table.from_pylist([dict(zip(FEATURE_COLUMNS, r)) for r in rows],
                                                    schema=_FEATURE_TYPES))
            count += len(rows)
    return count


def _load_features(con: Any, path: str, settings: LinkSettings, replace_all: bool) -> None:
    """Store the feature rows of a Parquet file (replacing those of the same documents) in one
    transaction; the link tables are marked out of date until write_links."""
    columns = ", ".join(FEATURE_COLUMNS)
    with _features_transaction(con, settings):
        if replace_all:
            con.execute("DELETE FROM link_features")
        else:
            con.execute("DELETE FROM link_features WHERE doc_id IN (SELECT doc_id FROM read_parquet(?))", [path])
        con.execute(f"INSERT INTO link_features ({columns}) SELECT {columns} FROM read_parquet(?)", [path])


def _write_features(con: Any, rows: list[tuple], settings: LinkSettings, replace_all: bool) -> None:
    """Store feature rows (replacing those of the same documents) in one transaction; the link tables
    are marked out of date until write_links."""
    append_batch = append_batch_of(con)
    table = pa.Table.from_pylist([dict(zip(FEATURE_COLUMNS, r)) for r in rows], schema=_FEATURE_TYPES)
    with _features_transaction(con, settings):
        advisory_lock(con, "links")
        if replace_all:
            con.execute("DELETE FROM link_features")
        else:
            for lo in range(0, len(rows), BATCH):
                con.execute(f"DELETE FROM link_features WHERE {one_of(con, 'doc_id')}",
                            [[r[0] for r in rows[lo:lo + BATCH]]])
        append_batch(con, {"link_features": table})


@contextmanager
def _features_transaction(con: Any, settings: LinkSettings) -> Iterator[None]:
    """One transaction that replaces feature rows: on success the features are marked as computed with
    these settings and the link tables out of date (until write_links); on any error nothing changes."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        set_meta_value(con, FEATURES_KEY, settings_key(settings))
        set_meta_value(con, LINKS_KEY, "")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def _bounded_buffers(con: Any, written: bool = False) -> Iterator[None]:
    """DuckDB: while linking, the database instance keeps at most BUFFER_LIMIT of buffers (its default,
    80% of the machine's memory, lets every block of the documents and features it scans once stay
    cached: most of the process's memory at 10,000 articles) and scans with one thread; its own
    settings are restored after.

    One thread, because each scanning thread pins the decompressed segments of the row group it reads:
    a full row group of the stored records in DuckDB's default size (122,880 rows, as a store written
    before store/access.ROW_GROUP_SIZE holds them) takes ~128 MiB, so two threads' scans of a
    300,000-article store do not fit BUFFER_LIMIT and DuckDB refuses the scan (out of memory). The
    linking's scans feed Python, which reads one row at a time anyway.

    `written`: a transaction changing more than DIRECT_COMMIT is checkpointed as it commits (DuckDB's
    checkpoint_threshold, restored after), and what is left is checkpointed before the settings are
    restored; the store's close would otherwise checkpoint it with the default limit (+660 MB of RSS
    after the features of a 50,000-article day were loaded)."""
    if dialect_of(con) is POSTGRES:
        yield
        return
    memory, threads, threshold = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('threads'), current_setting('checkpoint_threshold')"
    ).fetchone()
    con.execute(f"SET memory_limit = '{BUFFER_LIMIT}'")
    con.execute("SET threads = 1")
    if written:
        con.execute(f"SET checkpoint_threshold = '{DIRECT_COMMIT}'")
    try:
        yield
        if written:
            con.execute("CHECKPOINT")
    finally:
        con.execute(f"SET threads = {int(threads)}")
        if written:
            con.execute(f"SET checkpoint_threshold = '{threshold}'")
        # DuckDB prints the limit rounded (3 GB as '2.7 GiB'), so setting the printed value back would
        # lower it: the default is restored by RESET, only a limit someone set is set again as printed.
        con.execute("RESET memory_limit")
        if con.execute("SELECT current_setting('memory_limit')").fetchone()[0] != memory:
            con.execute(f"SET memory_limit = '{memory}'")


def _drop_cached_blocks(con: Any) -> None:
    """DuckDB: let go of the blocks it keeps cached from the scans so far (up to BUFFER_LIMIT: 228 MB
    after reading a 50,000-article day's features), by lowering its limit a moment; the story sweep and
    article links that follow would otherwise hold their memory on top of that cache."""
    if dialect_of(con) is POSTGRES:
        return
    try:
        con.execute(f"SET memory_limit = '{CACHE_FLOOR}'")
    except duckdb.Error as exc:  # blocks still pinned: they stay, nothing else changes
        log.debug("DuckDB kept its cached blocks: %s", exc)
    finally:
        con.execute(f"SET memory_limit = '{BUFFER_LIMIT}'")


@contextmanager
def _rereading(con: Any) -> Iterator[None]:
    """DuckDB: the word counts are read again (while the story events are held and the vectors made)
    under REREAD_LIMIT of buffers, not BUFFER_LIMIT, and the blocks read let go after: a scan's blocks
    stay cached up to the limit (reading a synthetic 300,000-article day's word counts added 290 MB of
    RSS under BUFFER_LIMIT, 100 MB under 64 MB)."""
    if dialect_of(con) is POSTGRES:
        yield
        return
    try:
        con.execute(f"SET memory_limit = '{REREAD_LIMIT}'")
    except duckdb.Error as exc:  # blocks still pinned: read under BUFFER_LIMIT
        log.debug("DuckDB kept its buffer limit: %s", exc)
    try:
        yield
    finally:
        _drop_cached_blocks(con)  # and back to BUFFER_LIMIT


def _links_key(settings: LinkSettings, article_settings: ArticleLinkSettings | None) -> str:
    return f"{settings_key(settings)}|{article_settings or ArticleLinkSettings()!r}"


def link_database(db: Any, settings: LinkSettings | None = None,
                  article_settings: ArticleLinkSettings | None = None) -> Links | None:
    """Link every stored article of a Database (store/access.py) or an open Store and replace the link
    tables with the result; returns the Links, or None when nothing changed since the last run with
    these settings (no article added, changed or removed: the link tables are current). The returned
    story mentions have no evidence (it is not read to compare); `story_mentions` has it."""
    settings = settings or LinkSettings()
    with db.reading() as store:
        con = store.con
        postgres = dialect_of(con) is POSTGRES
        replace_all = not _features_current(con, settings)
        new = unlinked_documents(con, settings, current=not replace_all)
        gone = 0 if replace_all else con.execute(
            "SELECT count(*) FROM link_features f WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.doc_id = f.doc_id)"
        ).fetchone()[0]
        if not replace_all and not new and not gone and meta_value(con, LINKS_KEY) == _links_key(settings, article_settings):
            log.info("links are current: no article added, changed or removed since the last link")
            return None
    if postgres:
        for lo in range(0, max(len(new), 1 if replace_all else 0), CHUNK):
            with db.reading() as store:
                rows = _features_of(store.con, new[lo:lo + CHUNK], settings)
            with db.writing() as store:  # its tables made with the store (schema.ensure_schema)
                _write_features(store.con, rows, settings, replace_all and lo == 0)
            del rows
    elif new or replace_all:
        with tempfile.TemporaryDirectory(prefix="eventwire-link-") as tmp:
            path = os.path.join(tmp, "features.parquet")
            with db.reading() as store, _bounded_buffers(store.con):
                has_table = _has_features_table(store.con)
                _spill_features(store.con, has_table and not replace_all, len(new), settings, path)
            with db.writing() as store, _bounded_buffers(store.con, written=True):  # tables made with the store
                _load_features(store.con, path, settings, replace_all)
    with db.reading() as store, _bounded_buffers(store.con):
        # Features of documents deleted since are left out here and dropped by write_links.
        present = {r[0] for r in store.con.execute("SELECT doc_id FROM documents").fetchall()} if gone else None
        # The shingle hashes are read again for the near-duplicate candidates alone, the word counts for
        # the article links alone (after the story sweep), not held for the day.
        features = stored_features(store.con, shingles=False, terms=False)
        if present is not None:
            features = (f for f in features if f.doc_id in present)
        con = store.con

        def shingles_of(doc_ids: list[str]) -> Iterator[tuple[str, np.ndarray]]:
            yield from stored_shingles(con, doc_ids)
            _drop_cached_blocks(con)  # the comparing that follows is in Python

        def terms_of() -> Iterator[ArticleTerms]:  # read twice; link_features skips the deleted documents'
            with _rereading(con):
                yield from stored_terms(con)

        links = link_features(features, settings, article_settings, shingles_of, terms_of)
    # What was linked stays out of the collector's sight while its rows are made and written.
    with db.writing() as store, _bounded_buffers(store.con, written=True), kept_objects_frozen() as freeze:
        freeze()
        write_links(store.con, links, _links_key(settings, article_settings))
    log.info("linked %d articles (%d new or changed): %d near-duplicates, %d story events",
             len(links.article_cluster), len(new), len(links.duplicate_of), len(links.stories))
    return links
