"""Linking what a store holds, incrementally: each article's link features (features.py) are computed
once and kept in the table `link_features`; a `link` run computes them only for the articles stored
or stored again since (a document written again, re-extracted or edited, is new again), then links
every kept article from its features and replaces the link tables (on DuckDB filled as staging copies
over transactions of bounded size, then swapped in by one short transaction: write_links).

So a run with no new article reads one query and stops; a run after an ingest reads and hashes only
the new records (most of the cost of linking them) and compares them with the stored ones through the
same blocking keys and indexes as a full link, so its result is exactly a full re-link's. On DuckDB
the new records are read in one streamed scan under the read lock (`RECORD_PAGE` at a time), hashed
by worker processes from `WORKERS_FROM` new articles up, their features spilled to a temporary
Parquet file and loaded in one transaction; the kept features are streamed back by one query. On
PostgreSQL records are found by their index, `BATCH` at a time, and features written in chunks of
`CHUNK` (each its own transaction). A change of the story settings the features depend on
(features.settings_key) recomputes them all.

Worker processes are spawned: a script that links 2,000 or more new articles through this module
must guard its entry point (`if __name__ == "__main__":`), as multiprocessing requires.
"""
from __future__ import annotations

import json
import logging
import multiprocessing
import os
import tempfile
from array import array
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import numpy as np
import pyarrow as pa

from eventwire.link import ArticleLinkSettings, LinkSettings, Links, link_features
from eventwire.link.features import (
    COMPARED_COLUMNS,
    FEATURE_COLUMNS,
    ArticleFeatures,
    article_features,
    evidence_of,
    from_row,
    settings_key,
    shingles_of_row,
    to_row,
)
from eventwire.link.load import LINKED_PARTS, record_from_json
from eventwire.link.mentions import MentionRows, MentionTable, StoryMention
from eventwire.store.dialect import POSTGRES, dialect_of
from eventwire.store.postgres import advisory_lock
from eventwire.record import Evidence
from eventwire.store.schema import LINK_SCHEMA, LINK_TABLES

__all__ = ["link_database", "stored_features", "stored_shingles", "write_links", "unlinked_documents"]

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
WRITE_ROWS = 25_000  # DuckDB: link table rows written in one transaction (write_links)
_STAGING = "staging_"  # DuckDB: the prefix of the link tables' copies write_links fills, then renames
_FEATURES_KEY = "link_features"  # meta: the settings_key the stored features were computed with
_LINKS_KEY = "links"  # meta: the settings the link tables were last computed with from every stored feature

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


def stored_features(con: Any, batch: int = BATCH, shingles: bool = True) -> Iterator[ArticleFeatures]:
    """The features kept in `link_features`, `batch` rows at a time, so memory never holds more than one
    page of rows: streamed on DuckDB, by document id (its index) on PostgreSQL, which has no stable row
    numbers. What is compared only (COMPARED_COLUMNS): their mentions' evidence is None (write_links
    reads it when it writes the story mentions); they are kept as stored (features.StoredMentions) until
    read. With `shingles` False their shingle hashes are None too (stored_shingles reads those of the
    near-duplicate candidates)."""
    shared_sets: dict = {}  # for this reading only
    columns = ", ".join(c if shingles or c != "shingles" else "NULL AS shingles" for c in COMPARED_COLUMNS)
    for row in _pages(con, "link_features", columns, batch):
        yield from_row(row, shared_sets, stored=True)


def stored_shingles(con: Any, doc_ids: list[str]) -> Iterator[tuple[str, np.ndarray]]:
    """(doc id, shingle hashes) of the stored features of `doc_ids`: on DuckDB one streamed query (a
    query per page of ids scans the table once per page), on PostgreSQL `BATCH` ids a query (its index)."""
    sql = f"SELECT doc_id, shingles FROM link_features WHERE {_one_of(con, 'doc_id')}"
    if dialect_of(con) is POSTGRES:
        rows = (row for lo in range(0, len(doc_ids), BATCH)
                for row in con.execute(sql, [doc_ids[lo:lo + BATCH]]).fetchall())
    else:
        rows = _streamed(con, sql, [doc_ids], BATCH)
    for doc_id, column in rows:
        yield doc_id, shingles_of_row(column)


