"""Incremental linking of a store (link/database.py): features kept per article, computed only for new
or re-stored ones, with the result of a full re-link; on each store backend."""
from __future__ import annotations

from dataclasses import replace

import pytest

from eventwire.link.features import article_features, from_row, to_row
from eventwire.record import ArticleRecord
from test_link import ALEPPO, DAMASCUS, WIRE, _bombing, _doc, stored_links

BUDGET = "Parliament approved the national budget after a long debate over spending on schools and roads."


def _corpus() -> list[ArticleRecord]:
    """A wire story, its reprint, a second report of the same bombing, another bombing, an unrelated
    article and a late reprint: copies, a multi-article story and separate clusters."""
    facts = _bombing("x", "AP", "2016-07-05")
    aleppo = _bombing("reuters", "Reuters", "2016-07-05T12:00:00", where=("Aleppo", ALEPPO))
    other = _bombing("y", "AFP", "2016-07-06", day="2016-07-06", where=("Damascus", DAMASCUS), group="Al-Nusra Front")
    return [
        ArticleRecord(document=_doc("ap", "AP", "2016-07-05T08:00:00", WIRE), actors=facts.actors,
                      places=facts.places, events=facts.events),
        ArticleRecord(document=_doc("budget", "AP", "2016-07-05T09:00:00", BUDGET)),
        ArticleRecord(document=_doc("local", "Herald", "2016-07-05T11:00:00", WIRE + " More."), actors=facts.actors,
                      places=facts.places, events=facts.events),
        replace(aleppo, document=replace(aleppo.document, text=(
            "A car bomb killed twelve people at a market in Aleppo on Tuesday, a monitoring group said; "
            "witnesses described shops on fire and rescue workers searching the rubble."))),
        ArticleRecord(document=_doc("damascus", "AFP", "2016-07-06T10:00:00", "Another blast in the capital."),
                      actors=other.actors, places=other.places, events=other.events),
        ArticleRecord(document=_doc("late", "Gazette", "2016-07-07T07:00:00", "Reprinted: " + WIRE),
                      actors=facts.actors, places=facts.places, events=facts.events),
    ]


def _tables(con) -> dict[str, list]:
    return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("duplicate_of", "story_events", "story_mentions", "article_clusters")}


@pytest.fixture
def computed(monkeypatch):
    """The ids whose features link_database computes (the real function, watched)."""
    import eventwire.link.database as database

    seen: list[str] = []

    def watched(record, settings=None):
        seen.append(record.document.id)
        return article_features(record, settings)

    monkeypatch.setattr(database, "article_features", watched)
    return seen


def test_features_round_trip_through_their_stored_form():
    for record in _corpus():
        features = article_features(record)
        assert from_row(to_row(features, "stamp")) == features
    short = article_features(_corpus()[1])
    assert short.minhash is None  # too short to be called a copy: no MinHash kept


def test_incremental_link_equals_a_full_relink_and_computes_only_new_articles(empty_db, tmp_path, computed):
    from eventwire.store.duckdb import open_store

    corpus = _corpus()
    with open_store(empty_db) as store:
        for record in corpus[:3]:
            store.write(record)
        first = store.link()
        assert first == stored_links(corpus[:3])
        assert sorted(computed) == ["ap", "budget", "local"]

        computed.clear()
        assert store.link() is None  # nothing new: nothing read, nothing computed, tables as they were
        assert computed == []

        for record in corpus[3:]:
            store.write(record)
        links = store.link()
        assert sorted(computed) == ["damascus", "late", "reuters"]  # the stored ones are not recomputed
        full = stored_links(corpus)
        assert links == full  # exactly a full re-link (copies, stories, article links, clusters)
        assert links.duplicate_of == {"late": "ap", "local": "ap"}
        assert links.article_cluster["reuters"] == links.article_cluster["ap"] != links.article_cluster["budget"]
        incremental_tables = _tables(store.con)

    # The same articles linked at once in a fresh store give the same link tables.
    with open_store(str(tmp_path / "at-once.duckdb")) as store:
        for record in corpus:
            store.write(record)
        assert store.link() == full
        assert _tables(store.con) == incremental_tables


def test_a_restored_article_is_relinked_and_other_settings_recompute_everything(empty_db, computed):
    from eventwire.link import LinkSettings
    from eventwire.store.duckdb import open_store

    corpus = _corpus()
    with open_store(empty_db) as store:
        for record in corpus:
            store.write(record)
        store.link()
        # The Reuters report stored again, now of a bombing in Damascus on another day: its features are
        # recomputed and it leaves the Aleppo story.
        moved = _bombing("reuters", "Reuters", "2016-07-05T12:00:00", day="2016-07-01", where=("Damascus", DAMASCUS))
        assert store.write(replace(moved, document=replace(moved.document, text="A new version."))) == "replaced"
        computed.clear()
        links = store.link()
        assert computed == ["reuters"]
        assert links == stored_links([*corpus[:3], replace(moved, document=replace(moved.document, text="A new version.")),
                                      *corpus[4:]])
        assert links.article_cluster["reuters"] != links.article_cluster["ap"]

        computed.clear()
        wider = LinkSettings(max_km=200.0)
        assert store.link(wider) is not None
        assert sorted(computed) == sorted(r.document.id for r in corpus)  # features depend on the settings
        assert store.link(wider) is None


