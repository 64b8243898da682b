"""Direct quotes: the words between quotation marks, with their cue, speaker label or signature.

What it recognises in a paragraph:
- direct quotes between straight (") or curly (“ ” „ « ») double marks, found by a scan over the
  whole paragraph text, so a quote may span sentences; a quote opened and never closed is closed by
  the paragraph end (news style for a quote that continues in the next paragraph, and a common
  typo), and a closing mark where a quote opens ("”Mr. Trump ...") opens it. The quoted words are
  kept as written, bracketed editorial insertions included;
- the cue of a direct quote: a speech verb from data/quotes/cues.tsv ("said", "told reporters",
  "explained, adding:", "according to") outside every quote, in the sentence where the quote starts
  (cue before the opening mark) or ends (cue after the closing mark), or right after a quote that the
  parser ended with its "?" ("“Why not?” Vitter demanded."). A cue next to the quote (only
  punctuation and the cue's own subject, object or adverbs between) wins over one that merely governs
  the quote in the parse; a long quote may also take the nearest cue of those two sentences;
- scare quotes: a quoted phrase of at most four words with no cue next to it, inside a sentence
  ('Moscow was “still coordinating” the date'), is nobody's quote and is dropped;
- speaker labels: a paragraph or quote opening with a short capitalised name and a colon
  ("PENCE: Well, ...", a headline's "Pat Caddell: Voters Worried ...") is that name's quote, and so
  is a quote signed with a dash and a name after its closing mark ("“...” ― Jane Doe").

It also holds what both finders of quotes (this one and quote_indirect) hand on: the paragraph a
quote was read in (_Context) and the quote drafted before its speaker is known (_Draft).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from eventwire.ground.quote_cues import CueTable, _cue_class, _may_be_cues
from eventwire.read import Paragraph, Sentence, doc_text
from eventwire.token_columns import columns

log = logging.getLogger(__name__)

_OPENERS = {"“", "„", "«", "‟"}
_CLOSERS = {"”", "»"}
_STRAIGHT = '"'
# The characters _quote_marks acts on: the marks, and the first of a doubled apostrophe or backtick.
_MARK_CHARACTERS = re.compile("[" + re.escape("".join(sorted(_OPENERS | _CLOSERS | {_STRAIGHT, "'", "`"}))) + "]")
_SCARE_MAX_WORDS = 4


# ------------------------------------------------------------------ drafts

@dataclass
class _Draft:
    kind: str
    p_index: int
    sentence: Sentence  # evidence
    start: int  # content chars in the paragraph Doc
    end: int
    cue: Token | None
    cue_class: str | None
    standalone: bool = False  # a direct quote that opens its paragraph with no cue: may continue a speaker
    label: tuple[int, int] | None = None  # a speaker label's tokens ("PENCE:", "― Jane Doe"), the source
    cue_ctx: _Context | None = None  # the cue's paragraph when it is not the quote's ("He said:" ¶ "“...”")
    nominal: bool = False  # the content is the cue's object ("criticized the tariffs"), not a clause


@dataclass(frozen=True)
class _Context:
    paragraph: Paragraph
    p_index: int
    sentence_at: dict[int, Sentence]  # token index -> sentence

    @property
    def doc(self) -> Doc:
        return self.paragraph.doc


def _sentence_at(ctx: _Context, i: int) -> Sentence | None:
    if i in ctx.sentence_at:
        return ctx.sentence_at[i]
    near = [s for s in ctx.sentence_at.values() if s.span.start <= i]
    return max(near, key=lambda s: s.span.start) if near else None


# ------------------------------------------------------------------ quote marks

@dataclass(frozen=True)
class _Marked:
    """One quoted stretch of a paragraph: character offsets in the paragraph Doc."""

    open: int  # the opening mark
    close: int | None  # the closing mark; None when the paragraph end closed the quote
    start: int  # the quoted words, whitespace trimmed
    end: int


def _quote_marks(text: str) -> list[_Marked]:
    """Pair the double quote marks of one paragraph; an unclosed quote ends with the paragraph.

    Doubled apostrophes and backticks ('' and ``), an old typewriter and Treebank convention that
    some archives keep, count as double marks too.
    """
    found: list[_Marked] = []
    opened: int | None = None
    width = 1

    def emit(open_at: int, close_at: int | None, end: int) -> None:
        start = open_at + width
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            found.append(_Marked(open_at, close_at, start, end))

    i = 0
    while (mark := _MARK_CHARACTERS.search(text, i)) is not None:
        # every other character steps on by one and does nothing: go straight to the next mark
        i = mark.start()
        ch, pair = text[i], text[i: i + 2]
        step = 2 if pair in ("''", "``") else 1
        if ch in _OPENERS or pair == "``":
            if opened is not None:  # a new opener before a closer: the earlier quote ended unclosed
                emit(opened, None, i)
            opened, width = i, step
        elif ch in _CLOSERS or pair == "''" or ch == _STRAIGHT:
            if opened is not None:
                emit(opened, i, i)
                opened = None
            elif ch == _STRAIGHT or pair == "''" or (
                    (i == 0 or text[i - 1].isspace()) and i + 1 < len(text) and text[i + 1].isalnum()):
                # A closing mark where a quote opens ("”Mr. Trump ...") is a typo for an opening one.
                opened, width = i, step
        i += step
    if opened is not None:
        emit(opened, None, len(text))
    return found


# ------------------------------------------------------------------ direct quotes

def _verb_between(tok: Token, cue: Token) -> bool:
    """Whether the head path from tok up to cue passes through another verb (another clause)."""
    node = tok.head
    while node.i != cue.i and node.head.i != node.i:
        if node.pos_ in ("VERB", "AUX"):
            return True
        node = node.head
    return node.i != cue.i


def _gap_fits(gap: Sequence[Token], cue: Token, quote: set[int]) -> bool:
    """Only punctuation and the cue's own dependents (its subject, object, adverbs) between."""
    for tok in gap:
        if tok.is_punct or tok.is_space:
            continue
        if tok.i == cue.i or tok.i in quote:
            return False
        if cue.i not in {a.i for a in tok.ancestors} or _verb_between(tok, cue):
            return False
        if any(a.i in quote for a in tok.ancestors):
            return False
    return True


