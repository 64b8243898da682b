"""Writing the link tables into a DuckDB store (link/write.py, write_links): in transactions of
bounded size through staging copies, so a day bigger than DuckDB's buffer limit is written whole."""
from __future__ import annotations

import pytest

from eventwire.link import Links, StoryEvent, StoryMention
from eventwire.link.write import write_links
from eventwire.record import Evidence
from eventwire.store.duckdb import open_store

LINK_TABLES = ("duplicate_of", "story_events", "story_mentions", "article_clusters")


def _day(articles: int, events: int) -> Links:
    """`articles` articles of `events` coded events each, every event its own story, each mention with a
    sentence of evidence of a few hundred characters (what makes the rows wide)."""
    stories = []
    for a in range(articles):
        doc_id = f"doc-{a:06d}"
        for e in range(events):
            sentence = f"Article {a} reports event {e}: " + "shelling of the market district was reported. " * 8
            mention = StoryMention(doc_id=doc_id, event_id=f"{doc_id}-e{e}", outlet=f"outlet {a % 50}",
                                   published="2016-07-05T08:00:00", cameo="190", plover="ASSAULT",
                                   date_start="2016-07-05", date_end="2016-07-05", date_weak=False, place="Aleppo",
                                   lat=36.2, lon=37.16, actors=("SYRMIL",),
                                   evidence=Evidence(text=sentence, start=0, end=len(sentence), section="body"))
            stories.append(StoryEvent(id=f"story-{a:06d}-{e}", cameo_root="19", plover="ASSAULT",
                                      date_start="2016-07-05", date_end="2016-07-05", place="Aleppo", lat=36.2,
                                      lon=37.16, actors=("SYRMIL",), num_articles=1, num_sources=1, num_mentions=1,
                                      first_seen="2016-07-05T08:00:00", last_seen="2016-07-05T08:00:00",
                                      mentions=(mention,)))
    return Links(duplicates=(), duplicate_of={}, stories=tuple(stories), article_links=(),
                 article_cluster={f"doc-{a:06d}": f"doc-{a:06d}" for a in range(articles)})


def _tables(con) -> dict[str, list]:
    return {table: sorted(con.execute(f"SELECT * FROM {table}").fetchall(), key=repr) for table in LINK_TABLES}


def _staging_tables(con) -> list[str]:
    return [r[0] for r in con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'staging_%'").fetchall()]


def test_a_day_bigger_than_the_buffer_limit_is_written_whole(tmp_path, monkeypatch):
    # 80,000 story mentions (~40 MB): written in one transaction they need more than a 24 MB limit
    # (DuckDB holds the transaction's rows and index until its commit); written WRITE_ROWS rows a
    # transaction into staging tables, then renamed in, they fit (down to 20 MB).
    import eventwire.link.write as write

    monkeypatch.setattr(write, "WRITE_ROWS", 5000)
    links = _day(8000, 10)
    with open_store(str(tmp_path / "day.duckdb")) as store:
        write_links(store.con, links)  # the default limit
        expected = _tables(store.con)
        assert len(expected["story_mentions"]) == 80_000 and len(expected["article_clusters"]) == 8000
        store.con.execute("SET memory_limit = '24MB'")
        write_links(store.con, links)
        store.con.execute("RESET memory_limit")
        assert _tables(store.con) == expected
        assert _staging_tables(store.con) == []


def test_a_crashed_writes_staging_tables_are_dropped_by_the_next_write(tmp_path):
    links = _day(30, 2)
    with open_store(str(tmp_path / "day.duckdb")) as store:
        write_links(store.con, links)
        expected = _tables(store.con)
        # What a process killed between two of its transactions leaves: staging tables, part filled.
        for table in LINK_TABLES:
            store.con.execute(f"CREATE TABLE staging_{table} AS SELECT * FROM {table} LIMIT 3")
        write_links(store.con, links)
        assert _tables(store.con) == expected
        assert _staging_tables(store.con) == []


def test_the_tables_swapped_in_keep_each_link_tables_columns_and_primary_key(tmp_path):
    # The staging copies are made from store/schema.py's definition of each table (link_table_sql):
    # after a write the link tables have the columns and primary keys of a store made afresh.
    import duckdb

    def shape(con) -> dict:
        columns = con.execute("SELECT table_name, column_name, data_type FROM information_schema.columns "
                              "WHERE table_name IN (SELECT unnest(?::VARCHAR[])) ORDER BY table_name, ordinal_position",
                              [list(LINK_TABLES)]).fetchall()
        keys = con.execute("SELECT table_name, constraint_column_names FROM duckdb_constraints() "
                           "WHERE constraint_type = 'PRIMARY KEY' AND table_name IN (SELECT unnest(?::VARCHAR[])) "
                           "ORDER BY table_name", [list(LINK_TABLES)]).fetchall()
        return {"columns": columns, "keys": keys}

    links = _day(20, 2)
    with open_store(str(tmp_path / "fresh.duckdb")) as store:
        fresh = shape(store.con)
    with open_store(str(tmp_path / "day.duckdb")) as store:
        write_links(store.con, links)
        write_links(store.con, links)
        assert shape(store.con) == fresh
        assert [k for _, k in fresh["keys"]] == [["doc_id"], ["doc_id"], ["story_id"], ["doc_id", "event_id"]]
        with pytest.raises(duckdb.ConstraintException):
            store.con.execute("INSERT INTO story_mentions (doc_id, event_id) VALUES ('doc-000000', 'doc-000000-e0')")
