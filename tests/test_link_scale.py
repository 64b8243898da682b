"""Linking at corpus scale (issue 19): bounded comparison sets and feature workers, on hand-built
records whose right answer is known."""
from __future__ import annotations

from dataclasses import replace

import pytest

from eventwire.link import ArticleLinkSettings, LinkSettings, link_records
from eventwire.link.stories import haversine_km, link_stories
from eventwire.record import ArticleRecord
from test_link import _actor, _doc, _event, _place, stored_links
from test_link_incremental import _corpus

NEIGHBOURS = ("IRQ", "TUR", "LBN", "JOR", "EGY", "LBY", "YEM", "SAU")


def _shelling(doc_id: str, published: str, country: str) -> ArticleRecord:
    """An article reporting the Islamic State shelling civilians of `country` on 5 July 2016, placed
    nowhere: the reports of one country are one story, another country's contradict it."""
    actors = (_actor("actor1", "IMGREB", None, "Islamic State", kind="organisation"),
              _actor("actor2", f"{country}CVL", country, "civilians", kind="group"))
    event = _event("183", "ASSAULT", day="2016-07-05", place=None, source=("actor1",), target=("actor2",))
    return ArticleRecord(document=_doc(doc_id, f"outlet {doc_id}", published), actors=actors, events=(event,))


def _crowded_day() -> list[ArticleRecord]:
    syria = [_shelling(f"syr{i}", f"2016-07-05T08:0{i}:00", "SYR") for i in range(3)]
    others = [_shelling(f"n{i}", f"2016-07-05T09:0{i}:00", c) for i, c in enumerate(NEIGHBOURS)]
    return [*syria, *others, _shelling("syr-late", "2016-07-05T12:00:00", "SYR")]


def _groups(stories) -> list[list[str]]:
    return sorted(sorted(s.doc_ids) for s in stories)


def test_a_crowded_key_keeps_its_largest_story_findable():
    # Nine open stories share the key "Islamic State" (one per country); a list of at most four keeps the
    # two largest, so the late Syrian report still finds the three-report Syrian story.
    records = _crowded_day()
    crowded = link_stories(records, settings=LinkSettings(max_key_stories=4))
    assert _groups(crowded) == _groups(link_stories(records))
    assert ["syr-late", "syr0", "syr1", "syr2"] in _groups(crowded)
    assert len(crowded) == 1 + len(NEIGHBOURS)


def test_an_evicted_story_is_found_again_once_it_grows():
    # With room for only two stories a key list is pruned to the largest one: the Syrian story (three
    # reports) stays, the one-report neighbour stories leave the list, and a second Iraqi report
    # starts its own story rather than being compared with every stale one.
    records = [*_crowded_day(), _shelling("irq-late", "2016-07-05T13:00:00", "IRQ")]
    small = link_stories(records, settings=LinkSettings(max_key_stories=2))
    groups = _groups(small)
    assert ["syr-late", "syr0", "syr1", "syr2"] in groups
    assert ["irq-late", "n0"] in _groups(link_stories(records))  # unbounded: the Iraqi reports meet
    assert ["irq-late"] in groups and ["n0"] in groups  # bounded to two: the one-report story was let go


def _article(doc_id: str, published: str, text: str) -> ArticleRecord:
    return ArticleRecord(document=_doc(doc_id, f"outlet {doc_id}", published, text, title="Harbour"))


def test_an_article_is_compared_with_the_candidates_sharing_the_most_keys():
    base = ("Dockworkers at the Rotterdam harbour walked out over automation plans, halting container "
            "cranes, tugboats and ferries while negotiators met shipping executives overnight.")
    rewrite = ("Rotterdam harbour dockworkers walked out over automation plans, halting container cranes, "
               "tugboats and ferries as negotiators met shipping executives overnight.")
    # Earlier articles sharing one word each with the rewrite: candidates by a single key.
    notes = ("Museum visitors admired cranes painted on silk scrolls.",
             "Children built tugboats from driftwood during the summer camp.",
             "Island tourism grew after new ferries entered service.",
             "Union negotiators praised the pension settlement in Lyon.",
             "Airline executives forecast record bookings for December.")
    single = [_article(f"one{i}", f"2016-07-05T0{i}:00:00", note) for i, note in enumerate(notes)]
    records = [*single, _article("base", "2016-07-05T07:00:00", base), _article("rewrite", "2016-07-05T08:00:00", rewrite)]
    bounded = link_records(records, article_settings=ArticleLinkSettings(max_candidates=1))
    assert [(link.doc_a, link.doc_b) for link in bounded.article_links] == [("base", "rewrite")]
    assert bounded.article_cluster == link_records(records).article_cluster


def test_feature_workers_give_the_links_of_one_process(empty_db, monkeypatch, tmp_path):
    # From WORKERS_FROM new articles up, spawned processes compute the features: the same links as
    # link_records in this process, and a later run with more articles relinks exactly.
    import eventwire.link.database as database
    from eventwire.store.duckdb import open_store

    if not str(empty_db).endswith(".duckdb"):
        return  # PostgreSQL computes features in this process (its records are found by index)
    monkeypatch.setattr(database, "WORKERS_FROM", 2)
    monkeypatch.setattr(database, "RECORD_PAGE", 2)  # several pages in flight
    corpus = _corpus()
    with open_store(empty_db) as store:
        for record in corpus[:4]:
            store.write(record)
        assert store.link() == stored_links(corpus[:4])
        for record in corpus[4:]:
            store.write(replace(record))
        assert store.link() == stored_links(corpus)


def _unnamed_attack(doc_id: str, where: tuple[str, tuple[float, float]], country: str) -> ArticleRecord:
    """An attack on civilians by an unnamed group (so only the place can vouch), on a stated day."""
    actors = (_actor("actor1", "CVL", None, "gunmen", kind="group"),)
    place = replace(_place("place1", where[0], where[1]), country=country)
    event = _event("190", "ASSAULT", day="2016-07-05", source=("actor1",))
    return ArticleRecord(document=_doc(doc_id, f"outlet {doc_id}", "2016-07-05T10:00:00"), actors=actors,
                         places=(place,), events=(event,))


