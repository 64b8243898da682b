"""The store, on DuckDB and on PostgreSQL: idempotent re-ingest, one transaction per article, queries
and exports."""
import dataclasses
import json

import pytest

from eventwire.ingest.text import parse_text
from eventwire.record import Actor, ArticleRecord, Evidence, Event, Mention
from eventwire.export.table import copy_events_table
from eventwire.store.duckdb import open_store


def make_record(title="Troops shell town", body="Troops shelled the town on Monday, officials said.", url=None):
    doc = parse_text(f"{title}\n\n{body}", "t.txt", url=url, published="2021-03-01")
    ev = Evidence(body, 0, len(body), "body")
    actor = Actor("actor1", "Syrian troops", "SYRMIL", "SYR", "MIL", "group",
                  (Mention("Troops", 0, 6, "body", None, 1),), ev, "test")
    target = Actor("actor2", "Syria", "SYR", "SYR", None, "state", (Mention("town", 21, 25, "body", None, 1),), ev, "test")
    event = Event("event1", "195", ("actor1",), ("actor2",), {"value": "2021-03-01", "anchor": "published"},
                  ("asserted",), ev, "test", plover="ASSAULT", plover_mode="aerial")
    return ArticleRecord(doc, actors=(actor, target), events=(event,))


@pytest.fixture
def store(empty_db):
    with open_store(empty_db) as s:
        yield s


def test_reingest_replaces_and_never_duplicates(store):
    rec = make_record()
    assert store.write(rec) == "stored"
    assert store.write(rec) == "unchanged"
    changed = dataclasses.replace(rec, actors=rec.actors[:1], events=())
    assert store.write(changed) == "replaced"
    assert store.count("documents") == 1
    assert store.count("actors") == 1
    assert store.count("events") == 0 and store.count("event_actors") == 0


def test_same_url_is_the_same_document(store):
    store.write(make_record(url="https://news.example/1"))
    store.write(make_record(body="Troops shelled the town again on Tuesday, officials said.", url="https://news.example/1"))
    assert store.count("documents") == 1
    store.write(make_record(url="https://news.example/2"))
    assert store.count("documents") == 2


def test_failed_write_leaves_nothing_half_written(store, monkeypatch):
    store.write(make_record())
    before = {t: store.count(t) for t in ("documents", "actors", "events", "event_actors")}
    broken = dataclasses.replace(make_record(), events=(dataclasses.replace(make_record().events[0], cameo=None),)
                                 * 2)  # duplicate event ids violate the primary key mid-write
    with pytest.raises(Exception):
        store.write(broken)
    assert {t: store.count(t) for t in before} == before
    assert store.records().__next__()["events"][0]["cameo"] == "195"


def test_search_events_and_filters(store):
    store.write(make_record())
    (row,) = store.search_events()["items"]
    assert (row["cameo"], row["date"]) == ("195", "2021-03-01")
    assert ([a["code"] for a in row["source"]], [a["code"] for a in row["target"]]) == (["SYRMIL"], ["SYR"])

    def total(**filters):
        return store.search_events(**filters)["total"]

    assert total(actor="SYRMIL") == 1 and total(actor="troops") == 1 and total(actor="RUS") == 0
    assert total(country="SYR") == 1 and total(country="RUS") == 0
    assert total(cameo="19") == 1 and total(cameo="18") == 0
    assert total(since="2021-03", until="2021-03") == 1 and total(since="2021-04") == 0


def test_exports_count_the_rows_they_write(store, tmp_path):
    store.write(make_record())
    assert copy_events_table(store, str(tmp_path / "e.csv"), "csv") == 1
    header = (tmp_path / "e.csv").read_text().splitlines()[0].split(",")
    assert {"date", "cameo", "source_codes", "target_codes", "evidence"} <= set(header)
    assert copy_events_table(store, str(tmp_path / "e.parquet"), "parquet") == 1
    assert copy_events_table(store, str(tmp_path / "none.csv"), "csv", {"cameo": "18"}) == 0
    import duckdb

    assert duckdb.sql(f"SELECT cameo FROM '{tmp_path / 'e.parquet'}'").fetchall() == [("195",)]
    (record,) = store.records()
    assert record["document"]["title"] == "Troops shell town"
    json.dumps(record)


def test_failures_are_kept_until_the_input_succeeds(store):
    store.record_failure("t.txt", "empty input")
    assert store.count("failures") == 1
    store.write(make_record())
    assert store.count("failures") == 0