def test_story_mentions_written_after_comparing_carry_their_evidence(empty_db, monkeypatch):
    """The features read back to compare leave the evidence out; the story mentions written after
    still carry each event's own sentence, section and offsets, also for articles linked in an
    earlier run and when the evidence is joined in several chunks."""
    import eventwire.link.write as write
    from eventwire.link.database import stored_features
    from eventwire.record import Evidence
    from eventwire.store.duckdb import open_store

    monkeypatch.setattr(write, "EVIDENCE_ARTICLES", 2)  # several chunks of articles
    corpus = []
    for n, record in enumerate(_corpus()):
        text = f"Report {n} from {record.document.id}: a car bomb went off near the market."
        evidence = Evidence(text, 4 * n, 4 * n + len(text), "caption" if n % 2 else "body", n if n % 2 else None)
        corpus.append(replace(record, events=tuple(replace(e, evidence=evidence) for e in record.events)))
    expected = {(r.document.id, e.id): (e.evidence.text, e.evidence.section, e.evidence.caption_index,
                                        e.evidence.start, e.evidence.end) for r in corpus for e in r.events}
    with open_store(empty_db) as store:
        for record in corpus[:3]:
            store.write(record)
        store.link()
        for record in corpus[3:]:  # the first three are now read back from their stored features
            store.write(record)
        links = store.link()
        assert links.stories and all(m.evidence is None for s in links.stories for m in s.mentions)
        assert all(m.mention.evidence is None for f in stored_features(store.con) for m in f.mentions)
        rows = store.con.execute("SELECT doc_id, event_id, evidence_text, section, caption_index, sent_start, "
                                 "sent_end FROM story_mentions").fetchall()
    assert {(d, e): tuple(rest) for d, e, *rest in rows} == expected
    assert len(rows) == len(expected)


def test_a_link_write_that_fails_leaves_the_previous_link_tables(empty_db, monkeypatch):
    # The tables are emptied (DuckDB: dropped and made again) inside the write's one transaction: an
    # error while the story mentions are written gives back the previous tables whole.
    import eventwire.link.write as write
    from eventwire.link import LinkSettings
    from eventwire.store.duckdb import open_store

    with open_store(empty_db) as store:
        for record in _corpus():
            store.write(record)
        store.link()
        before = _tables(store.con)
        assert all(before.values())

        def failing(con, links):
            yield from ()
            raise RuntimeError("disk full")

        monkeypatch.setattr(write, "_mention_tables", failing)
        with pytest.raises(RuntimeError, match="disk full"):
            store.link(LinkSettings(max_km=60.0))  # other settings: relinked and written again
        assert _tables(store.con) == before
        monkeypatch.undo()
        assert store.link(LinkSettings(max_km=60.0)) is not None and all(_tables(store.con).values())


def test_duckdb_links_with_bounded_buffers_on_one_thread_and_restores_its_settings(tmp_path, monkeypatch):
    # Each DuckDB scan thread pins a row group's decompressed records (~128 MiB for a full group), so
    # several threads under the link's buffer limit run out of memory on a large store: the link scans
    # with one thread, and the store's own settings hold again after.
    import eventwire.link.database as database
    from eventwire.store.duckdb import open_store

    seen = []
    real = database.stored_features

    def watched(con, **kwargs):
        seen.append(con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone())
        return real(con, **kwargs)

    monkeypatch.setattr(database, "stored_features", watched)
    with open_store(str(tmp_path / "store.duckdb")) as store:
        for record in _corpus():
            store.write(record)
        store.con.execute("SET threads = 3")  # a store opened with query_threads, say
        before = store.con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
        assert store.link() is not None
        after = store.con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
    assert seen and seen[0][0] == 1 and seen[0][1] != before[1]
    assert after == before


def test_duckdb_writes_the_features_it_loads_to_the_database_file_not_the_log_first(tmp_path, monkeypatch):
    # A transaction that changes more than DIRECT_COMMIT is checkpointed as it commits: the day's
    # features go to the database file once, not to the write-ahead log and again at the checkpoint.
    # The store's own threshold holds again after.
    import os

    import eventwire.link.database as database
    from eventwire.store.duckdb import open_store

    path = str(tmp_path / "store.duckdb")
    logged = []
    real = database._load_features

    def watched(con, *args, **kwargs):
        real(con, *args, **kwargs)
        logged.append(os.path.getsize(path + ".wal") if os.path.exists(path + ".wal") else 0)

    monkeypatch.setattr(database, "_load_features", watched)
    monkeypatch.setattr(database, "DIRECT_COMMIT", "1KB")
    with open_store(path) as store:
        for record in _corpus():
            store.write(record)
        store.con.execute("CHECKPOINT")
        before = store.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
        assert store.link() is not None
        after = store.con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()
        stored = store.con.execute("SELECT sum(octet_length(shingles) + octet_length(minhash) + octet_length(terms) "
                                   "+ octet_length(counts) + strlen(mentions)) FROM link_features").fetchone()[0]
    assert stored > 1024 and logged == [0]
    assert after == before
