"""The helper process that sweeps story events and screens article-link candidates beside the linking
process (link/helper.py): the same stories and links whichever process sweeps a block or screens a
batch, the vectors' pages mapped rather than copied, and linking that goes on alone when the helper
fails."""
from __future__ import annotations

import logging
import os
import pickle
import random
import time

import numpy as np
import pytest

import eventwire.link.articles as articles_module
from eventwire.link import helper as helper_module
from eventwire.link.articles import TermCounts, link_articles
from eventwire.link.helper import LinkHelper, helper_for
from eventwire.link.mentions import LinkSettings, MentionTable, event_mentions
from eventwire.link.stories import stories_of_mentions
from eventwire.link.sweep_columns import SweepColumns
from eventwire.link.vectors import Vectors
from eventwire.record import ArticleRecord
from test_link import _actor, _doc, _event, _place
from test_link_word_counts import _day_of_articles


def _made(articles, scratch=None) -> Vectors:
    vectors = Vectors((a.terms for a in articles), 12, scratch)
    for a in articles:
        vectors.add(a.doc_id, a.terms, a.counts)
    return vectors


def _batch(vectors: Vectors, seed: int = 3) -> tuple:
    """Every row screened against a random half of the rows."""
    rng = random.Random(seed)
    rows = list(range(vectors.size))
    others = [sorted(rng.sample(rows, len(rows) // 2)) for _ in rows]
    bounds = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum([len(o) for o in others], out=bounds[1:])
    return np.array(rows, dtype=np.int64), bounds, np.array(sum(others, []), dtype=np.int64), 0.05


def test_mapped_vectors_screen_as_the_vectors_they_map(tmp_path):
    articles = _day_of_articles(60)
    vectors = _made(articles, str(tmp_path))
    assert isinstance(vectors.terms, np.memmap) and isinstance(vectors.counts, np.memmap)
    in_memory = _made(articles)
    mapped = Vectors.mapped(vectors.shared())
    batch = _batch(vectors)
    kept, cosines = vectors.screened(*batch)
    assert len(kept) and not np.array_equal(kept, np.arange(len(batch[2])))  # some pass, some do not
    for other in (mapped, in_memory):
        other_kept, other_cosines = other.screened(*batch)
        assert np.array_equal(other_kept, kept) and np.array_equal(other_cosines, cosines)  # to the bit
    # Each kept place's cosine is its pair's, and reaches the lowest cosine screened for.
    articles_of = np.searchsorted(batch[1], kept, side="right") - 1
    for place, article, cos in zip(kept.tolist(), articles_of.tolist(), cosines.tolist()):
        assert cos == vectors.cosine(article, int(batch[2][place])) >= batch[3] - 1e-5


def test_vectors_made_without_a_scratch_directory_or_rows_cannot_be_shared(tmp_path):
    articles = _day_of_articles(10)
    with pytest.raises(ValueError, match="without a scratch directory"):
        _made(articles).shared()
    partial = Vectors((a.terms for a in articles), 12, str(tmp_path))
    partial.add(articles[0].doc_id, articles[0].terms, articles[0].counts)
    with pytest.raises(ValueError, match="1 of the 10 rows are added"):
        partial.shared()


def test_a_helper_is_started_only_for_a_day_large_enough(monkeypatch):
    assert helper_for(helper_module.HELPER_FROM - 1) is None
    monkeypatch.setattr(helper_module.os, "cpu_count", lambda: 1)
    assert helper_for(helper_module.HELPER_FROM) is None


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of a few candidates: a day of 200 articles makes many, handed to the helper and screened
    here in turn."""
    monkeypatch.setattr(articles_module, "_BATCH_CANDIDATES", 16)


def test_links_screened_with_a_helper_are_those_screened_alone(small_batches, monkeypatch):
    articles = _day_of_articles(200)
    alone = link_articles(TermCounts.of(articles), [], {})
    assert len(alone) > 50
    handed = []
    offer = LinkHelper.offer

    def counted(self, batch, tag):
        accepted = offer(self, batch, tag)
        handed.append(accepted)
        return accepted

    monkeypatch.setattr(LinkHelper, "offer", counted)
    with LinkHelper() as helper:
        together = link_articles(TermCounts.of(articles), [], {}, helper=helper)
        assert not helper.failed
    assert sorted(together, key=lambda k: (k.doc_a, k.doc_b)) == sorted(alone, key=lambda k: (k.doc_a, k.doc_b))
    assert any(handed) and not all(handed)  # the helper screened some batches, this process others


def test_linking_goes_on_alone_when_the_helper_dies(small_batches, monkeypatch, caplog):
    # The helper is killed once it holds batches: they are screened here, and the links are the same.
    articles = _day_of_articles(200)
    alone = link_articles(TermCounts.of(articles), [], {})
    offer = LinkHelper.offer

    def killing(self, batch, tag):
        accepted = offer(self, batch, tag)
        if accepted and len(self._pending) == helper_module.IN_FLIGHT:
            self._process.kill()
            self._process.wait()
        return accepted

    monkeypatch.setattr(LinkHelper, "offer", killing)
    with caplog.at_level(logging.WARNING, logger="eventwire.link.helper"), LinkHelper() as helper:
        together = link_articles(TermCounts.of(articles), [], {}, helper=helper)
        assert helper.failed
    assert sorted(together, key=lambda k: (k.doc_a, k.doc_b)) == sorted(alone, key=lambda k: (k.doc_a, k.doc_b))
    assert "linking goes on in one process: its helper process failed" in caplog.text


def test_a_helper_ends_when_its_parent_closes_the_socket():
    helper = LinkHelper()
    process = helper._process
    helper._conn.close()  # as when this process ends without closing the helper
    assert process.wait(timeout=30) == 0


_TYPES = (("190", "ASSAULT"), ("183", "ASSAULT"), ("111", "ACCUSE"), ("040", "CONSULT"), ("120", None))
_TOWNS = (("Aleppo", (36.2, 37.16)), ("Idlib", (35.93, 36.63)), ("Homs", (34.73, 36.72)), ("Suburb", (36.25, 37.2)))


def _varied_day(n: int = 160) -> list[ArticleRecord]:
    """`n` reports of events of five types (four event-type blocks) in four towns over four days, by a few
    named groups: stories of many members in every block."""
    rng = random.Random(11)
    records = []
    for i in range(n):
        cameo, plover = rng.choice(_TYPES)
        town, where = rng.choice(_TOWNS)
        day = f"2016-07-0{rng.randrange(4, 8)}"
        group = rng.choice(("Al-Nusra Front", "Army", "Ahrar al-Sham"))
        records.append(ArticleRecord(
            document=_doc(f"r{i:03d}", f"outlet{i % 7}", f"{day}T1{i % 10}:00:00"),
            actors=(_actor("actor1", "SYRREB", "SYR", group, kind="organisation"),),
            places=(_place("place1", town, where),),
            events=(_event(cameo, plover or "", day=day),)))
    return records


def _table(records) -> MentionTable:
    table = MentionTable()
    for record in records:
        table.extend(event_mentions(record))
    return table


def _story_groups(stories) -> list[tuple[str, ...]]:
    return sorted(tuple(sorted(m.event_id + "@" + m.doc_id for m in s.mentions)) for s in stories)


def test_stories_swept_with_a_helper_are_those_swept_alone(monkeypatch):
    records = _varied_day()
    alone = stories_of_mentions(_table(records))
    assert sum(len(s.mentions) > 2 for s in alone) > 8
    handed = []
    sweep = LinkHelper.sweep
    monkeypatch.setattr(LinkHelper, "sweep", lambda self, blocks, answer: handed.append(len(blocks)) or sweep(
        self, blocks, answer))
    with LinkHelper() as helper:
        together = stories_of_mentions(_table(records), helper=helper)
        assert not helper.failed
    assert handed == [3]  # every block but the largest
    assert together == alone and _story_groups(together) == _story_groups(alone)


@pytest.mark.parametrize("when", ["before", "after"])
def test_stories_are_swept_here_when_the_helper_dies(monkeypatch, caplog, when):
    # Killed before it is handed the blocks (they are swept here), or once it holds them (its answer is
    # never read: swept here too). The stories are the same.
    records = _varied_day()
    alone = stories_of_mentions(_table(records))
    sweep = LinkHelper.sweep

    def killing(self, blocks, answer):
        if when == "before":
            self._process.kill()
            self._process.wait()
        accepted = sweep(self, blocks, answer)
        if when == "after":
            self._process.kill()
            self._process.wait()
        return accepted

    monkeypatch.setattr(LinkHelper, "sweep", killing)
    with caplog.at_level(logging.WARNING, logger="eventwire.link.helper"), LinkHelper() as helper:
        together = stories_of_mentions(_table(records), helper=helper)
        assert helper.failed
    assert together == alone
    assert "its helper process failed" in caplog.text



def test_a_helper_holding_work_is_stopped_at_once_when_closed(tmp_path):
    # This process stopped before reading the answer (an error, an interrupt): the helper, still
    # sweeping, is not waited for.
    table = _table(_varied_day(2000))
    rows = np.arange(len(table))
    block = tmp_path / "block.pickle"
    block.write_bytes(pickle.dumps((SweepColumns(table, LinkSettings(), rows), rows, rows, LinkSettings())))
    blocks = []
    for i in range(400):  # ~15 s of work: the same block under 400 names (the helper removes each it reads)
        blocks.append(str(tmp_path / f"block-{i}.pickle"))
        os.link(block, blocks[-1])
    helper = LinkHelper()
    process = helper._process
    assert helper.sweep(blocks, str(tmp_path / "swept.pickle"))
    started = time.perf_counter()
    helper.close()
    assert process.poll() is not None and time.perf_counter() - started < 2


def _vector_files_mapped(pid: int | str = "self") -> list[str]:
    with open(f"/proc/{pid}/maps") as maps:
        return [line for line in maps if "eventwire-vectors-" in line]


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="reads /proc/PID/maps (Linux)")
def test_one_helper_sweeps_then_screens_and_no_process_keeps_the_vectors_mapped(small_batches, tmp_path):
    # The helper that swept starts afresh (the same process id, a new interpreter) and screens; once
    # the article links are made neither process maps the vectors' files any longer.
    records = _varied_day()
    day = _day_of_articles(200)
    alone = link_articles(TermCounts.of(day), [], {})
    with LinkHelper() as helper:
        pid = helper._process.pid
        assert stories_of_mentions(_table(records), helper=helper) == stories_of_mentions(_table(records))
        assert helper._process.pid == pid
        together = link_articles(TermCounts.of(day), [], {}, helper=helper)
        assert not helper.failed and not _vector_files_mapped()
        assert helper.sweep([], str(tmp_path / "swept.pickle"))  # a round trip: all sent before is read
        assert helper.swept() == [] and not _vector_files_mapped(pid)
    assert sorted(together, key=lambda k: (k.doc_a, k.doc_b)) == sorted(alone, key=lambda k: (k.doc_a, k.doc_b))