def test_clearing_a_batch_of_inputs_forgets_their_failures_and_their_entries_only(empty_db):
    """One statement for a batch's inputs forgets what clear_failures forgets for each: the input
    itself and its entries ("loc#n", "loc:line"), the location read literally (no LIKE wildcards)."""
    sources = ["in/a.jsonl", "in/a.jsonl#3", "in/a.jsonl:7", "in/a.jsonlx", "in/a.jsonl2#1",
               "in/b_%.txt", "in/b_%.txt#2", "in/bx%.txt#2", "in/c.txt"]
    with open_store(empty_db) as store:
        for source in sources:
            store.record_failure(source, "bad")
        store.clear_failures_of(["in/a.jsonl", "in/b_%.txt", "in/a.jsonl"])
        assert [s for s, _ in store.failures()] == ["in/a.jsonl2#1", "in/a.jsonlx", "in/bx%.txt#2", "in/c.txt"]


def test_a_runs_inputs_are_looked_up_at_once_with_input_dones_answers(empty_db):
    """inputs_done (the driver's plan, one statement on DuckDB) answers what input_done answers for
    each input: done only with the same size, mtime and settings fingerprint, never without a size."""
    with open_store(empty_db) as store:
        store.mark_inputs([("in/a.txt", 10, 100, "fp", 2, 0), ("in/b.txt", 20, 200, "fp", 1, 1),
                           ("in/c.txt", 30, 300, "old", 1, 0), ("in/d.txt", 40, 400, "fp", 3, 0)])
        asked = [("in/a.txt", 10, 100), ("in/b.txt", 20, 200), ("in/c.txt", 30, 300), ("in/d.txt", 40, 401),
                 ("in/e.txt", 50, 500), ("in/a.txt", None, None), ("in/b.txt", 20, 200)]
        expected = {("in/a.txt", 10, 100): (2, 0), ("in/b.txt", 20, 200): (1, 1)}
        store.con.execute("SELECT 1 UNION ALL SELECT 2").fetchone()  # a caller's result left unfinished
        assert store.inputs_done(asked, "fp") == expected
        assert {(loc, size, mtime): done for loc, size, mtime in asked
                if (done := store.input_done(loc, size, mtime, "fp")) is not None} == expected
        assert store.inputs_done([("in/d.txt", 40, 400)], "fp") == {("in/d.txt", 40, 400): (3, 0)}
        assert store.inputs_done([], "fp") == {}


def test_a_reopened_store_takes_registered_tables_at_once(tmp_path):
    """Opening an existing store reads its schema version; that read must be finished, or DuckDB
    refuses the next `register` on the connection (a bulk write into the reopened store)."""
    import pyarrow as pa

    db = str(tmp_path / "reopened.duckdb")
    with open_store(db) as s:
        assert s.write(make_record()) == "stored"
    with open_store(db) as s:
        s.con.register("incoming", pa.table({"doc_id": ["x"]}))
        assert s.con.execute("SELECT count(*) FROM incoming").fetchall() == [(1,)]
        s.con.unregister("incoming")


def _row_groups(con, table):
    return con.execute(f"SELECT count(DISTINCT row_group_id), max(count) FROM pragma_storage_info('{table}') "
                       "WHERE column_id = 0").fetchone()


def test_writers_append_in_the_stores_row_groups_and_a_later_writer_keeps_them(tmp_path, monkeypatch):
    from eventwire.store import access

    monkeypatch.setattr(access, "ROW_GROUP_SIZE", 2048)
    db = access.Database(str(tmp_path / "rows.duckdb"))
    with db.writing() as s:  # one large append in one transaction, as a day's link features are loaded
        s.con.execute("CREATE TABLE wide (i BIGINT, s VARCHAR)")
        s.con.execute("BEGIN TRANSACTION")
        s.con.execute("INSERT INTO wide SELECT range, repeat('x', 50 + range % 7) FROM range(5000)")
        s.con.execute("COMMIT")
        assert s.con.cursor().execute("SELECT count(*) FROM wide").fetchone() == (5000,)  # a cursor sees the file
    with db.writing() as s:  # another batch, checkpointed as it closes: the groups are not merged again
        s.con.execute("CREATE TABLE other (i INTEGER)")
        s.con.execute("INSERT INTO other VALUES (1)")
    with db.reading() as s:
        assert _row_groups(s.con, "wide") == (3, 2048)
        assert s.con.execute("SELECT count(*), sum(i), sum(length(s)) FROM wide").fetchone() == (
            5000, sum(range(5000)), sum(50 + i % 7 for i in range(5000)))


def test_two_read_write_stores_open_at_once_in_one_process_share_one_instance(tmp_path):
    """serve --watch holds the watcher's store and the API's at once: the second shares the first's
    DuckDB instance (a process attaches a file once), and a store opened after both closed attaches
    the file again."""
    path = str(tmp_path / "two.duckdb")
    first = open_store(path, wait=1)
    second = open_store(path, wait=1)  # would wait for the first and fail if it did not share
    first.write(make_record())
    assert second.con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
    second.close()
    assert first.con.execute("SELECT count(*) FROM documents").fetchone() == (1,)  # the first stays open
    first.close()
    with open_store(path, wait=1) as third:
        assert third.con.execute("SELECT count(*) FROM documents").fetchone() == (1,)