def test_places_corroborate_up_to_their_distance_in_any_direction_and_across_the_antimeridian():
    # The place cells a report probes must hold every point within corroborate_km of it: due north and
    # east, at high latitude (a degree of longitude is short), and across longitude 180.
    for (lat, lon), (lat2, lon2) in (((33.0, 36.0), (33.26, 36.0)), ((33.0, 36.0), (33.0, 36.31)),
                                     ((69.0, 18.0), (69.0, 18.7)), ((-17.0, 179.9), (-17.0, -179.95))):
        assert haversine_km(lat, lon, lat2, lon2) < LinkSettings().corroborate_km
        stories = link_stories([_unnamed_attack("d1", ("A", (lat, lon)), "FJI"),
                                _unnamed_attack("d2", ("B", (lat2, lon2)), "FJI")])
        assert len(stories) == 1, (lat, lon, lat2, lon2)
    # Farther than corroborate_km: compatible (within max_km) but nothing vouches.
    assert len(link_stories([_unnamed_attack("d1", ("A", (33.0, 36.0)), "SYR"),
                             _unnamed_attack("d2", ("B", (33.0, 36.4)), "SYR")])) == 2


def test_reports_placed_where_the_last_one_was_find_the_story_it_made_there():
    # Reports placed at one point probe the same cells, gathered once and reused while no cell gains its
    # first story: the second report at a point must still meet the story the first one made there,
    # whose cell held none when the first probed. Only the place vouches (an unnamed group).
    far = _unnamed_attack("d0", ("Far", (40.0, 44.0)), "SYR")  # some cell holds a story before the rest
    at_point = [_unnamed_attack(f"d{i}", ("Town", (33.0, 36.0)), "SYR") for i in range(1, 4)]
    nearby = _unnamed_attack("d4", ("Suburb", (33.1, 36.05)), "SYR")
    stories = link_stories([far, *at_point, nearby])
    assert _groups(stories) == [["d0"], ["d1", "d2", "d3", "d4"]]


def _vectors(counts, key_terms=12):
    """The Vectors of a TermCounts as link_articles makes them: the document frequencies from a first
    reading, then each article's row from a second, which lets the counts go."""
    from eventwire.link.vectors import Vectors

    vectors = Vectors((a.terms for a in counts), key_terms)
    for a in counts.drained():
        vectors.add(a.doc_id, a.terms, a.counts)
    return vectors


def test_candidate_cosines_estimated_together_equal_each_pair_s_own():
    import numpy as np

    from eventwire.link.articles import TermCounts, article_terms
    from eventwire.link.vectors import SCREEN_ERROR

    texts = ["harbour crane workers strike over pay in the port city",
             "port city harbour workers strike, cranes idle over pay",
             "election results announced in the capital after a long count",
             "", "storm closes the harbour and the port for two days"]
    counts = TermCounts.of(article_terms(_article(f"d{i}", "2016-07-05T10:00:00", t or "x"))
                           for i, t in enumerate(texts))
    vectors = _vectors(counts)
    assert len(counts.terms) == len(counts.counts) == 0  # the word counts let go once the vectors are made
    rows = np.arange(len(texts))
    # Single precision: within ~2e-7 of the exact cosine (SCREEN_ERROR has a margin).
    for a in range(len(texts)):
        together = vectors.cosines(a, rows)
        assert np.allclose(together, [vectors.cosine(a, b) for b in rows], rtol=0, atol=1e-6)
    assert vectors.cosine(0, 1) > 0.3 > vectors.cosine(0, 2)
    assert SCREEN_ERROR > 1e-6
    # Rows in any order, repeated, an empty one first, last and between: each its own cosine.
    for rows in ([3, 0, 1, 3, 4, 3], [4, 2, 0], [3], [3, 3], [1, 3], [3, 2]):
        rows = np.array(rows)
        for a in range(len(texts)):
            assert np.allclose(vectors.cosines(a, rows), [vectors.cosine(a, b) for b in rows], rtol=0, atol=1e-6)


def test_screened_cosines_read_weights_from_counts_past_uint16():
    # A candidate's weights are read from its counts (a table of 1 + ln count for uint16 counts, the
    # logarithm itself once some article counts a word more often than uint16 holds): the screened
    # cosines stay within 1e-6 of the exact ones either way.
    import numpy as np

    from eventwire.link.articles import ArticleTerms, TermCounts

    def article(doc: str, counts: dict[int, int]) -> ArticleTerms:
        terms = np.array(sorted(counts), dtype=np.uint32)
        return ArticleTerms(doc, None, False, terms, np.array([counts[t] for t in terms.tolist()], dtype=np.uint32))

    small = [article("a", {1: 3, 2: 1, 5: 7}), article("b", {1: 1, 2: 4, 9: 2}), article("c", {5: 2, 9: 1, 11: 1})]
    for extra in ({}, {2: 70_000}):
        days = [article("d", {1: 2, 2: extra.get(2, 5), 11: 9})] + small
        vectors = _vectors(TermCounts.of(days))
        assert vectors.counts.dtype == (np.uint32 if extra else np.uint16)
        rows = np.arange(len(days))
        for a in rows.tolist():
            assert np.allclose(vectors.cosines(a, rows), [vectors.cosine(a, b) for b in rows.tolist()], rtol=0,
                               atol=1e-6)