def _direct(ctx: _Context, mark: _Marked, quoted: set[int], table: CueTable) -> _Draft | None:
    doc = ctx.doc
    span = doc.char_span(mark.start, mark.end, alignment_mode="expand")
    if span is None or not any(t.is_alpha for t in span):
        return None
    words = sum(1 for t in span if not (t.is_punct or t.is_space))
    inside = set(range(span.start, span.end))
    open_tok = doc.char_span(mark.open, mark.open + 1, alignment_mode="expand")
    close_tok = doc.char_span(mark.close, mark.close + 1, alignment_mode="expand") if mark.close is not None else None
    open_i = open_tok.start if open_tok is not None else span.start
    close_i = close_tok.start if close_tok is not None else span.end
    first_sentence = _sentence_at(ctx, span.start)
    last_sentence = _sentence_at(ctx, span.end - 1)
    if first_sentence is None or last_sentence is None:
        return None

    # A quote ending in "?" or "!" often ends its sentence for the parser too ("“Why not?” Vitter
    # demanded."): the sentence right after the closing mark may hold the cue.
    after_sentence = _sentence_at(ctx, close_i + 1) if close_tok is not None and close_i + 1 < len(doc) else None
    if after_sentence is None or after_sentence.index == last_sentence.index:
        after_sentence = last_sentence
    best: tuple[tuple[int, int], Token, str] | None = None
    candidates = {s.index: s for s in (first_sentence, last_sentence, after_sentence)}
    may_be_cue = _may_be_cues(columns(doc), table)
    for sentence in candidates.values():
        for tok in sentence.tokens:
            if tok.i in quoted:
                continue
            cls = _cue_class(tok, table) if may_be_cue[tok.i] else None
            if not cls or cls in ("noun", "adjective", "venue"):
                continue
            after = tok.i > close_i and (sentence is last_sentence or sentence is after_sentence)
            before = tok.i < open_i and sentence is first_sentence
            if not (after or before):
                continue
            gap = doc[close_i + 1: tok.i] if after else doc[tok.i + 1: open_i]
            adjacent = _gap_fits(gap, tok, inside)
            if sentence is not last_sentence and sentence is not first_sentence and not adjacent:
                continue
            linked = any(tok.i in {a.i for a in t.ancestors} for t in span)
            if not adjacent and words <= _SCARE_MAX_WORDS:
                continue
            rank = (2 if adjacent else 0) + (1 if linked else 0)
            distance = tok.i - close_i if after else open_i - tok.i
            key = (rank, -distance)
            if best is None or key > best[0]:
                best = (key, tok, cls)

    before_text = doc_text(doc)[: mark.open]
    standalone = not any(ch.isalnum() for ch in before_text)
    if best is None and words <= _SCARE_MAX_WORDS and not standalone:
        log.debug("scare quote %r dropped", span.text)
        return None
    end = mark.end
    # The comma before a closing mark belongs to the reporting sentence, not to the words quoted.
    while end > mark.start and doc_text(doc)[end - 1] in ",;:":
        end -= 1
    start = mark.start
    label = _speaker_label(doc, span.start) if best is None and standalone else None
    if label is not None:
        # A transcript line, "PENCE: Well, ...": the label is the cue, the words after the colon the quote.
        start = label[2].idx + 1
        while start < end and doc_text(doc)[start].isspace():
            start += 1
        return _Draft("direct", ctx.p_index, first_sentence, start, end, label[2], "label",
                      label=(label[0], label[1]))
    signed = _signature(doc, close_i + 1) if best is None and close_tok is not None else None
    if signed is not None:
        # “...” ― Jane Doe: a dash and a name after the closing mark sign the quote.
        return _Draft("direct", ctx.p_index, first_sentence, start, end, doc[signed[0] - 1], "label",
                      label=signed)
    return _Draft("direct", ctx.p_index, first_sentence, start, end,
                  best[1] if best else None, best[2] if best else None, standalone=best is None and standalone)


