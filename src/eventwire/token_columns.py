"""A parsed paragraph's token attributes as plain lists, read once from the Doc's arrays.

Each `token.lower_` or `token.pos_` makes a Token object and looks its string up again; the coder and
the grounding stages read these attributes for every token of every sentence, several times over.
Here they are read once per Doc (`Doc.to_array`, one string lookup per distinct value) and kept on
the Doc (a parse never changes): `columns(doc).lower[i] == doc[i].lower_`, and so on.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy

from spacy.attrs import DEP, LEMMA, LOWER, POS, SENT_START, TAG
from spacy.tokens import Doc

__all__ = ["Columns", "columns", "sentence_ends"]

_KEY = "eventwire.columns"


@dataclass(frozen=True)
class Columns:
    lower: list[str]  # token.lower_
    lemma: list[str]  # token.lemma_.lower()
    pos: list[str]  # token.pos_
    tag: list[str]  # token.tag_
    dep: list[str]  # token.dep_


def columns(doc: Doc) -> Columns:
    """The Doc's token attributes as lists indexed by token number (made once per Doc)."""
    found = doc.user_data.get(_KEY)
    if found is None:
        strings = doc.vocab.strings
        lists = []
        for attr, column in zip((LOWER, LEMMA, POS, TAG, DEP), doc.to_array([LOWER, LEMMA, POS, TAG, DEP]).T):
            values, at = numpy.unique(column, return_inverse=True)  # each distinct value looked up once
            names = [strings[value] for value in values.tolist()]
            if attr == LEMMA:
                names = [name.lower() for name in names]
            lists.append([names[k] for k in at.tolist()])
        found = doc.user_data[_KEY] = Columns(*lists)
    return found


def sentence_ends(doc: Doc) -> list[int]:
    """For each token, the end of its sentence (`token.sent.end`), made once per Doc: the next token
    that starts a sentence in the parse, else the Doc's end."""
    ends = doc.user_data.get("eventwire.sentence_ends")
    if ends is None:
        if doc.has_annotation("SENT_START"):
            starts = doc.to_array([SENT_START]).tolist()
            ends, following = [0] * len(doc), len(doc)
            for i in range(len(doc) - 1, -1, -1):
                ends[i] = following
                if starts[i] == 1:
                    following = i
        else:
            ends = [t.sent.end for t in doc]
        doc.user_data["eventwire.sentence_ends"] = ends
    return ends