def test_many_candidate_terms_are_screened_as_one_sparse_product_equal_to_the_exact_cosines(monkeypatch):
    import random

    import numpy as np

    from eventwire.link import vectors as vectors_module
    from eventwire.link.articles import ArticleTerms, TermCounts

    rng = random.Random(7)

    def article(doc: str, size: int, high: int) -> ArticleTerms:
        counts = {rng.randrange(2, 400): rng.randrange(1, 6) for _ in range(size)}
        counts[1] = 3  # one word every article uses: weight zero, left out of every row
        if high > 1:
            counts[400] = high  # a word of this article alone, counted `high` times
        terms = np.array(sorted(counts), dtype=np.uint32)
        return ArticleTerms(doc, None, False, terms, np.array([counts[t] for t in terms.tolist()], dtype=np.uint32))

    def day(high: int) -> list[ArticleTerms]:
        return [article(f"d{i}", rng.randrange(20, 120), high if i == 7 else 1) for i in range(60)] + [
            ArticleTerms("only-common", None, False, np.array([1], dtype=np.uint32), np.array([2], dtype=np.uint32))]

    sparse_calls = []
    sparse_cosines = vectors_module.Vectors._sparse_cosines

    def counted(self, *args):
        sparse_calls.append(1)
        return sparse_cosines(self, *args)

    monkeypatch.setattr(vectors_module.Vectors, "_sparse_cosines", counted)
    rows = np.array([5, 60, 3, 5, 0, 59, 60, 17])  # repeated, any order, the row without weights among them
    for high, sparse_from in ((3, 0), (3, 10**9), (70_000, 0), (70_000, 10**9)):
        monkeypatch.setattr(vectors_module, "SPARSE_FROM", sparse_from)
        sparse_calls.clear()
        vectors = _vectors(TermCounts.of(day(high)))
        assert vectors.counts.dtype == (np.uint32 if high > 65_535 else np.uint16)
        for a in (0, 7, 60):
            exact = [vectors.cosine(a, b) for b in rows.tolist()]
            # The product sums in double precision: the exact cosine but for the order of the sum.
            atol = 1e-12 if sparse_from == 0 and high < 70_000 else 1e-6
            assert np.allclose(vectors.cosines(a, rows), exact, rtol=0, atol=atol)
        # The product while every row is added and the counts fit the table of 1 + ln count; else numpy's.
        assert bool(sparse_calls) == (sparse_from == 0 and high < 70_000)


def _double_cosines(terms: list, counts: list) -> dict:
    """The cosines of every pair of TF-IDF vectors made in double precision from (hash-sorted) terms and
    counts, each summed over the shared terms in hash order: what Vectors.cosine must give to the bit."""
    import math

    import numpy as np

    n = len(terms)
    df = {}
    for t in terms:
        for term in t.tolist():
            df[term] = df.get(term, 0) + 1
    vectors = []
    for t, c in zip(terms, counts):
        idf = np.log((n + 1) / (np.array([df[x] for x in t.tolist()], dtype=np.int64) + 1))
        weights = (1 + np.log(c.astype(np.float64))) * idf
        keep = weights > 0
        norm = math.sqrt(float(np.dot(weights, weights))) or 1.0
        vectors.append((t[keep], weights[keep] / norm))
    result = {}
    for a in range(n):
        for b in range(n):
            (ta, wa), (tb, wb) = vectors[a], vectors[b]
            _, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
            result[a, b] = float(np.dot(wa[ia], wb[ib]))
    return result


def test_exact_cosines_are_the_double_precision_tf_idf_cosines_to_the_bit():
    # Weights held in single precision; the deciding cosine is computed again from the counts, and
    # must be the double-precision one exactly (a link's threshold and its rounded cosine read it).
    import random

    import numpy as np

    from eventwire.link.articles import TermCounts, article_terms

    rng = random.Random(5)
    words = [f"{w}{s}" for w in ("harbour", "strike", "election", "storm", "crane", "ballot", "flood", "port")
             for s in ("", "s", "ed", "er", "ing")]
    texts = [" ".join(rng.choice(words[:rng.randrange(5, len(words))]) for _ in range(rng.randrange(1, 120)))
             for _ in range(40)]
    articles = [article_terms(_article(f"d{i}", "2016-07-05T10:00:00", t)) for i, t in enumerate(texts)]
    expected = _double_cosines([a.terms for a in articles], [a.counts for a in articles])
    counts = TermCounts.of(articles)
    assert counts.counts.dtype == np.uint16
    vectors = _vectors(counts)
    assert any(0 < c < 1 for c in expected.values())
    for (a, b), cosine in expected.items():
        assert vectors.cosine(a, b) == cosine, (a, b)
    # The keys: each article's highest double weights, ties in hash order.
    assert all(1 <= len(vectors.key_terms(r)) <= 12 for r in range(len(texts)))
    assert vectors.counts.dtype == np.uint16
    # A word counted beyond uint16 in one article: the counts are held wider, the cosines still exact.
    articles = articles[:5] + [article_terms(_article("long", "2016-07-05T10:00:00", "typhoon " * 70_000 + "harbour crane"))]
    expected = _double_cosines([a.terms for a in articles], [a.counts for a in articles])
    counts = TermCounts.of(articles)
    assert counts.counts.dtype == np.uint32  # widened when the long article came
    assert np.array_equal(counts.counts[2], articles[2].counts) and counts.counts[5].max() == 70_000
    vectors = _vectors(counts)
    assert vectors.counts.dtype == np.uint32
    assert all(vectors.cosine(a, b) == cosine for (a, b), cosine in expected.items())


