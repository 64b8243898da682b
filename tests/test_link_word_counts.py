"""The article links' word counts read again instead of held (link_features' `terms_of`, a store's
stored_terms) and the TF-IDF vectors made from two readings of them (vectors.py)."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from eventwire.link import link_features
from eventwire.link.articles import TermCounts, article_terms, link_articles
from eventwire.link.features import article_features
from eventwire.link.vectors import Vectors
from eventwire.record import ArticleRecord
from test_link import _doc, stored_links
from test_link_incremental import _corpus


def _without_word_counts(features):
    """The features as a store's link reads them for the sweep: no terms, no counts."""
    return [replace(f, terms=replace(f.terms, terms=None, counts=None)) for f in features]


def test_word_counts_read_again_after_the_sweep_give_the_links_of_those_held(monkeypatch):
    # Features without their word counts and a terms_of that reads them again, in another order, with
    # an article that was not linked and an article twice: the same Links as with the counts held.
    # terms_of is read twice (document frequencies, then vectors), only once the story sweep is done.
    import eventwire.link as link

    features = [article_features(r) for r in _corpus()]
    held = link_features(features)
    assert any(not a.near_duplicate for a in held.article_links)  # links by the words, not only copies
    other = article_features(ArticleRecord(document=_doc("other", "AP", "2016-07-05T10:00:00",
                                                          "Harvest festival draws crowds to the valley.")))
    calls = []
    real_sweep = link.stories_of_mentions

    def sweep(*args, **kwargs):
        calls.append("sweep")
        return real_sweep(*args, **kwargs)

    def terms_of():
        calls.append("terms")
        return [other.terms, *reversed([f.terms for f in features]), features[2].terms]

    monkeypatch.setattr(link, "stories_of_mentions", sweep)
    assert link_features(_without_word_counts(features), terms_of=terms_of) == held
    assert calls == ["sweep", "terms", "terms"]
    # Features that still hold their counts are linked from terms_of's all the same.
    shuffled = random.Random(1).sample([f.terms for f in features], len(features))
    assert link_features(features, terms_of=lambda: shuffled) == held


def test_word_counts_neither_held_nor_read_again_are_a_clear_error():
    features = [article_features(r) for r in _corpus()]
    unheld = _without_word_counts(features)
    with pytest.raises(ValueError, match="read without their word counts and no terms_of"):
        link_features(unheld)
    with pytest.raises(LookupError, match="no word counts read for 1 articles, e.g. 'budget'"):
        link_features(unheld, terms_of=lambda: [f.terms for f in features if f.doc_id != "budget"])


def test_a_store_s_link_reads_the_word_counts_after_the_sweep_and_only_of_documents_still_stored(
        empty_db, monkeypatch):
    # The features are read for the sweep without their word counts (not even fetched); stored_terms
    # reads them twice after the sweep, and the counts of a document deleted since its features were
    # stored (still in link_features until the links are written) are skipped: the links are
    # link_records' of the documents left, on each backend.
    import eventwire.link as link
    import eventwire.link.database as database
    from eventwire.store.duckdb import open_store

    corpus = _corpus()
    left = [r for r in corpus if r.document.id != "budget"]
    expected, expected_left = stored_links(corpus), stored_links(left)
    # The IDF over the five articles left, not six: other cosines.
    assert [a.cosine for a in expected_left.article_links] != [a.cosine for a in expected.article_links]
    calls = []
    real_features, real_terms, real_sweep = database.stored_features, database.stored_terms, link.stories_of_mentions

    def features(con, **kwargs):
        calls.append(("features", kwargs))
        for f in real_features(con, **kwargs):
            assert f.terms.terms is None and f.terms.counts is None and f.terms.day is not None
            yield f

    def terms(con, *args):
        calls.append("terms")
        return real_terms(con, *args)

    def sweep(*args, **kwargs):
        calls.append("sweep")
        return real_sweep(*args, **kwargs)

    monkeypatch.setattr(database, "stored_features", features)
    monkeypatch.setattr(database, "stored_terms", terms)
    monkeypatch.setattr(link, "stories_of_mentions", sweep)
    with open_store(empty_db) as store:
        for record in corpus:
            store.write(record)
        assert store.link() == expected
        assert calls == [("features", {"shingles": False, "terms": False}), "sweep", "terms", "terms"]
        # Every stored article's word counts, as its features hold them.
        assert {a.doc_id: (a.terms.tolist(), a.counts.tolist(), a.day, a.by_events)
                for a in real_terms(store.con, 2)} == {
            r.document.id: (t.terms.tolist(), t.counts.tolist(), t.day, t.by_events)
            for r in corpus for t in [article_terms(r)]}
        store.con.execute("DELETE FROM documents WHERE doc_id = ?", ["budget"])
        assert store.link() == expected_left


