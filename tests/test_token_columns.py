"""A Doc's attribute columns equal its tokens' attributes."""
import pytest

from eventwire.read import load_model
from eventwire.token_columns import columns, sentence_ends


@pytest.fixture(scope="module")
def nlp():
    return load_model()


def test_columns_equal_the_token_attributes(nlp):
    doc = nlp("Syrian rebels STAGED attacks on 3 March; the U.N. condemned the shelling of Aleppo's markets.")
    cols = columns(doc)
    assert cols.lower == [t.lower_ for t in doc]
    assert cols.lemma == [t.lemma_.lower() for t in doc]
    assert cols.pos == [t.pos_ for t in doc]
    assert cols.tag == [t.tag_ for t in doc]
    assert cols.dep == [t.dep_ for t in doc]
    assert columns(doc) is cols  # read once per Doc


def test_an_empty_doc_has_empty_columns(nlp):
    assert columns(nlp("")).lower == []


def test_sentence_ends_equal_each_tokens_sentence(nlp):
    doc = nlp("Rebels shelled the town. Three people died! Officials said on Monday that talks would resume.")
    assert sentence_ends(doc) == [t.sent.end for t in doc]
    assert len(set(sentence_ends(doc))) == 3