def test_band_columns_find_the_candidates_of_datasketch_s_lsh():
    # Texts that share runs of words in many ways (copies, halves, rewrites): the pairs agreeing on a
    # whole band of the numpy columns are the pairs datasketch's MinHashLSH returns for its own layout.
    import random

    import numpy as np
    from datasketch import MinHash, MinHashLSH

    from eventwire.link.near_duplicates import DuplicateIndex

    rng = random.Random(3)
    words = [f"w{i}" for i in range(60)]
    base = [" ".join(rng.choice(words) for _ in range(80)) for _ in range(12)]
    texts = []
    for i in range(120):
        text = base[i % 12].split()
        cut = rng.randrange(0, 60)
        text = text[cut:] + [rng.choice(words) for _ in range(rng.randrange(0, 40))]
        texts.append(" ".join(text))
    index = DuplicateIndex()
    lsh = MinHashLSH(threshold=0.48, num_perm=128)
    expected = set()
    for i, text in enumerate(texts):
        items, values = index.signature(text)
        index.add_signature(f"d{i:03d}", None, items, values)
        mh = MinHash(num_perm=128, seed=1, hashvalues=values, permutations=index._permutations, scheme="affine32")
        expected |= {tuple(sorted((int(o[1:]), i))) for o in lsh.query(mh)}
        lsh.insert(f"d{i:03d}", mh)
    found = {tuple(pair) for pair in index._candidates().tolist()}
    assert len(expected) > 100 and found == expected
    # Every candidate pair is confirmed on its shingles: the pairs are those reaching the thresholds.
    shingles = [index.signature(t)[0] for t in texts]
    pairs = index.pairs()
    assert 0 < len(pairs) < len(found)
    for pair in pairs:
        a, b = shingles[int(pair.doc_id[1:])], shingles[int(pair.duplicate_of[1:])]
        common = len(np.intersect1d(a, b))
        assert common / (len(a) + len(b) - common) >= 0.8 or common / min(len(a), len(b)) >= 0.9


def test_near_duplicates_confirmed_from_shingles_read_again_are_those_of_held_shingles(monkeypatch):
    # The same texts added with their shingle hashes, and without them (read back per chunk of
    # candidates by shingles_of, in another order): the same pairs. Without a reader, or with one that
    # misses an article, a clear error.
    import random

    import pytest

    from eventwire.link import near_duplicates as module
    from eventwire.link.near_duplicates import DuplicateIndex

    rng = random.Random(4)
    words = [f"w{i}" for i in range(50)]
    base = [" ".join(rng.choice(words) for _ in range(70)) for _ in range(10)]
    texts = [" ".join(base[i % 10].split()[rng.randrange(0, 15):] + [rng.choice(words) for _ in range(rng.randrange(0, 20))])
             for i in range(90)]
    held, unheld = DuplicateIndex(), DuplicateIndex()
    stored = {}
    for i, text in enumerate(texts):
        items, values = held.signature(text)
        held.add_signature(f"d{i:03d}", f"2016-07-0{1 + i % 5}", items, values)
        unheld.add_signature(f"d{i:03d}", f"2016-07-0{1 + i % 5}", None, values)
        stored[f"d{i:03d}"] = items
    asked = []

    def shingles_of(doc_ids):
        asked.append(len(doc_ids))
        return [(d, stored[d]) for d in reversed(doc_ids)]

    expected = held.pairs()
    assert len(expected) > 20
    monkeypatch.setattr(module, "_CONFIRM_CHUNK", 7)  # many chunks, an article's shingles read in several
    assert unheld.pairs(shingles_of) == expected
    assert len(asked) > 10 and max(asked) < len(texts)
    with pytest.raises(ValueError, match="without their shingle hashes"):
        unheld.pairs()
    with pytest.raises(LookupError, match="no shingle hashes read"):
        unheld.pairs(lambda doc_ids: [(d, stored[d]) for d in doc_ids[1:]])


def _in_table(mentions, settings):
    """The rows of `mentions` in one MentionTable and the sweep's columns of it."""
    from eventwire.link.mentions import MentionTable
    from eventwire.link.sweep_columns import SweepColumns

    table = MentionTable()
    rows = [table.add(m) for m in mentions]
    return rows, SweepColumns(table, settings)


def test_a_story_s_support_counts_the_members_that_vouch_under_the_pairwise_rule():
    # Random mentions over a few names, places (towns 10-60 km apart and whole countries), actor codes and
    # dates stated or assumed: the support _support counts from a story's indexes is the number of its
    # members that vouch for the mention under the rule read member by member.
    import random

    from eventwire.link.mentions import StoryMention, _Mention
    from eventwire.link.story_match import _Story, _support

    settings = LinkSettings()
    rng = random.Random(5)
    towns = [(36.2, 37.15), (36.25, 37.2), (36.4, 37.3), (36.7, 37.1), (35.9, 36.6)]

    def mention(i: int) -> _Mention:
        country_place = rng.random() < 0.2
        lat, lon = (None, None) if rng.random() < 0.15 else rng.choice(towns)
        weak = rng.random() < 0.4
        codes = frozenset(rng.sample(["SYRMIL", "SYRREB", "TURMIL", "RUSMIL"], rng.randrange(0, 3)))
        sectors = frozenset(c[:3] for c in codes)
        m = StoryMention(f"d{i}", f"e{i}", "o", None, "190", "ASSAULT", None, None, weak, "p", lat, lon, (),
                         None)
        return _Mention(m, "19", None, "country" if country_place else "town",
                        rng.choice(["SYR", "TUR", None]), codes, frozenset({"SYR"}), sectors,
                        frozenset(rng.sample(["n1", "n2", "n3", "n4"], rng.randrange(0, 2))), True)

    def vouches(a: _Mention, b: _Mention) -> bool:
        if a.names & b.names:
            return True
        ma, mb = a.mention, b.mention
        located = "country" not in (a.place_kind, b.place_kind) and None not in (ma.lat, ma.lon, mb.lat, mb.lon)
        if located and haversine_km(ma.lat, ma.lon, mb.lat, mb.lon) <= settings.corroborate_km:
            return True
        if ma.date_weak or mb.date_weak or "country" in (a.place_kind, b.place_kind):
            return False
        return bool(a.codes & b.codes) or bool(a.sector_countries & b.sector_countries) and (
            a.place_country is not None and a.place_country == b.place_country)

    checked = 0
    for trial in range(200):
        story = _Story()
        members = [mention(trial * 100 + k) for k in range(rng.randrange(1, 20))]
        item = mention(trial * 100 + 99)
        (*rows, item_row), cols = _in_table([*members, item], settings)
        for row in rows:
            story.add(row, cols)
        expected = sum(vouches(item, m) for m in members)
        assert _support(item_row, story, cols, settings, {}) == expected
        checked += expected > 0
    assert checked > 50


