"""A DuckDB store's events table kept in date order, so that a page of events reads a few row groups.

A page of events (store/queries.py search_events) is a top-N on `date_iso`: DuckDB pushes the
top-N's running threshold into the scan as a filter on that column, and the row groups' min/max
then skip every row group that cannot hold a row of the page, but only where the rows lie in
date order. Batches arrive in no date order (a corpus of old articles, several feeds at once, an
article's events spread over years), so each row group would span every date and a page would read
the whole table (1M events: 20-35 ms of CPU a page, against 5-6 ms in date order).

So after a batch commits, the writer rewrites the events table sorted in the pages' order (date
NULLs first, then doc_id, event_id) once the documents stored since the last rewrite (their
`ingested_at` later than the latest one it rewrote, kept in the meta table) are more than
UNSORTED_SHARE of the others and at least UNSORTED_MIN_DOCUMENTS. The unsorted tail, which every
page reads whole, so stays under about a fifth of the table, and each event is rewritten about
(1 + UNSORTED_SHARE) / UNSORTED_SHARE = 6 times over the store's life (5-8 s of CPU per million
events per rewrite on this machine). Counting documents by their stamp needs no counter that every
batch updates (two writers of one instance, `serve --watch`, would conflict on it); a replaced
document is stamped again, so it counts as new.

No answer depends on the rows' physical order: every read orders itself (the facet table's
positional join reads one generation's scan order, which a rewrite, a write, starts anew).
PostgreSQL stores are left as they are (no zone maps; their planner reads no table in order).
"""
from __future__ import annotations

import logging
import re
from typing import Any

from eventwire.store.schema import meta_value

__all__ = ["UNSORTED_SHARE", "UNSORTED_MIN_DOCUMENTS", "keep_in_date_order", "rewrite_in_date_order"]

log = logging.getLogger(__name__)

UNSORTED_SHARE = 0.2
UNSORTED_MIN_DOCUMENTS = 10_000  # about 100,000 events: a top-N over that many out of order costs 2-3 ms
# The rewrite's sort spills to disk beyond this (1M events sorted in memory took 1.4 GB of RSS;
# with this cap, 0.5 GB and 30% more CPU).
SORT_MEMORY = "400MB"
_META_KEY = "events_in_date_order_through"  # the latest ingested_at of the documents last rewritten
_ORDER = "date_iso NULLS FIRST, doc_id, event_id"


def _documents(con: Any) -> tuple[int, int]:
    """(documents stored since the last rewrite, all documents); every one in a store never rewritten."""
    through = meta_value(con, _META_KEY)
    if through is None:
        total = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        return total, total
    return con.execute("SELECT count(*) FILTER (WHERE ingested_at > CAST(? AS TIMESTAMP)), count(*) FROM documents",
                       [through]).fetchone()


def keep_in_date_order(con: Any) -> bool:
    """Rewrite the events table in date order when the documents stored since the last rewrite are
    more than UNSORTED_SHARE of the others and at least UNSORTED_MIN_DOCUMENTS; whether it was
    rewritten. A DuckDB connection opened read-write, outside a transaction."""
    unsorted, total = _documents(con)
    if unsorted < max(UNSORTED_MIN_DOCUMENTS, 1) or unsorted <= UNSORTED_SHARE * (total - unsorted):
        return False
    rewrite_in_date_order(con)
    return True


def rewrite_in_date_order(con: Any) -> None:
    """The events table rewritten in the pages' order, in one transaction (the same definition, key
    and rows), and the documents it holds noted as rewritten."""
    ddl = con.execute("SELECT sql FROM duckdb_tables() WHERE table_name = 'events' "
                      "AND schema_name = current_schema()").fetchone()[0]
    created, count = re.subn(r"^CREATE TABLE (?:\w+\.)?\"?events\"?\s*\(", "CREATE TABLE events_in_date_order(", ddl)
    if count != 1:
        raise RuntimeError(f"unexpected definition of the events table: {ddl[:80]}")
    memory, progress = con.execute(
        "SELECT current_setting('memory_limit'), current_setting('enable_progress_bar')").fetchone()
    con.execute(f"SET memory_limit = '{SORT_MEMORY}'")
    con.execute("SET enable_progress_bar = false")  # a library does not print (DuckDB's bar shows after 2 s)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(created)
        con.execute(f"INSERT INTO events_in_date_order SELECT * FROM events ORDER BY {_ORDER}")
        con.execute("DROP TABLE events")
        con.execute("ALTER TABLE events_in_date_order RENAME TO events")
        con.execute("""INSERT INTO meta SELECT ?, coalesce(CAST(max(ingested_at) AS VARCHAR), '-infinity')
            FROM documents ON CONFLICT (key) DO UPDATE SET value = excluded.value""", [_META_KEY])
        con.execute("COMMIT")
    except BaseException:
        try:
            con.execute("ROLLBACK")
        except Exception:  # after a storage fault the instance is invalid: the first error is the one to report
            pass
        raise
    finally:
        try:
            con.execute(f"SET memory_limit = '{memory}'")
            con.execute(f"SET enable_progress_bar = {bool(progress)}")
        except Exception:  # an invalidated instance: the error above is the one to report
            pass
    log.info("events table rewritten in date order")
