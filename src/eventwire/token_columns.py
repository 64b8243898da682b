"""A parsed paragraph's token attributes as plain lists, each read once from the Doc's arrays.

Each `token.lower_` or `token.pos_` makes a Token object and looks its string up again; the coder and
the grounding stages read these attributes for every token of every sentence, several times over.
Here each attribute is read once per Doc when first asked for (`Doc.to_array`, one string lookup per
distinct value) and kept on the Doc (a parse never changes): `columns(doc).lower[i] == doc[i].lower_`,
and so on. The parse's tree is kept the same way: `columns(doc).head[i] == doc[i].head.i` and
`columns(doc).children[i]` the indices of `doc[i].children`, so that walks over the tree need make no
Token objects for the tokens they only look at.
"""
from __future__ import annotations

import weakref
from functools import cached_property

import numpy
from spacy.attrs import DEP, ENT_TYPE, HEAD, IS_ALPHA, LEMMA, LOWER, ORTH, POS, SENT_START, TAG
from spacy.tokens import Doc

__all__ = ["Columns", "columns", "sentence_ends"]

_KEY = "eventwire.columns"


# Every column's attribute, read from the Doc in one to_array call: a call per column cost more in
# its own overhead than in the reading, and a paragraph's grounding asks for most of them.
_ATTRS = (ORTH, LOWER, LEMMA, POS, TAG, DEP, ENT_TYPE, IS_ALPHA, HEAD)
# The names of the few labels (part of speech, tag, dependency, entity type), kept for the process:
# each Doc would otherwise look the same few dozen strings up again.
_LABELS: dict[int, str] = {}
# The strings of words (text, lower case; lemmas in lower case apart), kept for the process too: a
# string store lookup decodes a new string each time, and an article repeats its words in paragraph
# after paragraph. Bounded: emptied when it grows past _WORDS_KEPT (a few MB).
_WORDS: dict[int, str] = {}
_LOWER_LEMMAS: dict[int, str] = {}
_WORDS_KEPT = 50_000


class Columns:
    """One Doc's token attributes, each a list indexed by token number, made on first use.

    It holds its Doc weakly: it is kept in the Doc's user_data, and a strong reference would make a
    cycle that only the garbage collector frees, keeping every parsed Doc alive until it runs."""

    def __init__(self, doc: Doc) -> None:
        self._doc = weakref.ref(doc)

    @cached_property
    def _array(self):
        """Every attribute's values (hashes or flags), a column each in _ATTRS order."""
        return self._doc().to_array(_ATTRS)

    def _values(self, attr: int) -> list[int]:
        return self._array[:, _ATTRS.index(attr)].tolist()

    def _words(self, attr: int, kept: dict[int, str], lower: bool = False) -> list[str]:
        """The strings of a word attribute (text, lower case, lemma), each value not yet in `kept`
        looked up once (in lower case with `lower`)."""
        values = self._values(attr)
        missing = {value for value in values if value not in kept}
        if missing:
            if len(kept) + len(missing) > _WORDS_KEPT:
                kept.clear()
                missing = set(values)
            strings = self._doc().vocab.strings
            kept.update((value, strings[value].lower() if lower else strings[value]) for value in missing)
        return [kept[value] for value in values]

    def _labels(self, attr: int) -> list[str]:
        values = self._values(attr)
        try:
            return [_LABELS[value] for value in values]
        except KeyError:
            strings = self._doc().vocab.strings
            _LABELS.update((value, strings[value]) for value in set(values) if value not in _LABELS)
            return [_LABELS[value] for value in values]

    @cached_property
    def text(self) -> list[str]:  # token.text
        return self._words(ORTH, _WORDS)

    @cached_property
    def lower(self) -> list[str]:  # token.lower_
        return self._words(LOWER, _WORDS)

    @cached_property
    def lemma(self) -> list[str]:  # token.lemma_.lower()
        return self._words(LEMMA, _LOWER_LEMMAS, lower=True)

    @cached_property
    def pos(self) -> list[str]:  # token.pos_
        return self._labels(POS)

    @cached_property
    def tag(self) -> list[str]:  # token.tag_
        return self._labels(TAG)

    @cached_property
    def dep(self) -> list[str]:  # token.dep_
        return self._labels(DEP)

    @cached_property
    def ent_type(self) -> list[str]:  # token.ent_type_ ("" outside entities)
        return self._labels(ENT_TYPE)

    @cached_property
    def alpha(self) -> list[bool]:  # token.is_alpha
        return [bool(flag) for flag in self._values(IS_ALPHA)]

    @cached_property
    def capitalised(self) -> list[bool]:  # the text begins with a capital letter
        return [text[:1].isupper() for text in self.text]

    @cached_property
    def head(self) -> list[int]:  # token.head.i
        # to_array gives each head as an offset from its token, in unsigned 64-bit: a head to the left
        # wraps round, and reading the bits as signed restores it
        offsets = self._array[:, _ATTRS.index(HEAD)].astype(numpy.int64)
        return (offsets + numpy.arange(len(offsets))).tolist()

    @cached_property
    def children(self) -> list[list[int]]:  # [c.i for c in token.children], in that order
        kids: list[list[int]] = [[] for _ in range(len(self.head))]
        for i, head in enumerate(self.head):
            if head != i:
                kids[head].append(i)
        return kids  # lists, for speed: read, never changed

    def subtree(self, i: int) -> list[int]:
        """[t.i for t in doc[i].subtree], in spaCy's order: each left child's subtree, the token, each
        right child's subtree (walked with a stack: a long chain of heads needs no deep recursion)."""
        out: list[int] = []
        kids = self.children
        stack: list[tuple[int, bool]] = [(i, False)]
        while stack:
            at, reached = stack.pop()
            if reached:
                out.append(at)
                continue
            below = kids[at]
            stack.extend((child, False) for child in reversed(below) if child > at)
            stack.append((at, True))
            stack.extend((child, False) for child in reversed(below) if child < at)
        return out


def columns(doc: Doc) -> Columns:
    """The Doc's token attributes as lists indexed by token number (kept on the Doc)."""
    found = doc.user_data.get(_KEY)
    if found is None:
        found = doc.user_data[_KEY] = Columns(doc)
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