def test_a_story_of_one_member_is_compared_as_the_same_story_counted():
    # A story of one member is compared with that member itself (its kinds and indexes are made when a
    # second member joins): support and contradiction are those of the story with the member counted.
    import random

    from eventwire.link.mentions import StoryMention, _Mention
    from eventwire.link.story_match import _contradicts, _Story, _support

    settings = LinkSettings()
    rng = random.Random(3)
    towns = [(36.2, 37.15), (36.25, 37.2), (36.4, 37.3), (36.7, 37.1), (35.9, 36.6), (37.2, 37.15), (36.2, 38.3)]

    def mention(i: int) -> _Mention:
        lat, lon = (None, None) if rng.random() < 0.15 else rng.choice(towns)
        codes = frozenset(rng.sample(["SYRMIL", "SYRREB", "TURMIL", "RUSMIL"], rng.randrange(0, 3)))
        m = StoryMention(f"d{i}", f"e{i}", "o", None, "190", "ASSAULT", None, None, rng.random() < 0.4, "p", lat, lon,
                         (), None)
        return _Mention(m, "19", None, "country" if rng.random() < 0.2 else "town", rng.choice(["SYR", "TUR", None]),
                        codes, frozenset(rng.sample(["SYR", "TUR", "IRQ"], rng.randrange(0, 3))),
                        frozenset(c[:3] for c in codes), frozenset(rng.sample(["n1", "n2", "n3"], rng.randrange(0, 2))),
                        True)

    outcomes = set()
    for trial in range(3000):
        (first, item), cols = _in_table([mention(2 * trial), mention(2 * trial + 1)], settings)
        alone = _Story()
        alone.add(first, cols)
        counted = _Story()
        counted.add(first, cols)
        counted._count(first, cols)
        assert not alone.weights and counted.weights == [1]
        for distances in ({}, None):
            pair = (_support(item, alone, cols, settings, {}),
                    _contradicts(item, alone, cols, settings, None if distances is None else {}))
            assert pair == (_support(item, counted, cols, settings, {}),
                            _contradicts(item, counted, cols, settings, None if distances is None else {}))
            outcomes.add(pair)
    assert outcomes == {(0, False), (0, True), (1, False), (1, True)}


def test_shingle_segments_give_back_each_array_across_block_ends():
    import random
    import weakref

    import numpy as np

    from eventwire.link.buffers import Segments

    rng = random.Random(1)
    segments = Segments(np.uint32, block=10)
    arrays = [np.array([rng.randrange(1000) for _ in range(rng.randrange(0, 25))], dtype=np.uint32)
              for _ in range(200)]
    for a in arrays:
        segments.append(a)
    assert len(segments) == 200
    assert all(np.array_equal(segments[i], a) for i, a in enumerate(arrays))
    blocks = [weakref.ref(b) for b in segments._blocks]
    # Drained: the same arrays in order, each block let go once read past, nothing held after.
    drained, released = [], []
    for a in segments.drained():
        drained.append(a.copy())
        released.append(sum(b() is None for b in blocks))
    assert released == sorted(released) and released[-1] == len(blocks) - 1 > 10
    assert all(np.array_equal(d, a) for d, a in zip(drained, arrays)) and len(drained) == 200
    assert len(segments) == 0 and not segments._blocks


def test_what_a_step_holds_is_frozen_its_garbage_collected_and_full_collections_rarer_until_linking_ends():
    import gc
    import weakref

    from eventwire.link.buffers import FULL_COLLECTION_AFTER, kept_objects_frozen

    class Node:
        pass

    def cycle() -> tuple[Node, weakref.ref]:
        a, b = Node(), Node()
        a.other, b.other = b, a
        return a, weakref.ref(a)

    gc.unfreeze()  # what an earlier test's code froze in this process (a worker's warm-up)
    before = gc.get_threshold()
    with kept_objects_frozen() as freeze:
        assert gc.get_threshold()[2] == max(before[2], FULL_COLLECTION_AFTER)
        assert gc.get_threshold()[:2] == before[:2]
        kept, kept_ref = cycle()
        dropped_ref = cycle()[1]  # garbage: a cycle nothing refers to
        freeze()
        # The garbage was collected before the freeze; what is held is frozen, and stays alive.
        assert dropped_ref() is None and kept_ref() is kept
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0

    # A process that froze objects of its own keeps them frozen; only the threshold changes meanwhile.
    # (A frozen object that dies leaves the count: a few may go while the block runs.)
    gc.freeze()
    try:
        own = gc.get_freeze_count()
        with kept_objects_frozen() as freeze:
            assert gc.get_threshold()[2] == max(before[2], FULL_COLLECTION_AFTER)
            made = [[] for _ in range(1000)]  # tracked objects made since the process froze its own
            freeze()
            assert gc.get_freeze_count() < own + len(made)  # not frozen by this freeze
        assert own - 100 < gc.get_freeze_count() < own + len(made)  # and its own not let go
        assert gc.get_threshold() == before
    finally:
        gc.unfreeze()


