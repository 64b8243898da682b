"""Linking what a store holds: records streamed from it in batches, link tables written in bulk.

The records are read under the store's read lock and reduced as they come (see link_records), so
memory holds what linking compares, never every record; the link tables are then replaced in one
short write, each table by one columnar insert from a data frame rather than row by row.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pyarrow as pa

from eventwire.link import Links, link_records
from eventwire.link.load import LINKED_PARTS, record_from_json
from eventwire.store.dialect import POSTGRES, dialect_of
from eventwire.store.postgres import advisory_lock
from eventwire.store.schema import LINK_SCHEMA, LINK_TABLES

__all__ = ["link_database", "stored_records", "write_links"]

log = logging.getLogger(__name__)

BATCH = 500  # records fetched from the store at a time


def stored_records(con: Any, batch: int = BATCH) -> Iterator[Any]:
    """Every stored article as an ArticleRecord holding what linking reads (LINKED_PARTS), read `batch`
    rows at a time, so memory never holds more than one page of record JSON: by row id on DuckDB, by
    document id (its index) on PostgreSQL, which has no stable row numbers."""
    if dialect_of(con) is POSTGRES:
        after = ""
        while rows := con.execute("SELECT doc_id, record FROM documents WHERE doc_id > ? ORDER BY doc_id LIMIT ?",
                                  [after, batch]).fetchall():
            after = rows[-1][0]
            for _, text in rows:
                yield record_from_json(json.loads(text) if isinstance(text, str) else text, LINKED_PARTS)
        return
    lo, hi = con.execute("SELECT min(rowid), max(rowid) FROM documents").fetchone()
    if lo is None:
        return
    for start in range(lo, hi + 1, batch):
        rows = con.execute("SELECT record FROM documents WHERE rowid >= ? AND rowid < ?",
                           [start, start + batch]).fetchall()
        for (text,) in rows:
            yield record_from_json(json.loads(text), LINKED_PARTS)


def link_database(db: Any, settings: Any = None, article_settings: Any = None) -> Links:
    """Link every stored article of a Database (store/access.py) or an open Store and replace the link
    tables with the result; returns the Links."""
    with db.reading() as store:
        links = link_records(stored_records(store.con), settings, article_settings)
    with db.writing() as store:
        write_links(store.con, links)
    log.info("linked %d articles: %d near-duplicates, %d story events", len(links.article_cluster),
             len(links.duplicate_of), len(links.stories))
    return links


def _frames(links: Links) -> dict[str, pd.DataFrame]:
    pair_of = {p.doc_id: p for p in links.duplicates}
    copies = sorted(links.duplicate_of.items())
    duplicates = pd.DataFrame({
        "doc_id": [c for c, _ in copies], "duplicate_of": [o for _, o in copies],
        "jaccard": pd.array([getattr(pair_of.get(c), "jaccard", None) for c, _ in copies], dtype="Float64"),
        "containment": pd.array([getattr(pair_of.get(c), "containment", None) for c, _ in copies], dtype="Float64")})
    s = links.stories
    stories = pd.DataFrame({
        "story_id": [x.id for x in s], "cameo_root": [x.cameo_root for x in s], "plover_type": [x.plover for x in s],
        "date_start": [x.date_start for x in s], "date_end": [x.date_end for x in s], "place": [x.place for x in s],
        "lat": pd.array([x.lat for x in s], dtype="Float64"), "lon": pd.array([x.lon for x in s], dtype="Float64"),
        "actors": [list(x.actors) for x in s], "num_articles": [x.num_articles for x in s],
        "num_sources": [x.num_sources for x in s], "num_mentions": [x.num_mentions for x in s],
        "first_seen": [x.first_seen for x in s], "last_seen": [x.last_seen for x in s]})
    m = [(x.id, y) for x in s for y in x.mentions]
    mentions = pd.DataFrame({
        "story_id": [sid for sid, _ in m], "doc_id": [y.doc_id for _, y in m], "event_id": [y.event_id for _, y in m],
        "outlet": [y.outlet for _, y in m], "published": [y.published for _, y in m],
        "date_start": [y.date_start for _, y in m], "date_end": [y.date_end for _, y in m],
        "date_weak": [y.date_weak for _, y in m], "duplicate_of": [y.duplicate_of for _, y in m],
        "evidence_text": [y.evidence.text for _, y in m], "section": [y.evidence.section for _, y in m],
        "caption_index": pd.array([y.evidence.caption_index for _, y in m], dtype="Int32"),
        "sent_start": pd.array([y.evidence.start for _, y in m], dtype="Int32"),
        "sent_end": pd.array([y.evidence.end for _, y in m], dtype="Int32")})
    clusters = sorted(links.article_cluster.items())
    article_clusters = pd.DataFrame({"doc_id": [d for d, _ in clusters], "cluster_id": [c for _, c in clusters]})
    return {"duplicate_of": duplicates, "story_events": stories, "story_mentions": mentions,
            "article_clusters": article_clusters}


def write_links(con: Any, links: Links) -> None:
    """Replace the link tables with `links` in one transaction, one bulk insert per table (the
    store's own batch append: DuckDB's INSERT from Arrow, PostgreSQL's COPY)."""
    if dialect_of(con) is POSTGRES:
        from eventwire.store.postgres import append_batch
    else:
        from eventwire.store.writes import append_batch
        con.execute(LINK_SCHEMA)
    batch = {table: pa.Table.from_pandas(frame, preserve_index=False) for table, frame in _frames(links).items()}
    con.execute("BEGIN TRANSACTION")
    try:
        advisory_lock(con, "links")  # PostgreSQL: two `link` runs write one after the other
        for table in LINK_TABLES:
            con.execute(f"DELETE FROM {table}")
        append_batch(con, {table: batch[table] for table in LINK_TABLES})
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
