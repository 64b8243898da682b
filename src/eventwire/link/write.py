"""Writing the link tables (link_database's last step): `duplicate_of`, `story_events`,
`story_mentions` and `article_clusters` replaced with a run's Links, the story mentions' evidence
joined in from the stored features (`link_features`) a chunk of articles at a time, so memory never
holds a day's evidence.

On PostgreSQL one transaction. On DuckDB the rows go into staging copies of the tables over
transactions of WRITE_ROWS rows, which one short transaction then swaps in: readers see the old
tables or the new ones whole, and a write that fails leaves the old ones.
"""
from __future__ import annotations

import logging
from array import array
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from eventwire.link import Links
from eventwire.link.features import evidence_fields, evidence_of
from eventwire.link.mentions import MentionRows, MentionTable, StoryMention
from eventwire.link.story_events import StoryEvents
from eventwire.link.queries import LINKS_KEY, append_batch_of, pages
from eventwire.record import Evidence
from eventwire.store.dialect import POSTGRES, dialect_of
from eventwire.store.postgres import advisory_lock
from eventwire.store.schema import LINK_SCHEMA, LINK_TABLES, link_table_sql, set_meta_value

__all__ = ["write_links"]

log = logging.getLogger(__name__)

EVIDENCE_ARTICLES = 500  # articles whose stored evidence is joined into one chunk of story mentions
WRITE_ROWS = 25_000  # DuckDB: link table rows written in one transaction (write_links)
_STAGING = "staging_"  # DuckDB: the prefix of the link tables' copies write_links fills, then renames
_NO_EVIDENCE = (None,) * 5  # the evidence fields of a mention without any


def _column(values: list, kind: pa.DataType) -> pa.Array:
    return pa.array(values, type=kind)


def _duplicates_table(links: Links) -> pa.Table:
    """The `duplicate_of` rows (columns in schema order)."""
    pair_of = {p.doc_id: p for p in links.duplicates}
    copies = sorted(links.duplicate_of.items())
    f64, text = pa.float64(), pa.string()
    return pa.table({
        "doc_id": _column([c for c, _ in copies], text), "duplicate_of": _column([o for _, o in copies], text),
        "jaccard": _column([getattr(pair_of.get(c), "jaccard", None) for c, _ in copies], f64),
        "containment": _column([getattr(pair_of.get(c), "containment", None) for c, _ in copies], f64)})


def _story_events_table(s: Sequence) -> pa.Table:
    """The `story_events` rows of story events `s` (columns in schema order)."""
    i32, f64, text = pa.int32(), pa.float64(), pa.string()
    return pa.table({
        "story_id": _column([x.id for x in s], text), "cameo_root": _column([x.cameo_root for x in s], text),
        "plover_type": _column([x.plover for x in s], text), "date_start": _column([x.date_start for x in s], text),
        "date_end": _column([x.date_end for x in s], text), "place": _column([x.place for x in s], text),
        "lat": _column([x.lat for x in s], f64), "lon": _column([x.lon for x in s], f64),
        "actors": _column([list(x.actors) for x in s], pa.list_(text)),
        "num_articles": _column([x.num_articles for x in s], i32), "num_sources": _column([x.num_sources for x in s], i32),
        "num_mentions": _column([x.num_mentions for x in s], i32), "first_seen": _column([x.first_seen for x in s], text),
        "last_seen": _column([x.last_seen for x in s], text)})


def _clusters_table(links: Links) -> pa.Table:
    """The `article_clusters` rows (columns in schema order)."""
    clusters = sorted(links.article_cluster.items())
    return pa.table({"doc_id": _column([d for d, _ in clusters], pa.string()),
                     "cluster_id": _column([c for _, c in clusters], pa.string())})


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
    chunk = EVIDENCE_ARTICLES
    stories = links.stories
    if isinstance(stories, StoryEvents):  # as linked: read from its columns, no StoryEvent made
        ids = pc.binary_join_element_wise("story-", pa.array(np.arange(1, len(stories) + 1)).cast(pa.string()), "")
        yield from _mention_tables_of_rows(con, stories.rows, stories.story_of_rows(), ids, stories.table, chunk)
        return
    tables = {id(s.mentions.table): s.mentions.table for s in stories if isinstance(s.mentions, MentionRows)}
    if len(tables) == 1 and all(isinstance(s.mentions, MentionRows) for s in stories):
        lengths = np.fromiter((len(s.mentions) for s in stories), dtype=np.int64, count=len(stories))
        rows = (np.concatenate([s.mentions.row_numbers() for s in stories]) if stories
                else np.zeros(0, dtype=np.int64))
        yield from _mention_tables_of_rows(con, rows, np.repeat(np.arange(len(stories)), lengths),
                                           pa.array([s.id for s in stories], pa.string()),
                                           next(iter(tables.values())), chunk)
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
    for doc_id, column in pages(con, "link_features", "doc_id, evidence", chunk):
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