def _day_of_articles(n: int = 30) -> list:
    """The word counts of `n` articles over three days drawn from a few words: many pairs linked."""
    rng = random.Random(6)
    words = [f"{w}{s}" for w in ("harbour", "strike", "election", "storm", "crane", "ballot", "flood", "port")
             for s in ("", "s", "ed", "er", "ing")]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randrange(3, 60))) for _ in range(n)]
    return [article_terms(ArticleRecord(document=_doc(f"d{i:02d}", "AP", f"2016-07-0{1 + i % 3}T10:00:00", text)))
            for i, text in enumerate(texts)]


def test_vectors_of_rows_added_in_any_order_are_the_same_vectors():
    # Rows are numbered in the order added: each article's cosines with the others and its keys do not
    # depend on it (term numbers depend only on the document frequencies).
    articles = _day_of_articles()
    in_order = Vectors((a.terms for a in articles), 12)
    for a in articles:
        in_order.add(a.doc_id, a.terms, a.counts)
    shuffled = random.Random(2).sample(articles, len(articles))
    other = Vectors((a.terms for a in reversed(articles)), 12)
    for a in shuffled:
        other.add(a.doc_id, a.terms, a.counts)
    assert other.row != in_order.row and len(other) == other.size == len(articles)
    for a in articles:
        assert other.key_terms(other.row[a.doc_id]) == in_order.key_terms(in_order.row[a.doc_id])
        for b in articles:
            assert (other.cosine(other.row[a.doc_id], other.row[b.doc_id])
                    == in_order.cosine(in_order.row[a.doc_id], in_order.row[b.doc_id]))
    with pytest.raises(ValueError, match="'d03' were given twice"):
        other.add("d03", articles[3].terms, articles[3].counts)
    with pytest.raises(ValueError, match="more articles than the 30"):
        other.add("new", articles[3].terms, articles[3].counts)


def test_article_links_from_a_reader_read_twice_are_those_of_the_counts_held():
    articles = _day_of_articles()
    expected = link_articles(TermCounts.of(articles), [], {})
    assert expected
    readings = []

    def reader():
        readings.append(len(readings))
        return random.Random(len(readings)).sample(articles, len(articles))  # another order each time

    assert link_articles(reader, [], {}) == expected and len(readings) == 2
    assert link_articles(list(articles), [], {}) == expected
    calls = []

    def shrinking():
        calls.append(1)
        return articles if len(calls) == 1 else articles[:-1]

    with pytest.raises(ValueError, match="second reading of the word counts gave 29 of the 30"):
        link_articles(shrinking, [], {})


def test_duckdb_reads_the_word_counts_again_under_a_small_buffer_limit(tmp_path, monkeypatch):
    # A scan's blocks stay cached up to DuckDB's limit: the word counts, read again while the story
    # events are held, are read under REREAD_LIMIT, and the link's own limit holds again after.
    import duckdb

    import eventwire.link as link
    import eventwire.link.database as database
    from eventwire.store.duckdb import open_store

    def printed(limit: str) -> str:
        with duckdb.connect() as scratch:
            scratch.execute(f"SET memory_limit = '{limit}'")
            return scratch.execute("SELECT current_setting('memory_limit')").fetchone()[0]

    seen, cons = [], []
    real_terms, real_clusters = database.stored_terms, link.article_clusters

    def limit() -> str:
        return cons[0].execute("SELECT current_setting('memory_limit')").fetchone()[0]

    def terms(con, *args):
        cons.append(con)
        seen.append(("terms", limit()))
        return real_terms(con, *args)

    def clusters(*args):  # the article links made: the day's reads are over
        seen.append(("after", limit()))
        return real_clusters(*args)

    monkeypatch.setattr(database, "stored_terms", terms)
    monkeypatch.setattr(link, "article_clusters", clusters)
    with open_store(str(tmp_path / "store.duckdb")) as store:
        for record in _corpus():
            store.write(record)
        assert store.link() is not None
    reread, bounded = printed(database.REREAD_LIMIT), printed(database.BUFFER_LIMIT)
    assert seen == [("terms", reread), ("terms", reread), ("after", bounded)]
