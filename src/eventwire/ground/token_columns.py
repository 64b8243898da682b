"""Token attributes of a parsed Doc as Python lists, read once per Doc from its arrays.

The grounding finders test the same attributes of the same tokens many times an article ("is it
capitalised?", "its part of speech?"). Each `doc[i].pos_` builds a Token object and a string anew;
a column reads the whole Doc once (Doc.to_array, then the string store) and is kept on the Doc
(user_data, as read.token_offsets does) for as long as the Doc lives.
"""
from __future__ import annotations

from spacy.attrs import ENT_TYPE, IS_ALPHA, LEMMA, LOWER, ORTH, POS
from spacy.tokens import Doc

__all__ = ["texts", "lowers", "lemma_lowers", "pos_tags", "entity_types", "capitalised", "alphabetic"]

_KEY = "eventwire.columns"


def _columns(doc: Doc) -> dict[str, list]:
    columns = doc.user_data.get(_KEY)
    if columns is None:
        columns = doc.user_data[_KEY] = {}
    return columns


def _strings(doc: Doc, attr: int, name: str) -> list[str]:
    columns = _columns(doc)
    column = columns.get(name)
    if column is None:
        strings = doc.vocab.strings
        column = columns[name] = [strings[h] for h in doc.to_array(attr).tolist()]
    return column


def texts(doc: Doc) -> list[str]:
    """Each token's text (Token.text)."""
    return _strings(doc, ORTH, "text")


def lowers(doc: Doc) -> list[str]:
    """Each token's lower-case form (Token.lower_)."""
    return _strings(doc, LOWER, "lower")


def lemma_lowers(doc: Doc) -> list[str]:
    """Each token's lemma in lower case (Token.lemma_.lower())."""
    columns = _columns(doc)
    column = columns.get("lemma_lower")
    if column is None:
        column = columns["lemma_lower"] = [lemma.lower() for lemma in _strings(doc, LEMMA, "lemma")]
    return column


def pos_tags(doc: Doc) -> list[str]:
    """Each token's coarse part of speech (Token.pos_: "PROPN", "NOUN" ...)."""
    return _strings(doc, POS, "pos")


def entity_types(doc: Doc) -> list[str]:
    """Each token's entity label (Token.ent_type_; "" outside entities)."""
    return _strings(doc, ENT_TYPE, "ent_type")


def capitalised(doc: Doc) -> list[bool]:
    """Whether each token's text begins with a capital letter."""
    columns = _columns(doc)
    column = columns.get("capitalised")
    if column is None:
        column = columns["capitalised"] = [text[:1].isupper() for text in texts(doc)]
    return column


def alphabetic(doc: Doc) -> list[bool]:
    """Each token's Token.is_alpha."""
    columns = _columns(doc)
    column = columns.get("alpha")
    if column is None:
        column = columns["alpha"] = [bool(flag) for flag in doc.to_array(IS_ALPHA).tolist()]
    return column
