"""Pages of events in the documented order (newest first, undated last, ties by doc_id then event_id),
read on the raw date column (store/queries.py), on both backends and with undated events; the
writer storing no empty date; and the events table rewritten in date order (store/date_order.py)
with the same rows, definition and key."""
import dataclasses

import duckdb
import pytest

import eventwire
from eventwire.store import date_order
from eventwire.store.access import Database
from eventwire.store.duckdb import open_store
from eventwire.store.rows import article_batch

from test_store_batch import contents

TEXT = ("Rebels ambush convoy\n\nRebels ambushed an army convoy south of Aleppo on Monday, killing 12 soldiers, "
        "the Syrian Observatory said. Russian and Turkish diplomats met in Geneva to discuss a ceasefire.")
# Dates in no order, undated events (None, and "" as a hand-made record may give), several ties.
DATES = ["2021-03-01", "2019", None, "2020-07", "2021-03-01", "", "2018-11-30", "2022-01-15", None, "2019",
         "2020-07-04", "2021-03"]


@pytest.fixture(scope="module")
def base():
    record = eventwire.extract_text(TEXT, published="2021-03-05", url="https://news.example/0")
    assert record.events
    return record


def dated(base, number: int):
    """Document `number`: three events, each with a date drawn from DATES (some undated)."""
    doc = dataclasses.replace(base.document, id=f"doc{(number * 7) % 31:03d}-{number}", source=f"in/{number}.txt",
                              url=f"https://news.example/{number}")
    event = base.events[0]
    events = tuple(dataclasses.replace(event, id=f"e{k}", date={**event.date, "date": DATES[(number * 5 + k) % len(DATES)],
                                                                 "date_grain": "day"})
                   for k in range(3))
    return dataclasses.replace(base, document=doc, events=events)


def page_order(store) -> list[tuple]:
    """The events in the documented order: by the date (undated as the empty date), doc_id, event_id."""
    rows = store.con.execute("SELECT date_iso, doc_id, event_id FROM events").fetchall()
    return sorted(((d or "", doc, ev) for d, doc, ev in rows), reverse=True)


def walk(store, order: str, limit: int) -> list[tuple]:
    seen, after = [], None
    while True:
        page = store.search_events(order=order, limit=limit, after=after)
        seen += [(e["date"] or "", e["doc_id"], e["event_id"]) for e in page["items"]]
        after = page["next"]
        if after is None:
            return seen


def test_pages_follow_the_documented_order_with_undated_events(empty_db, base):
    with open_store(empty_db) as store:
        store.write_batch(article_batch([dated(base, n) for n in range(24)]))
        expected = page_order(store)
        assert ("", expected[-1][1], expected[-1][2]) == expected[-1]  # undated events are there, last
        assert [k[0] for k in expected].count("") == 3 * 24 * 3 // len(DATES)
        for limit in (1, 4, 7, 50):
            assert walk(store, "desc", limit) == expected
            assert walk(store, "asc", limit) == expected[::-1]
        by_offset = store.search_events(order="desc", limit=5, offset=60)["items"]
        assert [(e["date"] or "", e["doc_id"], e["event_id"]) for e in by_offset] == expected[60:65]
        # A filter and a cursor together: the filter's events in the same order.
        doc_id = expected[-1][1]  # a document with an undated event
        seen, after = [], None
        while True:
            page = store.search_events(order="desc", limit=1, after=after, doc_id=doc_id)
            seen += [(e["date"] or "", e["doc_id"], e["event_id"]) for e in page["items"]]
            if (after := page["next"]) is None:
                break
        assert seen == [k for k in expected if k[1] == doc_id] and len(seen) == 3


def test_the_writer_stores_no_empty_date_and_an_old_store_loses_its_own(tmp_path, base):
    path = str(tmp_path / "s.duckdb")
    with open_store(path) as store:
        store.write_batch(article_batch([dated(base, n) for n in range(4)]))
        assert store.con.execute("SELECT count(*) FROM events WHERE date_iso = ''").fetchone()[0] == 0
        undated = store.con.execute("SELECT count(*) FROM events WHERE date_iso IS NULL").fetchone()[0]
        assert undated == sum(DATES[(n * 5 + k) % len(DATES)] in (None, "") for n in range(4) for k in range(3)) > 0
        store.con.execute("UPDATE events SET date_iso = '' WHERE date_iso IS NULL")  # as an earlier writer left it
    with Database(path).writing() as store:  # opened for writing: the schema's upgrades run
        assert store.con.execute("SELECT count(*) FROM events WHERE date_iso = ''").fetchone()[0] == 0
        assert store.con.execute("SELECT count(*) FROM events WHERE date_iso IS NULL").fetchone()[0] == undated


def physical(con) -> list[tuple]:
    return [(d or "", doc, ev) for d, doc, ev in con.execute(
        "SELECT date_iso, doc_id, event_id FROM events ORDER BY rowid").fetchall()]


def test_the_events_table_is_rewritten_in_date_order_once_enough_came_out_of_order(tmp_path, base, monkeypatch):
    monkeypatch.setattr(date_order, "UNSORTED_MIN_DOCUMENTS", 5)
    records = [dated(base, n) for n in range(40)]
    path, plain = str(tmp_path / "kept.duckdb"), str(tmp_path / "plain.duckdb")
    with open_store(path) as store:
        store.write_batch(article_batch(records[:10]))  # 10 documents, none in order before: rewritten
        rows = physical(store.con)
        assert rows == sorted(rows) and len(rows) == 30
        store.write_batch(article_batch(records[10:12]))  # 2 more: not over a fifth of 10, left at the end
        rows = physical(store.con)
        assert rows[:30] == sorted(rows[:30]) and rows[30:] == [k for k in rows if k[1] in
                                                                 {r.document.id for r in records[10:12]}]
        assert rows != sorted(rows)
        # 6 documents more: 8 new against 10 rewritten, over the share: rewritten, the new ones in place.
        store.write_batch(article_batch(records[12:18]))
        rows = physical(store.con)
        assert rows == sorted(rows) and len(rows) == 54
        # A replaced document is stored anew: it counts towards the next rewrite.
        edited = dataclasses.replace(records[3], events=records[3].events[:2])
        store.write_batch(article_batch([edited, *records[18:21]]))
        assert physical(store.con) != sorted(physical(store.con))
        store.write_batch(article_batch(records[21:22]))  # 5 documents stored since: at the minimum, rewritten
        assert physical(store.con) == sorted(physical(store.con))
        # The same definition and key as the table it replaced.
        with pytest.raises(duckdb.ConstraintException):
            store.con.execute("INSERT INTO events (doc_id, event_id) SELECT doc_id, event_id FROM events LIMIT 1")
        columns = store.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                    "WHERE table_name = 'events' ORDER BY ordinal_position").fetchall()
    monkeypatch.setattr(date_order, "UNSORTED_MIN_DOCUMENTS", 10**9)  # never rewritten
    with open_store(plain) as store:
        for batch in (records[:10], records[10:12], records[12:18], [edited, *records[18:21]], records[21:22]):
            store.write_batch(article_batch(batch))
        assert physical(store.con) != sorted(physical(store.con))
        assert store.con.execute("SELECT column_name, data_type FROM information_schema.columns "
                                 "WHERE table_name = 'events' ORDER BY ordinal_position").fetchall() == columns
    assert contents(path) == contents(plain)
