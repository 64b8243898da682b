"""Token attributes read as columns (ground/token_columns) and a sentence's entities read from its
paragraph's (read.Sentence.ents) are what spaCy's own accessors give."""
from eventwire.ground import token_columns as columns
from eventwire.ingest.text import parse_text
from eventwire.read import read

TEXT = ("Syrian  regime forces shelled Idlib on Monday, killing 12 people in al-Bab. New York's mayor, "
        "Jane Roe, met ÉCOLE 3D staff.\n\nThe U.N. envoy arrived in Geneva. Talks with Russia resume.")


def test_columns_equal_the_token_attributes(nlp):
    doc = nlp(TEXT)
    assert columns.texts(doc) == [t.text for t in doc]
    assert columns.lowers(doc) == [t.lower_ for t in doc]
    assert columns.pos_tags(doc) == [t.pos_ for t in doc]
    assert columns.entity_types(doc) == [t.ent_type_ for t in doc]
    assert columns.lemma_lowers(doc) == [t.lemma_.lower() for t in doc]
    assert columns.alphabetic(doc) == [t.is_alpha for t in doc]
    assert columns.capitalised(doc) == [t.text[:1].isupper() for t in doc]
    assert "PROPN" in columns.pos_tags(doc) and "GPE" in columns.entity_types(doc)


def test_a_sentences_entities_are_span_ents(nlp):
    parsed = read(parse_text(f"A headline about Syria\n\n{TEXT}", "t.txt"), nlp)
    assert len(parsed.sentences) >= 4
    for sentence in parsed.sentences:
        assert [(e.start, e.end, e.label_) for e in sentence.ents] == \
            [(e.start, e.end, e.label_) for e in sentence.span.ents]
    assert any(sentence.ents for sentence in parsed.sentences[1:])