def test_document_frequencies_counted_by_chunks_are_those_of_all_articles(monkeypatch):
    import random

    import numpy as np

    from eventwire.link import vectors as vector_module
    from eventwire.link.articles import ArticleTerms
    from eventwire.link.vectors import _document_frequencies

    rng = random.Random(2)
    articles = [ArticleTerms(f"d{i}", None, False, np.array(sorted(rng.sample(range(60), rng.randrange(0, 12))),
                                                            dtype=np.uint32), np.ones(0, dtype=np.uint32))
                for i in range(23)]
    terms, counts = np.unique(np.concatenate([a.terms for a in articles]), return_counts=True)
    monkeypatch.setattr(vector_module, "_DF_CHUNK", 4)
    chunked_terms, chunked_counts, n, total = _document_frequencies(a.terms for a in articles)
    assert np.array_equal(chunked_terms, terms) and np.array_equal(chunked_counts, counts)
    assert chunked_counts.dtype == counts.dtype
    assert (n, total) == (len(articles), sum(len(a.terms) for a in articles))  # the room the vectors take


def test_a_story_s_points_measured_at_once_are_haversine_s_distances():
    # A story of many places is measured from a mention in one array (_haversine_many over the story's
    # point_array, whose per-point terms are computed once): each distance is haversine_km's but for the
    # rounding, also for a point that joins after the array was made, and across the antimeridian.
    import random

    from eventwire.link.mentions import StoryMention, _Mention
    from eventwire.link.sphere import haversine_many as _haversine_many
    from eventwire.link.story_match import _Story

    settings = LinkSettings()
    rng = random.Random(11)
    _ROUNDING_KM = 1e-6  # float64 rounding of the two formulas: ~1e-12 km

    def placed(i: int, lat: float, lon: float) -> _Mention:
        m = StoryMention(f"d{i}", f"e{i}", "o", None, "190", "ASSAULT", None, None, False, "p", lat, lon, (), None)
        return _Mention(m, "19", None, "town", "SYR", frozenset(), frozenset(), frozenset(), frozenset(), True)

    story = _Story()
    rows, cols = _in_table([placed(i, rng.uniform(-80, 80), rng.uniform(-180, 180)) for i in range(20)]
                           + [placed(99, 36.3, 37.2)], settings)
    for row in rows[:20]:
        story.add(row, cols)
    for lat, lon in [(36.2, 37.15), (-12.5, 179.9), (64.0, -179.95)]:
        far = _haversine_many(lat, lon, story.point_array())
        assert len(far) == len(story.points) == 20
        for km, (p_lat, p_lon) in zip(far.tolist(), story.points):
            assert abs(km - haversine_km(lat, lon, p_lat, p_lon)) <= _ROUNDING_KM
    story.add(rows[20], cols)
    near = _haversine_many(36.2, 37.15, story.point_array())
    assert len(near) == 21 and abs(near[-1] - haversine_km(36.2, 37.15, 36.3, 37.2)) <= _ROUNDING_KM


def test_a_large_story_s_support_and_contradiction_measured_in_one_array_are_those_measured_point_by_point():
    # A story of more than _FEW_POINTS places is measured from a mention in one numpy array (the dot
    # products of unit vectors): the support counted from it is the one counted with haversine_km point
    # by point, for mentions near, beyond and about corroborate_km from the story's places; and the
    # contradiction the one haversine_many's distances give, about max_km from a place too.
    import random

    from eventwire.link.mentions import StoryMention, _Mention
    from eventwire.link.sphere import haversine_many, unit_vector
    from eventwire.link.story_match import _FEW_POINTS, _contradicts, _farther_in_latitude, _Story, _support

    settings = LinkSettings()
    rng = random.Random(3)
    km_per_degree = 6371.0088 * 3.141592653589793 / 180

    def placed(i: int, lat: float, lon: float) -> _Mention:
        m = StoryMention(f"d{i}", f"e{i}", "o", None, "190", "ASSAULT", None, None, True, "p", lat, lon, (), None)
        return _Mention(m, "19", None, "town", "SYR", frozenset(), frozenset(), frozenset(), frozenset(), True)

    counted = contradicted = by_latitude = 0
    for trial in range(60):
        story = _Story()
        rows, cols = _in_table([placed(trial * 100 + k, 36.0 + rng.uniform(-0.25, 0.25), 37.0 + rng.uniform(-0.25, 0.25))
                                for k in range(_FEW_POINTS + 1 + rng.randrange(20))], settings)
        for row in rows:
            story.add(row, cols)
        assert len(story.points) > _FEW_POINTS
        for j in range(10):
            # a mention due north of one of the story's places, about corroborate_km from it
            p_lat, p_lon = rng.choice(list(story.points))
            lat = p_lat + settings.corroborate_km * rng.choice([0.5, 0.999999, 1.0, 1.000001, 1.5]) / km_per_degree
            # a story of many members is compared on its own indexes: the mention's row may be another table's
            (item,), item_cols = _in_table([placed(trial * 100 + 90 + j, lat, p_lon)], settings)
            dots = story.unit_array() @ unit_vector(lat, p_lon)
            support = _support(item, story, item_cols, settings, {}, dots)
            assert support == _support(item, story, item_cols, settings, {})
            counted += support > 0
            # a mention due south of the story's northernmost place, about max_km from it
            s_lat, s_lon = max(story.points)
            lat = s_lat - settings.max_km * rng.choice([0.5, 0.9, 0.999999, 1.0, 1.000001, 1.5]) / km_per_degree
            (item,), item_cols = _in_table([placed(trial * 100 + 80 + j, lat, s_lon)], settings)
            far = bool((haversine_many(lat, s_lon, story.point_array()) > settings.max_km).any())
            contradicted += far
            dots = story.unit_array() @ unit_vector(lat, s_lon)
            assert _contradicts(item, story, item_cols, settings, {}, dots) == far
            assert _contradicts(item, story, item_cols, settings, {}) == far
            # told by the latitudes alone only when it does contradict
            if _farther_in_latitude(lat, story, settings):
                assert far
                by_latitude += 1
    assert counted > 100 and 100 < contradicted < 500 and 50 < by_latitude < contradicted