def _pages(con: Any, table: str, columns: str, batch: int) -> Iterator[tuple]:
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
    yield from _streamed(con, f"SELECT {columns} FROM {table}", [], batch)


def _streamed(con: Any, sql: str, params: list, batch: int) -> Iterator[tuple]:
    """The rows of a DuckDB query, read as a stream of Arrow record batches of `batch` rows."""
    # con.sql streams (an executed DB-API result would be materialised whole first), on a cursor of its
    # own so the connection stays free for other queries meanwhile.
    cursor = con.cursor()
    try:
        for record_batch in cursor.sql(sql, params=params or None).to_arrow_reader(batch):
            yield from zip(*(column.to_pylist() for column in record_batch.columns))
    finally:
        cursor.close()


def _has_features_table(con: Any) -> bool:
    return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'link_features'")
                .fetchone()[0])


def _meta(con: Any, key: str) -> str | None:
    row = con.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def _set_meta(con: Any, key: str, value: str) -> None:
    con.execute("INSERT INTO meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [key, value])


def _features_current(con: Any, settings: LinkSettings | None) -> bool:
    """The stored features were computed with these settings."""
    return _has_features_table(con) and _meta(con, _FEATURES_KEY) == settings_key(settings)


def unlinked_documents(con: Any, settings: LinkSettings | None = None, current: bool | None = None) -> list[str]:
    """The ids of the stored documents without current features: new since the last `link`, changed
    (stored again since), or all of them when the features were computed with other settings
    (`current`: whether they were, when the caller knows)."""
    if not (_features_current(con, settings) if current is None else current):
        return [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
    return [r[0] for r in con.execute(
        f"SELECT d.doc_id FROM documents d LEFT JOIN link_features f ON f.doc_id = d.doc_id AND f.stamp = {_STAMP} "
        "WHERE f.doc_id IS NULL ORDER BY d.doc_id").fetchall()]


def _one_of(con: Any, column: str) -> str:
    """SQL: `column` is one of the values of a list parameter (one parameter: binding hundreds is slow)."""
    return f"{column} = ANY(?)" if dialect_of(con) is POSTGRES else f"{column} IN (SELECT unnest(?::VARCHAR[]))"


def _feature_rows(page: Sequence[tuple[str, Any]], settings: LinkSettings) -> list[tuple]:
    """link_features rows of (stamp, stored record) pairs (also run in worker processes)."""
    return [to_row(article_features(_linked_record(text), settings), stamp) for stamp, text in page]


def _features_of(con: Any, doc_ids: Sequence[str], settings: LinkSettings) -> list[tuple]:
    """link_features rows of the stored documents `doc_ids` (PostgreSQL: found by its index)."""
    rows = []
    for lo in range(0, len(doc_ids), BATCH):
        page = doc_ids[lo:lo + BATCH]
        rows.extend(_feature_rows(con.execute(
            f"SELECT {_STAMP}, d.record FROM documents d WHERE {_one_of(con, 'd.doc_id')}", [list(page)]).fetchall(),
            settings))
    return rows


def _unlinked_records(con: Any, current: bool) -> Iterator[list[tuple[str, Any]]]:
    """(stamp, record) pages of the stored documents without current features (DuckDB): one scan of the
    documents, streamed (a query per page of ids scans the table once per page: quadratic)."""
    sql = f"SELECT {_STAMP}, d.record FROM documents d"
    if current:
        sql += f" LEFT JOIN link_features f ON f.doc_id = d.doc_id AND f.stamp = {_STAMP} WHERE f.doc_id IS NULL"
    page: list[tuple[str, Any]] = []
    for row in _streamed(con, sql, [], RECORD_PAGE):
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
    append_batch = _append_batch(con)
    table = pa.Table.from_pylist([dict(zip(FEATURE_COLUMNS, r)) for r in rows], schema=_FEATURE_TYPES)
    with _features_transaction(con, settings):
        advisory_lock(con, "links")
        if replace_all:
            con.execute("DELETE FROM link_features")
        else:
            for lo in range(0, len(rows), BATCH):
                con.execute(f"DELETE FROM link_features WHERE {_one_of(con, 'doc_id')}",
                            [[r[0] for r in rows[lo:lo + BATCH]]])
        append_batch(con, {"link_features": table})


@contextmanager
def _features_transaction(con: Any, settings: LinkSettings) -> Iterator[None]:
    """One transaction that replaces feature rows: on success the features are marked as computed with
    these settings and the link tables out of date (until write_links); on any error nothing changes."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        _set_meta(con, _FEATURES_KEY, settings_key(settings))
        _set_meta(con, _LINKS_KEY, "")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@contextmanager
def _bounded_buffers(con: Any) -> Iterator[None]:
    """DuckDB: while linking, the database instance keeps at most BUFFER_LIMIT of buffers (its default,
    80% of the machine's memory, lets every block of the documents and features it scans once stay
    cached: most of the process's memory at 10,000 articles); its own setting is restored after."""
    if dialect_of(con) is POSTGRES:
        yield
        return
    before = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{BUFFER_LIMIT}'")
    try:
        yield
    finally:
        con.execute(f"SET memory_limit = '{before}'")


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
        if not replace_all and not new and not gone and _meta(con, _LINKS_KEY) == _links_key(settings, article_settings):
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
            with db.writing() as store, _bounded_buffers(store.con):  # tables made with the store
                _load_features(store.con, path, settings, replace_all)
    with db.reading() as store, _bounded_buffers(store.con):
        # Features of documents deleted since are left out here and dropped by write_links.
        present = {r[0] for r in store.con.execute("SELECT doc_id FROM documents").fetchall()} if gone else None
        # The shingle hashes are read again for the near-duplicate candidates alone, not held for the day.
        features = stored_features(store.con, shingles=False)
        if present is not None:
            features = (f for f in features if f.doc_id in present)
        con = store.con
        links = link_features(features, settings, article_settings, lambda ids: stored_shingles(con, ids))
    with db.writing() as store, _bounded_buffers(store.con):
        write_links(store.con, links, _links_key(settings, article_settings))
    log.info("linked %d articles (%d new or changed): %d near-duplicates, %d story events",
             len(links.article_cluster), len(new), len(links.duplicate_of), len(links.stories))
    return links


def _append_batch(con: Any):
    if dialect_of(con) is POSTGRES:
        from eventwire.store.postgres import append_batch
    else:
        from eventwire.store.writes import append_batch
    return append_batch


def _column(values: list, kind: pa.DataType) -> pa.Array:
    return pa.array(values, type=kind)


def _tables(links: Links) -> dict[str, pa.Table]:
    """The link tables' rows as Arrow tables (columns in schema order), built straight from the Links."""
    s, i32, f64, text = links.stories, pa.int32(), pa.float64(), pa.string()
    pair_of = {p.doc_id: p for p in links.duplicates}
    copies = sorted(links.duplicate_of.items())
    duplicates = pa.table({
        "doc_id": _column([c for c, _ in copies], text), "duplicate_of": _column([o for _, o in copies], text),
        "jaccard": _column([getattr(pair_of.get(c), "jaccard", None) for c, _ in copies], f64),
        "containment": _column([getattr(pair_of.get(c), "containment", None) for c, _ in copies], f64)})
    stories = pa.table({
        "story_id": _column([x.id for x in s], text), "cameo_root": _column([x.cameo_root for x in s], text),
        "plover_type": _column([x.plover for x in s], text), "date_start": _column([x.date_start for x in s], text),
        "date_end": _column([x.date_end for x in s], text), "place": _column([x.place for x in s], text),
        "lat": _column([x.lat for x in s], f64), "lon": _column([x.lon for x in s], f64),
        "actors": _column([list(x.actors) for x in s], pa.list_(text)),
        "num_articles": _column([x.num_articles for x in s], i32), "num_sources": _column([x.num_sources for x in s], i32),
        "num_mentions": _column([x.num_mentions for x in s], i32), "first_seen": _column([x.first_seen for x in s], text),
        "last_seen": _column([x.last_seen for x in s], text)})
    clusters = sorted(links.article_cluster.items())
    article_clusters = pa.table({"doc_id": _column([d for d, _ in clusters], text),
                                 "cluster_id": _column([c for _, c in clusters], text)})
    return {"duplicate_of": duplicates, "story_events": stories, "article_clusters": article_clusters}


def _mention_table(m: list[tuple[str, StoryMention, Evidence | None]]) -> pa.Table:
    """`story_mentions` rows of (story id, mention, its evidence)."""
    text, i32 = pa.string(), pa.int32()
    ev = [e for _, _, e in m]
    return pa.table({
        "story_id": _column([sid for sid, _, _ in m], text), "doc_id": _column([y.doc_id for _, y, _ in m], text),
        "event_id": _column([y.event_id for _, y, _ in m], text), "outlet": _column([y.outlet for _, y, _ in m], text),
        "published": _column([y.published for _, y, _ in m], text),
        "date_start": _column([y.date_start for _, y, _ in m], text),
        "date_end": _column([y.date_end for _, y, _ in m], text),
        "date_weak": _column([y.date_weak for _, y, _ in m], pa.bool_()),
        "duplicate_of": _column([y.duplicate_of for _, y, _ in m], text),
        "evidence_text": _column([e.text if e else None for e in ev], text),
        "section": _column([e.section if e else None for e in ev], text),
        "caption_index": _column([e.caption_index if e else None for e in ev], i32),
        "sent_start": _column([e.start if e else None for e in ev], i32),
        "sent_end": _column([e.end if e else None for e in ev], i32)})


def _mention_tables(con: Any, links: Links) -> Iterator[pa.Table]:
    """The `story_mentions` rows of `links`, a chunk at a time. A mention read back from stored features
    to be compared has no evidence: it is joined in from `link_features`' evidence column, streamed, so
    the evidence of `chunk` articles at most is in memory at once (not a whole day's). Which mentions
    wait for an article's evidence is held as three integer arrays (story, mention in it, article;
    12 bytes a mention), not as a Python tuple per mention."""
    chunk = BATCH
    tables = {id(s.mentions.table): s.mentions.table for s in links.stories if isinstance(s.mentions, MentionRows)}
    if len(tables) == 1 and all(isinstance(s.mentions, MentionRows) for s in links.stories):
        yield from _mention_tables_of_rows(con, links.stories, next(iter(tables.values())), chunk)
        return
    ready: list[tuple[str, StoryMention, Evidence | None]] = []
    doc_number: dict[str, int] = {}  # doc id -> number, in order of first appearance
    waiting_story, waiting_position, waiting_doc = array("i"), array("i"), array("i")
    for s, story in enumerate(links.stories):
        for position, y in enumerate(story.mentions):
            if y.evidence is None:
                waiting_story.append(s)
                waiting_position.append(position)
                waiting_doc.append(doc_number.setdefault(y.doc_id, len(doc_number)))
            else:
                ready.append((story.id, y, y.evidence))
            if len(ready) >= chunk * 16:
                yield _mention_table(ready)
                ready = []
    if ready:
        yield _mention_table(ready)
    if not waiting_doc:
        return
    # Each article's waiting mentions, in the order they were met (a stable sort by article number).
    order = np.argsort(np.frombuffer(waiting_doc, dtype=np.int32), kind="stable")
    bounds = np.searchsorted(np.frombuffer(waiting_doc, dtype=np.int32)[order], np.arange(len(doc_number) + 1))
    del waiting_doc
    done = np.zeros(len(doc_number), dtype=bool)

    def rows_of(number: int, evidence: dict[str, Evidence | None] | None) -> Iterator[tuple]:
        for k in order[bounds[number]:bounds[number + 1]].tolist():
            story = links.stories[waiting_story[k]]
            y = story.mentions[waiting_position[k]]
            yield story.id, y, None if evidence is None else evidence.get(y.event_id)

    rows: list[tuple[str, StoryMention, Evidence | None]] = []
    docs = 0
    for doc_id, column in _pages(con, "link_features", "doc_id, evidence", chunk):
        number = doc_number.get(doc_id)
        if number is None or done[number]:
            continue
        done[number] = True
        rows.extend(rows_of(number, evidence_of(column)))
        docs += 1
        if docs == chunk:
            yield _mention_table(rows)
            rows, docs = [], 0
    # Mentions of an article without stored features (none, when the links come from link_database)
    # are written without evidence.
    for number in np.flatnonzero(~done).tolist():
        rows.extend(rows_of(number, None))
    if rows:
        yield _mention_table(rows)


def _mention_tables_of_rows(con: Any, stories: Sequence, table: MentionTable, chunk: int) -> Iterator[pa.Table]:
    """_mention_tables of story events whose mentions are rows of one MentionTable (as linked): the
    columns taken from the table's, the evidence joined in from `link_features` `chunk` articles at a
    time (or the table's own, for mentions made from records), no Python object per mention."""
    lengths = np.fromiter((len(s.mentions) for s in stories), dtype=np.int64, count=len(stories))
    rows = (np.concatenate([s.mentions.row_numbers() for s in stories]) if stories else np.zeros(0, dtype=np.int64))
    story_of = np.repeat(np.arange(len(stories)), lengths)
    story_ids = pa.array([s.id for s in stories], pa.string())
    del lengths

    def piece(positions: np.ndarray, evidence: list[Evidence | None]) -> pa.Table:
        text, i32 = pa.string(), pa.int32()
        return pa.table({
            "story_id": story_ids.take(pa.array(story_of[positions])), **table.arrow_columns(rows[positions]),
            "evidence_text": _column([e.text if e else None for e in evidence], text),
            "section": _column([e.section if e else None for e in evidence], text),
            "caption_index": _column([e.caption_index if e else None for e in evidence], i32),
            "sent_start": _column([e.start if e else None for e in evidence], i32),
            "sent_end": _column([e.end if e else None for e in evidence], i32)})

    own = np.isin(rows, np.fromiter(table.evidence, dtype=np.int64)) if table.evidence else np.zeros(len(rows), bool)
    ready = np.flatnonzero(own)
    for lo in range(0, len(ready), chunk * 16):
        positions = ready[lo:lo + chunk * 16]
        yield piece(positions, [table.evidence[r] for r in rows[positions].tolist()])
    # The rest wait for their article's evidence: each article's, in the order they were met.
    waiting = np.flatnonzero(~own)
    del own, ready
    if not len(waiting):
        return
    docs = table.column("doc_id")[rows[waiting]]
    by_doc = np.argsort(docs, kind="stable")
    docs = docs[by_doc]
    done: set[int] = set()
    parts: list[np.ndarray] = []
    evidence: list[Evidence | None] = []
    for doc_id, column in _pages(con, "link_features", "doc_id, evidence", chunk):
        code = table.known_code(doc_id)
        if code is None or code in done:
            continue
        lo, hi = np.searchsorted(docs, code, "left"), np.searchsorted(docs, code, "right")
        if lo == hi:
            continue
        done.add(code)
        positions = waiting[by_doc[lo:hi]]
        of_event = evidence_of(column)
        parts.append(positions)
        evidence.extend(of_event.get(e) for e in table.decoded("event_id", rows[positions]))
        if len(parts) == chunk:
            yield piece(np.concatenate(parts), evidence)
            parts, evidence = [], []
    if parts:
        yield piece(np.concatenate(parts), evidence)
    # Mentions of an article without stored features (none, when the links come from link_database)
    # are written without evidence.
    left = waiting[by_doc[~np.isin(docs, np.fromiter(done, dtype=docs.dtype, count=len(done)))]]
    if len(left):
        yield piece(left, [None] * len(left))


def write_links(con: Any, links: Links, links_key: str = "") -> None:
    """Replace the link tables with `links` and drop the features of documents no longer stored; one
    bulk insert per table and chunk (the store's own batch append: DuckDB's INSERT from Arrow,
    PostgreSQL's COPY; the story mentions one per chunk of articles, their evidence joined in from
    `link_features`). `links_key` says which settings they were computed with from every stored
    feature (link_database); empty, the next `link` recomputes them.

    Readers see the old tables or the new ones whole, and a write that fails leaves the old ones. On
    PostgreSQL that is one transaction. On DuckDB one transaction holding a day's rows needs memory in
    proportion to them (over its 256 MB buffer limit at ~300,000 articles): the rows go into staging
    copies of the tables over several transactions of WRITE_ROWS rows, which one short transaction
    then swaps in (_write_links_staged)."""
    if dialect_of(con) is POSTGRES:
        _write_links_postgres(con, links, links_key)
    else:
        _write_links_staged(con, links, links_key)


def _write_links_postgres(con: Any, links: Links, links_key: str) -> None:
    """write_links on PostgreSQL: one transaction (its tables made with the store)."""
    append_batch = _append_batch(con)
    batch = _tables(links)
    con.execute("BEGIN TRANSACTION")
    try:
        advisory_lock(con, "links")  # two `link` runs write one after the other
        for table in LINK_TABLES:
            con.execute(f"DELETE FROM {table}")
        append_batch(con, batch)
        del batch  # written: its columns (a row per story event) are not held beside the mentions'
        for mentions in _mention_tables(con, links):
            append_batch(con, {"story_mentions": mentions})
        _drop_features_of_deleted(con, links_key)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _drop_features_of_deleted(con: Any, links_key: str) -> None:
    con.execute("DELETE FROM link_features WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
    _set_meta(con, _LINKS_KEY, links_key)


def _staging_schema() -> str:
    """CREATE TABLE statements of the staging copies of LINK_TABLES: LINK_SCHEMA's, renamed."""
    statements = []
    for statement in LINK_SCHEMA.split(";"):
        words = statement.split()
        if len(words) > 5 and words[5] in LINK_TABLES:
            statements.append(statement.replace(f"CREATE TABLE IF NOT EXISTS {words[5]} ",
                                                f"CREATE TABLE {_STAGING}{words[5]} ", 1))
    return ";".join(statements)


def _drop_staging(con: Any) -> None:
    for table in LINK_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {_STAGING}{table}")


def _write_links_staged(con: Any, links: Links, links_key: str) -> None:
    """write_links on DuckDB: the rows inserted into new staging tables (made afresh: a crashed run's
    are dropped first), committed every WRITE_ROWS rows, so no transaction holds more than that; then
    one transaction drops the old tables and renames the staging ones in their place. Made with the
    primary keys of LINK_SCHEMA (renamed whole, never emptied: DuckDB's commit of a DELETE of every row
    takes each row out of the primary-key index one by one, 5.6 of the write's 10.3 CPU s at 20,000)."""
    con.execute(LINK_SCHEMA)  # the tables to replace, in a store made before them
    _drop_staging(con)
    con.execute(_staging_schema())
    append_batch = _append_batch(con)
    try:
        con.execute("BEGIN TRANSACTION")
        pending = 0  # rows inserted in the open transaction
        for table, rows in _link_rows(con, links):
            for lo in range(0, rows.num_rows, WRITE_ROWS):
                part = rows.slice(lo, WRITE_ROWS)
                append_batch(con, {_STAGING + table: part})
                pending += part.num_rows
                if pending >= WRITE_ROWS:
                    con.execute("COMMIT")
                    con.execute("BEGIN TRANSACTION")
                    pending = 0
        for table in LINK_TABLES:
            con.execute(f"DROP TABLE {table}")
            con.execute(f"ALTER TABLE {_STAGING}{table} RENAME TO {table}")
        _drop_features_of_deleted(con, links_key)
        con.execute("COMMIT")
    except Exception:
        # The first error is the one to report: a failed COMMIT has ended its transaction already, and
        # an invalidated instance refuses both (its staging tables are dropped by the next write).
        try:
            con.execute("ROLLBACK")
        except Exception:
            pass
        try:
            _drop_staging(con)
        except Exception:
            log.warning("could not drop the link tables' staging copies after a failed write")
        raise


def _link_rows(con: Any, links: Links) -> Iterator[tuple[str, pa.Table]]:
    """(table, rows) of every link table: the three small ones whole, then the story mentions a chunk at
    a time; each table's columns let go once given."""
    batch = _tables(links)
    while batch:
        yield batch.popitem()
    for mentions in _mention_tables(con, links):
        yield "story_mentions", mentions
