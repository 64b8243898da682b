"""The coder's tree walks over the token columns (eventwire.token_columns) give what the same walks over
spaCy's Tokens give: argument links (coding/arguments.py) and the CAMEO verb dictionary's regions and
multi-word entries (coding/verb_patterns.py)."""
from eventwire.coding.arguments import _children, _has_child, _is_passive, _prep_objects
from eventwire.coding.codebook import load_codebook
from eventwire.coding.verb_patterns import _entry_fits, _regions
from eventwire.token_columns import columns

TEXT = ("The army shelled rebel positions near Aleppo on Tuesday and cordoned off the town. Two envoys "
        "were sent to Geneva by the council, which had asked for talks with both sides.")

LINKS = [("nsubj",), ("dobj", "dative"), ("prep",), ("nsubjpass", "auxpass"), ("pobj", "pcomp"), ("conj",)]


def test_argument_links_equal_spacys_children(nlp):
    doc = nlp(TEXT)
    for token in doc:
        for deps in LINKS:
            assert [c.i for c in _children(token, *deps)] == [c.i for c in token.children if c.dep_ in deps]
            assert _has_child(token, *deps) == any(c.dep_ in deps for c in token.children)
        for preps in ({"to", "by"}, {"near", "on", "off"}):
            assert [g.i for g in _prep_objects(token, preps)] == [
                g.i for c in token.children if c.dep_ == "prep" and c.lower_ in preps
                for g in c.children if g.dep_ == "pobj"]
    assert [t.text for t in doc if _is_passive(t)] == ["sent"]
    assert [t.text for t in _prep_objects(doc[2], {"on"})] == ["Tuesday"]


def test_a_verbs_regions_are_its_clauses_phrase_heads_without_phrases_of_time(nlp):
    doc = nlp(TEXT)
    shelled = next(t for t in doc if t.text == "shelled")
    pre, post = _regions(columns(doc), shelled.i)
    assert [doc[i].text for i in pre] == ["army"]
    # the object and its preposition phrase, the coordinated verb's; not "on Tuesday"
    assert [doc[i].text for i in post][:3] == ["positions", "near", "Aleppo"]
    assert "on" not in [doc[i].text for i in post] and "Tuesday" not in [doc[i].text for i in post]


def test_a_multi_word_verb_fits_only_with_its_particle(nlp):
    verbs = load_codebook().verbs
    doc = nlp("Police cordoned off the square. Police cordoned the square.")
    with_particle, without = (t for t in doc if t.lower_ == "cordoned")
    entry = next(e for e in verbs.forms["cordoned"] if e.after == ("off",))
    assert _entry_fits(entry, columns(doc), with_particle.i)
    assert not _entry_fits(entry, columns(doc), without.i)
    assert verbs.match(with_particle).id == "cameo:exclude/cordon off"