def test_a_large_story_counts_its_members_by_place_as_they_join_as_it_counts_them_kind_by_kind():
    # A story of many places counts the members placed near a mention by place (each kind has one place),
    # kept as members join: more of a kind, a new kind at a place already measured, new places, members
    # placed nowhere. The support so counted, between joins, is the one counted kind by kind, also when a
    # kind vouches both by its place and by a shared name (counted once).
    import random

    from eventwire.link.mentions import StoryMention, _Mention
    from eventwire.link.sphere import unit_vector
    from eventwire.link.story_match import _FEW_POINTS, _Story, _support

    settings = LinkSettings()
    rng = random.Random(11)

    def mention(i: int, point: tuple[float, float] | None, names: frozenset) -> _Mention:
        lat, lon = point or (None, None)
        m = StoryMention(f"d{i}", f"e{i}", "o", None, "190", "ASSAULT", None, None, True, "p", lat, lon, (), None)
        return _Mention(m, "19", None, "town", "SYR", frozenset(), frozenset(), frozenset(), names, True)

    compared = by_place = 0
    for trial in range(30):
        # more places than the arrays first make room for (they grow as places join)
        places = [(36.0 + rng.uniform(-0.3, 0.3), 37.0 + rng.uniform(-0.3, 0.3)) for _ in range(_FEW_POINTS + 40)]
        names = [frozenset(), frozenset({"n1"}), frozenset({"n2"})]
        joining = [mention(trial * 1000 + k, None if rng.random() < 0.1 else rng.choice(places), rng.choice(names))
                   for k in range(160)]
        probes = [mention(trial * 1000 + 900 + j, (36.0 + rng.uniform(-0.4, 0.4), 37.0 + rng.uniform(-0.4, 0.4)),
                          rng.choice(names)) for j in range(6)]
        rows, cols = _in_table([*joining, *probes], settings)
        story = _Story()
        for k, row in enumerate(rows[:len(joining)]):
            story.add(row, cols)
            if k % 7 or not story.points or len(story.points) <= _FEW_POINTS:
                continue
            for item in rows[len(joining):]:
                dots = story.unit_array() @ unit_vector(cols.lat[item], cols.lon[item])
                support = _support(item, story, cols, settings, {}, dots)
                assert support == _support(item, story, cols, settings, {}), (trial, k)
                compared += 1
                by_place += support > 0
    assert compared > 300 and by_place > 100


def test_a_mention_table_gives_back_each_mention_and_ranks_rows_as_python_compares_them():
    # A day's mentions held as columns (numbers into one table of values, day ordinals, floats): each
    # row reads back as the StoryMention it was made from, the copies' rows are marked with their
    # original, and rows are ranked as Python sorts their (published or blank, doc id, event id).
    import random
    from datetime import date

    from eventwire.link.mentions import MentionTable, StoryMention, _Mention
    from eventwire.record import Evidence

    rng = random.Random(4)
    mentions = []
    for i in range(300):
        window = None if rng.random() < 0.2 else (date(2016, 7, rng.randrange(1, 9)), date(2016, 7, rng.randrange(9, 12)))
        lat, lon = (None, None) if rng.random() < 0.3 else (rng.uniform(-80, 80), rng.uniform(-180, 180))
        m = StoryMention(f"d{rng.randrange(40)}", f"event{rng.randrange(5)}", rng.choice(["ap", "afp"]),
                         rng.choice([None, "", "2016-07-05", "2016-07-04T10:00:00"]), rng.choice(["190", "183"]),
                         rng.choice([None, "ASSAULT"]), window and window[0].isoformat(), window and window[1].isoformat(),
                         rng.random() < 0.5, rng.choice([None, "Aleppo"]), lat, lon,
                         tuple(rng.sample(["SYRMIL", "SYRREB", "TURMIL"], rng.randrange(0, 3))),
                         rng.choice([None, Evidence("It happened.", 0, 12, "body")]))
        mentions.append(_Mention(m, m.cameo[:2], window, rng.choice([None, "town", "country"]), rng.choice([None, "SYR"]),
                                 frozenset(m.actors), frozenset({"SYR"}), frozenset(), frozenset(), rng.random() < 0.8))
    table = MentionTable()
    assert [table.add(m) for m in mentions] == list(range(300))
    table.mark_duplicates({"d3": "d7"})
    for row, m in enumerate(mentions):
        expected = m.mention if m.mention.doc_id != "d3" else replace(m.mention, duplicate_of="d7")
        assert table.mention(row) == expected
        start, end = table.column("start")[row], table.column("end")[row]
        assert (date.fromordinal(start), date.fromordinal(end)) == m.window if m.window else start == end == 0
    ranks = table.ranks("published", "doc_id", "event_id", blank="\uffff").tolist()

    def key(row: int) -> tuple:
        m = mentions[row].mention
        return m.published or "\uffff", m.doc_id, m.event_id

    for a, b in zip(range(300), rng.sample(range(300), 300)):
        assert (ranks[a] < ranks[b]) == (key(a) < key(b)) and (ranks[a] == ranks[b]) == (key(a) == key(b))
    with pytest.raises(ValueError):
        table.add(mentions[0])  # read: no row can be added


