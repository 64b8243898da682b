"""Batched store writes (store/rows.py, store/writes.py): a batch of N articles is stored as N
single writes would store them, re-ingesting stays idempotent, one bad article costs only itself,
and a crash before the batch commits leaves nothing of it."""
import dataclasses
import subprocess
import sys
import textwrap

import duckdb
import pytest

import eventwire
from eventwire.ingest.text import parse_text
from eventwire.record import Actor, ArticleRecord, Caption, Evidence, Event, Mention, RelatedLink
from eventwire.store import writes
from eventwire.store.access import is_storage_failure
from eventwire.store.duckdb import open_store
from eventwire.store.rows import TABLES, ArticleBatch, article_batch

TEXTS = [
    "Rebels ambush convoy\n\nRebels ambushed an army convoy south of Aleppo on Monday, killing 12 soldiers, "
    "the Syrian Observatory said.",
    "Talks in Geneva\n\nRussian and Turkish diplomats met in Geneva on 3 March 2021 to discuss a ceasefire. "
    '"We want peace," the Turkish foreign minister told reporters.',
    "Floods displace thousands\n\nHeavy floods displaced more than 5,000 families in northern Nigeria last week, "
    "officials said.",
    "Protest in Nairobi\n\nThousands of teachers marched through Nairobi on Tuesday to demand higher wages.",
]


@pytest.fixture(scope="module")
def records():
    """Real records of the pipeline (actors, places, times, quantities, quotes, events), plus one
    with captions and related links."""
    out = [eventwire.extract_text(text, published="2021-03-05", url=f"https://news.example/{i}")
           for i, text in enumerate(TEXTS)]
    doc = dataclasses.replace(out[0].document, id="captioned", source="captioned.html",
                              captions=(Caption("Smoke over Aleppo", "AFP"), Caption("A convoy")),
                              related=(RelatedLink("Earlier: clashes", "https://news.example/old"),))
    return out + [dataclasses.replace(out[0], document=doc)]


def contents(where) -> dict[str, list[tuple]]:
    """Every document table's rows, sorted (ingested_at left out: it is the time of the write), of
    a database file or an open Store."""
    con = duckdb.connect(where, read_only=True) if isinstance(where, str) else where.con
    try:
        out = {}
        for table, schema in TABLES.items():
            columns = ", ".join(f'"{c}"' for c in schema.names if c != "ingested_at")
            out[table] = sorted(con.execute(f"SELECT {columns} FROM {table}").fetchall(), key=repr)
        return out
    finally:
        if isinstance(where, str):
            con.close()


def test_arrow_columns_are_the_store_tables_columns_in_order(tmp_path):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        for table, schema in TABLES.items():
            columns = [r[0] for r in store.con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table]).fetchall()]
            assert columns == schema.names, table


def test_a_batch_of_n_articles_stores_what_n_single_writes_store(tmp_path, records):
    assert sum(len(r.events) for r in records) >= 4 and any(r.quantities for r in records)
    single, batched = str(tmp_path / "single.duckdb"), str(tmp_path / "batch.duckdb")
    with open_store(single) as store:
        assert [store.write(r) for r in records] == ["stored"] * len(records)
    with open_store(batched) as store:
        assert store.write_batch(article_batch(records)) == ["stored"] * len(records)
        assert store.count("documents") == len(records)
    one, many = contents(single), contents(batched)
    assert one == many
    assert len(many["captions"]) == 2 and len(many["related"]) == 1 and many["actor_mentions"]


def test_batches_joined_from_several_workers_keep_each_articles_rows(records):
    joined = ArticleBatch.join([article_batch(records[:2]), article_batch(records[2:])])
    whole = article_batch(records)
    for table in TABLES:
        assert joined.tables[table].to_pylist() == whole.tables[table].to_pylist()
        assert joined.bounds[table] == whole.bounds[table]
    third = joined.articles([2])
    assert third["documents"].column("doc_id").to_pylist() == [records[2].document.id]
    assert set(third["events"].column("doc_id").to_pylist()) <= {records[2].document.id}
    assert third["events"].num_rows == len(records[2].events)


def test_consecutive_articles_are_taken_as_one_slice_per_joined_batch(records):
    """The driver's insert scans Arrow chunks: articles that follow each other are one chunk, not one each."""
    parts = [article_batch(records[:3]), article_batch(records[3:])]
    joined = ArticleBatch.join(parts)
    every = joined.articles(range(len(records)))
    for table in TABLES:
        assert every[table].to_pylist() == joined.tables[table].to_pylist()
        assert every[table].column(0).num_chunks <= len(parts), table
    picked = joined.articles([0, 1, 3, 4])
    assert picked["documents"].column("doc_id").num_chunks == 2
    assert picked["documents"].column("doc_id").to_pylist() == [records[k].document.id for k in (0, 1, 3, 4)]
    for table in TABLES:
        expected = [row for k in (0, 1, 3, 4) for row in joined.articles([k])[table].to_pylist()]
        assert picked[table].to_pylist() == expected, table
    assert joined.articles([4, 0])["documents"].column("doc_id").to_pylist() == [records[4].document.id,
                                                                                records[0].document.id]