# ------------------------------------------------------------------ speaker labels and signatures

_LABEL_MAX_WORDS = 4


def _speaker_label(doc: Doc, at: int) -> tuple[int, int, Token] | None:
    """A speaker label opening a paragraph or quote at token `at`: "PENCE: Well, ...", a headline's
    "Pat Caddell: Democrat Voters Worried ...". A name of at most four capitalised words, a colon,
    then at least three words. Returns the name's token range and the colon."""
    i = at
    while i < len(doc) and (doc[i].is_space or doc[i].is_quote):
        i += 1
    first = i
    while i < len(doc) and i - first < _LABEL_MAX_WORDS and doc[i].text != ":":
        tok = doc[i]
        if not (tok.text[:1].isupper() or tok.text in (".", "-")) or tok.is_quote:
            return None
        i += 1
    if i == first or i >= len(doc) or doc[i].text != ":" or not doc[first].is_alpha:
        return None
    if doc[first: i].root.pos_ not in ("PROPN", "NOUN") or doc[first].lower_ in ("note", "update", "editor", "photo"):
        return None
    rest = [t for t in doc[i + 1: i + 8] if not (t.is_punct or t.is_space)]
    if len(rest) < 3:
        return None
    return first, i - 1, doc[i]


_DASHES = {"―", "—", "–"}


def _signature(doc: Doc, at: int) -> tuple[int, int] | None:
    """A dash and a name of at most five capitalised words right after a closing mark (token `at`),
    ending the paragraph or followed by the next quote: the token range of the name."""
    # Written without a space ("”― Jane Doe"), the closing mark and the dash are one token.
    glued = 0 < at <= len(doc) and doc[at - 1].text[-1:] in _DASHES and doc[at - 1].text[:1] in _CLOSERS | {_STRAIGHT}
    while at < len(doc) and (doc[at].is_space or doc[at].text in (".", ",")):
        at += 1
    if not glued and (at >= len(doc) or doc[at].text not in _DASHES):
        return None
    i = at if glued else at + 1
    while i < len(doc) and doc[i].is_space:
        i += 1
    first = i
    while i < len(doc) and i - first < 5 and (doc[i].text[:1].isupper() or doc[i].text == "."):
        i += 1
    end = i
    while i < len(doc) and (doc[i].is_space or doc[i].text in (".", ",")):
        i += 1
    if end == first or not doc[first].is_alpha or not (i >= len(doc) or doc[i].is_quote or doc[i].text in _OPENERS):
        return None
    while end - 1 > first and doc[end - 1].text == ".":
        end -= 1
    return first, end - 1
