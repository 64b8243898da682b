"""The index that lets the n-gram finders skip start tokens that begin no known name
(ActorKB.may_begin_name): it must let through every token a looked-up name can begin with."""
import re

import pytest

from eventwire.ground.actor_kb import load_actor_kb, may_begin_key
from eventwire.ground.actor_spelling import _ArticleKB


def test_every_name_of_the_tables_passes_by_its_first_token():
    kb = load_actor_kb()
    tables = (kb.country_names, kb.demonyms, kb.seats, kb.capitals, kb.regions, kb.ethnic, kb.org_names)
    for table in tables:
        for name in table:
            # the first token as spaCy may cut it: the first word, or its part before a hyphen or apostrophe
            word = name.split()[0]
            for first in {word, *re.split(r"[-'’.]", word)[:1]}:
                if first:
                    assert kb.may_begin_name(first), (name, first)


@pytest.mark.parametrize("word", ["Syria", "Syria's", "Syria’s", "Kremlin", "the", "The", "White", "DAESH",
                                  "\n", " "])
def test_starts_of_names_possessives_the_and_whitespace_pass(word):
    assert load_actor_kb().may_begin_name(word)


@pytest.mark.parametrize("word", ["Xqzvw", "yesterday", "Tuesday's"])
def test_words_that_begin_no_name_are_skipped(word):
    assert not load_actor_kb().may_begin_name(word)


def test_the_articles_misspellings_pass_only_in_its_view():
    kb = load_actor_kb()
    assert not kb.may_begin_name("Ethopia")
    assert _ArticleKB(kb, {"Ethopia": "Ethiopia"}).may_begin_name("Ethopia")


def test_may_begin_key_reads_prefixes_of_sorted_keys():
    keys = ("Guinea-Bissau", "Syria", "al-Qaeda")
    assert may_begin_key(keys, "Guinea")
    assert may_begin_key(keys, "Syria's")
    assert may_begin_key(keys, "AL")  # a name in capitals is looked up folded
    assert not may_begin_key(keys, "Guineas")


def test_answers_are_kept_for_the_process_and_forgotten_past_the_memo_size(monkeypatch):
    import eventwire.ground.actor_kb as actor_kb

    kb = load_actor_kb()
    kb._begins_memo.clear()
    assert kb.may_begin_name("Syria") and not kb.may_begin_name("Xqzvw")
    assert kb._begins_memo == {"Syria": True, "Xqzvw": False}  # asked again, answered from the memo
    monkeypatch.setattr(actor_kb, "_SPELLING_MEMO", 3)
    for word in ("Kremlin", "Tuesday's", "White", "Qzx"):
        kb.may_begin_name(word)
    assert len(kb._begins_memo) <= 3
    assert [kb.may_begin_name(w) for w in ("Syria", "Xqzvw", "Kremlin")] == [True, False, True]
    kb._begins_memo.clear()


def test_the_article_view_keeps_the_kb_tables_it_was_asked_for():
    kb = load_actor_kb()
    view = _ArticleKB(kb, {})
    assert "regions" not in vars(view)
    assert view.regions is kb.regions and view.last_words("groups") == kb.last_words("groups")
    assert vars(view)["regions"] is kb.regions  # the next lookups find it on the view, not through __getattr__
    assert view.org_names is kb.org_names  # the view's own attributes stay its own
