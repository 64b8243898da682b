"""The article links' word counts read again instead of held (link_features' `terms_of`) and the TF-IDF
vectors made from two readings of them (vectors.py)."""
from __future__ import annotations

import random
from dataclasses import replace

import pytest

from eventwire.link import link_features
from eventwire.link.articles import TermCounts, article_terms, link_articles
from eventwire.link.features import article_features
from eventwire.link.vectors import Vectors
from eventwire.record import ArticleRecord
from test_link import _doc
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
