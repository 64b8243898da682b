"""A Doc's attribute columns (eventwire.token_columns) and a sentence's entities read from its
paragraph's (read.Sentence.ents) are what spaCy's own accessors give."""
import gc
import weakref

from eventwire.ingest.text import parse_text
from eventwire.read import read
from eventwire.token_columns import columns, sentence_ends

TEXT = ("Syrian  regime forces shelled Idlib on Monday, killing 12 people in al-Bab. New York's mayor, "
        "Jane Roe, met ÉCOLE 3D staff.\n\nThe U.N. envoy arrived in Geneva. Talks with Russia resume.")


def test_columns_equal_the_token_attributes(nlp):
    doc = nlp(TEXT)
    cols = columns(doc)
    assert cols.text == [t.text for t in doc]
    assert cols.lower == [t.lower_ for t in doc]
    assert cols.lemma == [t.lemma_.lower() for t in doc]
    assert cols.pos == [t.pos_ for t in doc]
    assert cols.tag == [t.tag_ for t in doc]
    assert cols.dep == [t.dep_ for t in doc]
    assert cols.ent_type == [t.ent_type_ for t in doc]
    assert cols.alpha == [t.is_alpha for t in doc]
    assert cols.capitalised == [t.text[:1].isupper() for t in doc]
    assert "PROPN" in cols.pos and "GPE" in cols.ent_type
    assert columns(doc) is cols and cols.lower is columns(doc).lower  # read once per Doc


def test_an_empty_doc_has_empty_columns(nlp):
    assert columns(nlp("")).lower == []


def test_columns_do_not_keep_their_doc_alive(nlp):
    doc = nlp(TEXT)
    assert columns(doc).lower
    gone = weakref.ref(doc)
    gc.disable()  # freed by reference counting alone, not by a collection of a cycle
    try:
        del doc
        assert gone() is None
    finally:
        gc.enable()


def test_sentence_ends_equal_each_tokens_sentence(nlp):
    doc = nlp("Rebels shelled the town. Three people died! Officials said on Monday that talks would resume.")
    assert sentence_ends(doc) == [t.sent.end for t in doc]
    assert len(set(sentence_ends(doc))) == 3


def test_a_sentences_entities_are_span_ents(nlp):
    parsed = read(parse_text(f"A headline about Syria\n\n{TEXT}", "t.txt"), nlp)
    assert len(parsed.sentences) >= 4
    for sentence in parsed.sentences:
        assert [(e.start, e.end, e.label_) for e in sentence.ents] == \
            [(e.start, e.end, e.label_) for e in sentence.span.ents]
    assert any(sentence.ents for sentence in parsed.sentences[1:])


def test_a_paragraphs_text_is_the_text_it_was_parsed_from(nlp):
    from eventwire.read import doc_text

    text = "Rebels  shelled\tthe town.\u00a0Three people died!  "
    parsed = read(parse_text(f"A headline\n\n{text}\n\nOfficials said so. ", "t.txt"), nlp)
    for paragraph in parsed.paragraphs:
        kept = paragraph.doc.user_data.get("eventwire.text")  # kept from the parser's input, not joined again
        assert kept is not None and doc_text(paragraph.doc) is kept and kept == paragraph.doc.text
    assert [doc_text(p.doc) for p in parsed.paragraphs] == \
        ["A headline", "Rebels shelled the town. Three people died!", "Officials said so."]  # as ingest spaced it


TREE_TEXT = ("Turkish troops, backed by rebels who had crossed the border on Monday, shelled positions near "
             "Afrin and killed at least 12 fighters, the ministry said. Talks in Geneva, which the U.N. "
             "hosts, will resume if both sides agree to a ceasefire.")


def test_the_tree_columns_equal_spacys_heads_children_and_subtrees(nlp):
    doc = nlp(TREE_TEXT)
    cols = columns(doc)
    assert cols.head == [t.head.i for t in doc]
    assert cols.children == [[c.i for c in t.children] for t in doc]
    assert all(cols.subtree(t.i) == [s.i for s in t.subtree] for t in doc)
    # heads on both sides of their tokens, roots, and tokens with several children on each side
    assert any(h < i for i, h in enumerate(cols.head)) and any(h > i for i, h in enumerate(cols.head))
    assert sum(h == i for i, h in enumerate(cols.head)) == 2
    assert any(min(k) < i < max(k) for i, k in enumerate(cols.children) if k)


def test_a_long_chain_of_heads_has_its_whole_subtree(nlp):
    from spacy.tokens import Doc

    words = [f"w{i}" for i in range(3000)]
    doc = Doc(nlp.vocab, words=words, heads=[i + 1 for i in range(2999)] + [2999], deps=["dep"] * 3000)
    assert columns(doc).subtree(2999) == list(range(3000))  # no recursion limit
    assert columns(doc).children[5] == [4]


def test_word_strings_are_right_after_the_kept_strings_are_emptied(nlp, monkeypatch):
    import eventwire.token_columns as token_columns

    monkeypatch.setattr(token_columns, "_WORDS_KEPT", 10)
    monkeypatch.setattr(token_columns, "_WORDS", {})  # whatever earlier tests kept
    monkeypatch.setattr(token_columns, "_LOWER_LEMMAS", {})
    for text in (TEXT, TREE_TEXT, TEXT):
        doc = nlp(text)
        cols = columns(doc)
        assert cols.text == [t.text for t in doc]
        assert cols.lower == [t.lower_ for t in doc]
        assert cols.lemma == [t.lemma_.lower() for t in doc]
        assert len(token_columns._WORDS) <= len(set(cols.text) | set(cols.lower))  # only this Doc's
        assert len(token_columns._LOWER_LEMMAS) <= len(set(cols.lemma))