def test_the_cells_a_place_probes_hold_every_place_within_corroborate_km():
    # The probed cells are the rectangle around the disk of corroborate_km less the cells wholly beyond
    # it: every place within reach (haversine_km), also about the reach, near a pole and across the
    # antimeridian, lies in a probed cell; and fewer cells are probed than the rectangle's.
    import math
    import random

    from eventwire.link.sphere import cell as _cell
    from eventwire.link.sphere import probe_cells as _probe_cells
    from eventwire.link.sphere import probe_reach as _probe_reach

    settings = LinkSettings()
    km = settings.corroborate_km
    rng = random.Random(8)
    fewer = 0
    for trial in range(400):
        lat = rng.choice([rng.uniform(-60, 60), rng.uniform(80, 89.5), rng.uniform(-89.5, -80)])
        lon = rng.choice([rng.uniform(-180, 180), rng.uniform(179.7, 180), rng.uniform(-180, -179.7)])
        lon = lon - 360 if lon >= 180 else lon
        probed = {(r, c) for r, columns in _probe_cells(lat, lon, settings) for c in columns}
        rows, reach = _probe_reach(lat, km)
        fewer += len(probed) < (2 * rows + 1) * (2 * reach + 1)
        for _ in range(60):
            # a point at a random bearing and distance (the sphere's destination formula)
            d = km * rng.choice([rng.random(), 0.999999, 1.0, rng.uniform(0.98, 1.0)]) / 6371.0088
            bearing = rng.uniform(0, 2 * math.pi)
            p1, l1 = math.radians(lat), math.radians(lon)
            p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
            l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
            p_lat, p_lon = math.degrees(p2), (math.degrees(l2) + 180) % 360 - 180
            if haversine_km(lat, lon, p_lat, p_lon) <= km:
                assert _cell(p_lat, p_lon) in probed, (lat, lon, p_lat, p_lon)
    assert fewer > 300


def test_the_cells_many_places_probe_at_once_are_those_each_probes():
    # probe_spans, for a sweep's thousands of places in numpy at once, gives each place the cells
    # probe_cells gives it: anywhere, on cell borders, near a pole; places whose cells pass the
    # antimeridian are marked (probe_cells gives them).
    import random

    import numpy as np

    from eventwire.link.sphere import probe_cells as _probe_cells
    from eventwire.link.sphere import probe_spans

    settings = LinkSettings()
    rng = random.Random(5)
    places = []
    for _ in range(5000):
        lat = rng.choice([rng.uniform(-70, 70), rng.uniform(80, 89.9), rng.uniform(-89.9, -80), round(rng.uniform(-70, 70), 1)])
        lon = rng.choice([rng.uniform(-180, 180), rng.uniform(179.8, 180), round(rng.uniform(-180, 180), 1)])
        places.append((lat, lon - 360 if lon >= 180 else lon))
    first_row, firsts, lasts, wraps = probe_spans(np.array([p[0] for p in places]), np.array([p[1] for p in places]),
                                                  settings)
    for i, (lat, lon) in enumerate(places):
        cells = _probe_cells(lat, lon, settings)
        wrapped = any(isinstance(columns, frozenset) for _, columns in cells)
        assert bool(wraps[i]) == wrapped, (lat, lon)
        if not wrapped:
            assert [(int(first_row[i]) + k, range(firsts[i, k], lasts[i, k] + 1)) for k in range(firsts.shape[1])
                    if firsts[i, k] <= lasts[i, k]] == cells, (lat, lon)
    assert 0 < wraps.sum() < len(places) // 2


def test_dot_products_of_unit_vectors_bound_haversine_s_distances():
    # A dot product above dot_bounds' `within` is a pair surely nearer than the distance by haversine_km
    # and haversine_many, one below `beyond` a pair surely farther, also within a metre of the distance,
    # near a pole and across the antimeridian; a distance the cosine cannot tell apart has no bounds.
    import math
    import random

    import numpy as np

    from eventwire.link.sphere import dot_bounds, haversine_many, unit_vector

    rng = random.Random(12)
    decided = 0
    for km in (0.5, 30.0, 75.0, 2000.0):
        within, beyond = dot_bounds(km)
        for _ in range(2000):
            lat = rng.choice([rng.uniform(-60, 60), rng.uniform(85, 89.9)])
            lon = rng.choice([rng.uniform(-180, 180), rng.uniform(179.9, 180)])
            d = km * rng.choice([rng.uniform(0.5, 1.5), 1.0, 1 - 1e-6, 1 + 1e-6, 1 - 1e-9]) / 6371.0088
            bearing = rng.uniform(0, 2 * math.pi)
            p1, l1 = math.radians(lat), math.radians(lon)
            p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
            l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1), math.cos(d) - math.sin(p1) * math.sin(p2))
            p_lat, p_lon = math.degrees(p2), (math.degrees(l2) + 180) % 360 - 180
            dot = float(unit_vector(lat, lon) @ unit_vector(p_lat, p_lon))
            row = np.array([[p_lat, p_lon, math.radians(p_lat), math.cos(math.radians(p_lat))]])
            many = float(haversine_many(lat, lon, row)[0])
            if dot > within:
                assert haversine_km(lat, lon, p_lat, p_lon) <= km and many <= km
            elif dot < beyond:
                assert haversine_km(lat, lon, p_lat, p_lon) > km and many > km
            decided += not beyond <= dot <= within
    assert decided > 4000  # all but those within rounding of the distance
    assert dot_bounds(0.0) is None and dot_bounds(30000.0) is None


def test_a_story_closed_by_a_reversed_window_is_not_met_again():
    # A window reversed in its data (its end before its start) closes its story at once, as every story
    # whose window ended before a later mention's start is closed: mentions of the same start, place
    # and participant that follow it make a story of their own.
    from datetime import date

    from eventwire.link.mentions import MentionTable, StoryMention, _Mention
    from eventwire.link.stories import stories_of_mentions

    def mention(i: int, start: date, end: date) -> _Mention:
        m = StoryMention(f"d{i}", "e1", "o", f"2016-07-0{i}", "190", "ASSAULT", start.isoformat(), end.isoformat(),
                         False, "p", 36.2, 37.15, (), None)
        return _Mention(m, "19", (start, end), "town", "SYR", frozenset(), frozenset({"SYR"}), frozenset(),
                        frozenset({"Q1"}), True)

    table = MentionTable()
    table.extend([mention(2, date(2016, 7, 5), date(2016, 7, 3)), mention(3, date(2016, 7, 5), date(2016, 7, 7)),
                  mention(4, date(2016, 7, 5), date(2016, 7, 7))])
    stories = stories_of_mentions(table, LinkSettings())
    assert sorted(s.doc_ids for s in stories) == [("d2",), ("d3", "d4")]