def _mention_tables_of_rows(con: Any, rows: np.ndarray, story_of: np.ndarray, story_ids: pa.Array,
                            table: MentionTable, chunk: int) -> Iterator[pa.Table]:
    """_mention_tables of story events whose mentions are rows of one MentionTable (as linked): `rows`
    in story event order, the number of each one's story event (`story_of`), the story ids; the columns
    taken from the table's, the evidence joined in from `link_features` `chunk` articles at a time (or
    the table's own, for mentions made from records), no Python object per mention."""

    def piece(positions: np.ndarray, fields: list[list]) -> pa.Table:
        # `fields`: the rows' evidence as five columns: text, start, end, section, caption_index.
        text, i32 = pa.string(), pa.int32()
        return pa.table({
            "story_id": story_ids.take(pa.array(story_of[positions])), **table.arrow_columns(rows[positions]),
            "evidence_text": _column(fields[0], text), "section": _column(fields[3], text),
            "caption_index": _column(fields[4], i32), "sent_start": _column(fields[1], i32),
            "sent_end": _column(fields[2], i32)})

    own = np.isin(rows, np.fromiter(table.evidence, dtype=np.int64)) if table.evidence else np.zeros(len(rows), bool)
    ready = np.flatnonzero(own)
    for lo in range(0, len(ready), chunk * 16):
        positions = ready[lo:lo + chunk * 16]
        evidence = [table.evidence[r] for r in rows[positions].tolist()]
        yield piece(positions, [[e.text for e in evidence], [e.start for e in evidence], [e.end for e in evidence],
                                [e.section for e in evidence], [e.caption_index for e in evidence]])
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
    fields: list[list] = [[] for _ in _NO_EVIDENCE]
    for doc_id, column in pages(con, "link_features", "doc_id, evidence", chunk):
        code = table.known_code(doc_id)
        if code is None or code in done:
            continue
        # As `docs`' own type: with a Python int numpy converts the whole of `docs` at each search
        # (quadratic: 3.8 of the write's 6.6 CPU s at 20,000 articles).
        key = docs.dtype.type(code)
        lo, hi = np.searchsorted(docs, key, "left"), np.searchsorted(docs, key, "right")
        if lo == hi:
            continue
        done.add(code)
        positions = waiting[by_doc[lo:hi]]
        of_event = evidence_fields(column)
        parts.append(positions)
        values = [of_event.get(e) or _NO_EVIDENCE for e in table.decoded("event_id", rows[positions])]
        for k, field in enumerate(fields):  # a column at a time: cheaper than transposing the rows after
            field.extend([v[k] for v in values])
        if len(parts) == chunk:
            yield piece(np.concatenate(parts), fields)
            parts, fields = [], [[] for _ in _NO_EVIDENCE]
    if parts:
        yield piece(np.concatenate(parts), fields)
    # Mentions of an article without stored features (none, when the links come from link_database)
    # are written without evidence.
    left = waiting[by_doc[~np.isin(docs, np.fromiter(done, dtype=docs.dtype, count=len(done)))]]
    if len(left):
        yield piece(left, [[None] * len(left) for _ in _NO_EVIDENCE])


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
    append_batch = append_batch_of(con)
    con.execute("BEGIN TRANSACTION")
    try:
        advisory_lock(con, "links")  # two `link` runs write one after the other
        for table in LINK_TABLES:
            con.execute(f"DELETE FROM {table}")
        for table, rows in _link_rows(con, links):
            append_batch(con, {table: rows})
        _drop_features_of_deleted(con, links_key)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _drop_features_of_deleted(con: Any, links_key: str) -> None:
    con.execute("DELETE FROM link_features WHERE doc_id NOT IN (SELECT doc_id FROM documents)")
    set_meta_value(con, LINKS_KEY, links_key)


def _drop_staging(con: Any) -> None:
    for table in LINK_TABLES:
        con.execute(f"DROP TABLE IF EXISTS {_STAGING}{table}")


def _write_links_staged(con: Any, links: Links, links_key: str) -> None:
    """write_links on DuckDB: the rows inserted into new staging tables (made afresh: a crashed run's
    are dropped first), committed every WRITE_ROWS rows, so no transaction holds more than that; then
    one transaction drops the old tables and renames the staging ones in their place. Made with the
    tables' columns and primary keys (store/schema.py, link_table_sql) and renamed whole, never emptied:
    DuckDB's commit of a DELETE of every row takes each row out of the primary-key index one by one
    (5.6 of the write's 10.3 CPU s at 20,000)."""
    con.execute(LINK_SCHEMA)  # the tables to replace, in a store made before them
    _drop_staging(con)
    for table in LINK_TABLES:
        con.execute(link_table_sql(table, _STAGING + table))
    append_batch = append_batch_of(con)
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
    """(table, rows) of every link table: the duplicates and clusters whole, the story events
    WRITE_ROWS at a time (made whole, the 271,602 of a 50,000-article day raised the RSS by 102 MB for
    43 MB of Arrow columns: ~600 MB at 300,000), then the story mentions a chunk at a time; each
    table's columns let go once given."""
    yield "duplicate_of", _duplicates_table(links)
    yield "article_clusters", _clusters_table(links)
    stories = links.stories
    for lo in range(0, len(stories), WRITE_ROWS):
        yield "story_events", _story_events_table(stories[lo:lo + WRITE_ROWS])
    for mentions in _mention_tables(con, links):
        yield "story_mentions", mentions