def test_reingesting_a_batch_is_idempotent_and_replaces_what_changed(tmp_path, records):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        store.write_batch(article_batch(records))
        counts = {t: store.count(t) for t in TABLES}
        assert store.write_batch(article_batch(records)) == ["unchanged"] * len(records)
        assert {t: store.count(t) for t in TABLES} == counts
        fewer = dataclasses.replace(records[1], events=())
        again = [records[0], fewer, *records[2:]]
        assert store.write_batch(article_batch(again)) == ["unchanged", "replaced"] + ["unchanged"] * (len(records) - 2)
        assert store.count("documents") == len(records)
        assert store.count("events") == counts["events"] - len(records[1].events)


def test_the_same_article_twice_in_a_batch_is_stored_once(tmp_path, records):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        assert store.write_batch(article_batch([records[0], records[1], records[0]])) == ["stored", "stored", "replaced"]
        assert store.count("documents") == 2
        assert store.count("events") == len(records[0].events) + len(records[1].events)


def test_an_edited_input_in_a_batch_replaces_its_earlier_document(empty_db):
    first = ArticleRecord(parse_text("Town shelled\n\nTroops shelled the town on Monday.", "in/a.txt"))
    edited = ArticleRecord(parse_text("Town shelled\n\nTroops shelled the town on Tuesday.", "in/a.txt"))
    other = ArticleRecord(parse_text("Port closed\n\nThe port was closed on Monday.", "in/b.txt"))
    assert first.document.id != edited.document.id
    with open_store(empty_db) as store:  # on each backend: one earlier-versions query
        store.write_batch(article_batch([first, other]))
        assert store.write_batch(article_batch([edited, other])) == ["replaced", "unchanged"]
        ids = {r[0] for r in store.con.execute("SELECT doc_id FROM documents").fetchall()}
        assert ids == {edited.document.id, other.document.id}


def broken(record: ArticleRecord) -> ArticleRecord:
    """The record with its first event twice: the second violates the events table's key mid-write."""
    return dataclasses.replace(record, events=(record.events[0], record.events[0]))


def test_a_failing_article_does_not_lose_the_others_of_its_batch(tmp_path, records):
    with open_store(str(tmp_path / "s.duckdb")) as store:
        store.write(records[0])
        kept = contents(store)["events"]
        outcomes = store.write_batch(article_batch([records[1], broken(records[0]), records[2], records[3]]))
        assert isinstance(outcomes[1], duckdb.ConstraintException)
        assert outcomes[:1] + outcomes[2:] == ["stored"] * 3
        assert store.count("documents") == 4
        # the stored version of the failed article is left as it was
        assert [e for e in contents(store)["events"] if e[0] == records[0].document.id] == kept
        with pytest.raises(duckdb.ConstraintException):  # a single write raises
            store.write(broken(records[0]))


def test_a_storage_fault_mid_batch_commits_nothing(tmp_path, records, monkeypatch):
    original = writes.append_batch

    def fails_after_inserting(con, batch):
        original(con, batch)
        raise duckdb.IOException('IO Error: Could not write file "s.duckdb.wal": No space left on device')

    with open_store(str(tmp_path / "s.duckdb")) as store:
        store.write(records[0])
        before = contents(store)
        monkeypatch.setattr(writes, "append_batch", fails_after_inserting)
        with pytest.raises(duckdb.IOException) as raised:
            store.write_batch(article_batch([dataclasses.replace(records[0], events=()), *records[1:]]))
        assert is_storage_failure(raised.value)
        assert contents(store) == before


def test_a_crash_before_commit_leaves_nothing_half_written(tmp_path, records):
    """A process killed after inserting every table of a batch, before COMMIT: the store it leaves
    holds what it held before."""
    path = str(tmp_path / "s.duckdb")
    with open_store(path) as store:
        store.write(records[0])
    before = contents(path)
    import pickle

    batch_file = tmp_path / "batch.pickle"
    batch_file.write_bytes(pickle.dumps(article_batch([dataclasses.replace(records[0], events=()), *records[1:]])))
    script = textwrap.dedent(f"""
        import os, pickle
        from eventwire.store import writes
        from eventwire.store.duckdb import open_store
        original = writes.append_batch
        def append_then_die(con, batch):
            original(con, batch)
            os._exit(9)  # killed before COMMIT
        writes.append_batch = append_then_die
        store = open_store({path!r})
        store.write_batch(pickle.loads(open({str(batch_file)!r}, "rb").read()))
    """)
    crashed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert crashed.returncode == 9, crashed.stderr
    assert contents(path) == before
