"""Quote grounding: direct and indirect speech -> Quotes with speakers, cues and the date spoken.

What it recognises, paragraph by paragraph:
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
- indirect speech and other attributions: a cue with a complement clause ("Erdogan said he would
  meet ...", "X said that ...", "..., sources said", "vowed to ...", "called for ...", "But, he said,
  ...") outside direct quotes; the text is the clause without its "that" and without any direct quote
  it contains. Beliefs, plans and findings count ("believes that", "wants to", "a poll shows that"),
  as PolNeAR and PARC annotate them; a stance verb with no clause reports its object ("criticized
  the tariffs"), and so does a speech verb unless its object is the person addressed ("stressed the
  need for talks", not "told reporters"); a nominal cue its "that"-clause ("Putin's claim that ...", and
  an infinitive when a possessive holds it: "his determination to act"); a passive stance verb its
  subject, with the agent as source ("the nominee was endorsed by dozens of papers"); an attitude
  adjective after "be" its clause or prepositional object ("are afraid that", "critical of Trump"); a
  supporter or opponent noun what it stands for ("a staunch opponent of the death penalty"); "seems
  to" its infinitive, with no source, and so does a passive belief with no agent ("is thought to be",
  "is expected to"); a verb outside the cue table that takes a "that"-clause with its own subject and
  has a subject is a cue too ("Democrats fear that ..."); "In this poll, <clause>" attributes the
  clause to the poll (data class venue);
- a title-case headline the parser misreads ("Former Doctor Says Clinton Hid ...", "Clinton Hid ...,
  Former Doctor Says."), when nothing else was found in it, is split at a capitalised present-tense
  cue: the words before (or after the last comma) are the source, the rest what is attributed;
- attribution is univocal, as PolNeAR annotates it: a reported clause whose cue lies inside another
  quote's clause ("X said Y plans to Z") is part of that quote; a participle set off by a comma inside
  a reported clause ("said ..., arguing that ..."), and a subjectless cue verb the parser coordinated
  with the clause ("said it was opposed and warned X to ..."), are second attributions of the same
  reporter;
- a paragraph ending with a cue and a colon ("Caddell continued:") introduces the next paragraph: its
  opening quote, or the whole paragraph when it has no quote marks and the cue is a speech verb;
- speaker labels: a paragraph or quote opening with a short capitalised name and a colon
  ("PENCE: Well, ...", a headline's "Pat Caddell: Voters Worried ...") is that name's quote, and so
  is a quote signed with a dash and a name after its closing mark ("“...” ― Jane Doe");
- a direct quote with no cue of its own after a cued quote of the same paragraph ("“A,” he said.
  “B.”") shares that quote's cue;
- the speaker: the cue's grammatical subject (climbing from "adding" or "and said" to the verb that
  has one), the object of "according to", or a nominal cue's possessive; an appositive name wins ("Kremlin spokesperson, Dmitry
  Peskov, told" -> Peskov); "he"/"she"/"they"/"it" take the previous speaker when that speaker
  fits and spoke in this or the previous paragraph, else the nearest preceding fitting actor; a
  relative pronoun reaches back to its antecedent ("Butterfield, who said"); a participle takes its
  noun ("a statement announcing"), the subject of the verb that noun is the object of ("the Council
  issued a statement calling"), or the subject of the verb it hangs from ("by telling them", "stopped
  short of calling"); a nominal cue its possessive, its "from" ("warnings from his lawyer that"), or
  the subject of the verb it is the object of ("persisted in arguments that"); when the parser found
  no subject outside the quote, a short name between the closing mark and the cue is the speaker
  ("“...,” Tulsa police Chief Chuck Jordan said"); a date never is ("said Thursday morning"), nor is
  the one asked ("Asked about X, Y said": the asking has no source); a quote paragraph with no cue
  right after a quote with a speaker continues that speaker;
- the date spoken: a time expression (from the times stage) whose phrase attaches to the cue verb,
  outside every quote ("On Saturday, Erdogan said ..."), or to the verb a subjectless cue hangs from
  ("On Monday she spoke, adding ..."), never to a verb of another clause ("the 2018 deal gave ... but
  four are now thought to be ..."); otherwise, for a speaker's consecutive
  quotes, the date of the same speaker's previous quote.

Evidence of a quote is the sentence where the quoted words start (for indirect speech, the cue's
sentence, which contains the clause).
"""
from __future__ import annotations

import csv
import functools
import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span, Token

from eventwire.read import Paragraph, Parsed, Sentence, doc_text
from eventwire.record import Actor, Evidence, Mention, Quote, TimeRef
from eventwire.token_columns import Columns, columns

__all__ = ["resolve_quotes", "find_quotes", "FoundQuote", "CueTable", "load_cues"]

log = logging.getLogger(__name__)

_OPENERS = {"“", "„", "«", "‟"}
_CLOSERS = {"”", "»"}
_STRAIGHT = '"'
# The characters _quote_marks acts on: the marks, and the first of a doubled apostrophe or backtick.
_MARK_CHARACTERS = re.compile("[" + re.escape("".join(sorted(_OPENERS | _CLOSERS | {_STRAIGHT, "'", "`"}))) + "]")
_SCARE_MAX_WORDS = 4
# Cue classes that introduce a reported clause. "characterise" cues introduce a direct quote only
# ("called it “a disgrace”"). Beliefs, plans and findings ("believes that", "wants to", "a poll shows
# that") are attributions too, as PolNeAR and PARC annotate them.
_INDIRECT_CLASSES = {"speech", "writing", "attribution", "thought", "evidence", "stance", "characterise", "noun",
                     "adjective", "evidential", "partisan", "other", "venue"}
# The shortest noun-phrase content (the object of "called for", "criticized") kept as an attribution.
_NOMINAL_CONTENT = 1  # words at least: PolNeAR marks even a pronoun object ("cited it")
_PRONOUNS_PERSON = {"he", "she"}
_PRONOUNS_OTHER = {"they", "it"}
_RELATIVE = {"who", "which", "that"}
# Relations the parser gives a speaker named after the cue ("..., said Leslie Wimes, a ...").
_INVERTED_SUBJECT = {"nsubj", "dobj", "npadvmod", "attr", "appos", "oprd", "dative", "conj", "nmod"}
# Relations through which a cue without a subject takes the subject of its head verb:
# "Erdogan explained, adding: ...", "Smith smiled and said ...", "went on to say ...".
_CLIMB_DEPS = {"advcl", "conj", "xcomp"}
_ISO_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


# ------------------------------------------------------------------ the cue table

@dataclass(frozen=True)
class CueTable:
    """Cue lemmas and their class; phrasal cues keyed by (lemma, particle)."""

    single: dict[str, str]
    phrasal: dict[tuple[str, str], str]
    nouns: frozenset[str] = frozenset()  # nominal cues: "his claim that ...", "a plan to ..."
    adjectives: frozenset[str] = frozenset()  # attitudes: "afraid that ...", "critical of ...", "willing to ..."
    intentions: frozenset[str] = frozenset()  # nominal cues that also take an infinitive: "his determination to act"
    partisans: frozenset[str] = frozenset()  # "a staunch opponent of the death penalty", "a supporter of NATO"
    venues: frozenset[str] = frozenset()  # "In this poll, Trump rose ...": a document that reports its clause


def _parse_cues(text: str, where: str) -> CueTable:
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    single: dict[str, str] = {}
    phrasal: dict[tuple[str, str], str] = {}
    nouns: set[str] = set()
    adjectives: set[str] = set()
    intentions: set[str] = set()
    partisans: set[str] = set()
    venues: set[str] = set()
    for number, row in enumerate(csv.DictReader(io.StringIO("\n".join(lines)), delimiter="\t",
                                                 quoting=csv.QUOTE_NONE), start=2):
        cue, cls = (row.get("cue") or "").strip().lower(), (row.get("class") or "").strip().lower()
        if not cue or not cls:
            raise ValueError(f"{where}: row {number} needs a cue and a class")
        words = cue.split()
        if cls == "noun" and len(words) == 1:
            nouns.add(words[0])
        elif cls == "adjective" and len(words) == 1:
            adjectives.add(words[0])
        elif cls == "intention" and len(words) == 1:
            intentions.add(words[0])
        elif cls == "partisan" and len(words) == 1:
            partisans.add(words[0])
        elif cls == "venue" and len(words) == 1:
            venues.add(words[0])
        elif len(words) == 1:
            single[words[0]] = cls
        elif len(words) == 2:
            phrasal[(words[0], words[1])] = cls
        else:
            raise ValueError(f"{where}: row {number}: a cue is a lemma with at most one particle")
    return CueTable(single, phrasal, frozenset(nouns), frozenset(adjectives), frozenset(intentions),
                    frozenset(partisans), frozenset(venues))


@functools.lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> CueTable:
    """The cue table: the built-in data/quotes/cues.tsv, or the TSV file at `path`."""
    if path:
        return _parse_cues(Path(path).read_text("utf-8"), path)
    text = resources.files("eventwire").joinpath("data", "quotes", "cues.tsv").read_text("utf-8")
    return _parse_cues(text, "data/quotes/cues.tsv")


def _according_to(tok: Token) -> Token | None:
    """The "to" of "according to", when `tok` is its "according"."""
    if tok.lower_ != "according":
        return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return nxt if nxt is not None and nxt.lower_ == "to" else None


def _venue(tok: Token, table: CueTable) -> Token | None:
    """The "in" of "In this poll, Trump rose ..." (a preposition on a verb whose object is a document
    that reports: a poll, a survey), when `tok` is it; the clause it modifies is what the document says."""
    if tok.lower_ != "in" or tok.dep_ != "prep" or tok.head.pos_ not in ("VERB", "AUX"):
        return None
    if any(o.dep_ == "pobj" and o.lemma_.lower() in table.venues for o in tok.children):
        return tok
    return None


def _noun_clauses(noun: Token, infinitive: bool = False) -> list[Token]:
    """What a nominal cue reports: its "that"-clause ("the claim that ..."), or with `infinitive`
    its infinitive when someone holds it ("his determination to act alone")."""
    heads = []
    held = any(c.dep_ == "poss" for c in noun.children)
    for c in noun.children:
        if c.dep_ not in ("acl", "ccomp") or c.i < noun.i:
            continue
        if any(m.dep_ == "mark" and m.lower_ == "that" for m in c.children):
            heads.append(c)
        elif infinitive and held and c.tag_ == "VB" and any(m.dep_ == "aux" and m.lower_ == "to" for m in c.children):
            heads.append(c)
    return heads


def _partisan_objects(noun: Token) -> list[Token]:
    """What a supporter or opponent stands for: the object of its "of" ("an opponent of the war")."""
    return [o for p in noun.children if p.dep_ == "prep" and p.lower_ in ("of", "for") and p.i > noun.i
            for o in p.children if o.dep_ in ("pobj", "pcomp")]


# Prepositions that introduce what an attitude adjective is about ("critical of", "concerned about").
_ADJECTIVE_PREPS = {"of", "about", "over", "with", "to", "on", "at", "in", "toward", "towards"}


def _adjective_complements(adj: Token) -> list[Token]:
    """What an attitude adjective reports: its clause ("afraid that ...", "willing to ...") or the
    object of its preposition ("critical of Trump", "concerned about the shift")."""
    heads = [c for c in adj.children if c.dep_ in ("ccomp", "xcomp") and c.i > adj.i]
    if heads:
        return heads
    return [o for p in adj.children if p.dep_ == "prep" and p.i > adj.i and p.lower_ in _ADJECTIVE_PREPS
            for o in p.children if o.dep_ in ("pobj", "pcomp")]


def _may_be_cue(cols: Columns, i: int, table: CueTable) -> bool:
    """False where _cue_class of token i is None for certain, read from the token's attributes alone
    (each of its branches needs one of these words, word classes or tags)."""
    lower, lemma = cols.lower[i], cols.lemma[i]
    if lower in ("according", "in"):
        return True
    if cols.pos[i] == "NOUN" and (lemma in table.nouns or lemma in table.intentions or lemma in table.partisans):
        return True
    if cols.pos[i] == "ADJ" and lower in table.adjectives:
        return True
    if not cols.tag[i].startswith("VB") or cols.dep[i] in ("aux", "auxpass", "amod"):
        return False
    phrasal = table.__dict__.get("_phrasal_lemmas")
    if phrasal is None:
        phrasal = table.__dict__["_phrasal_lemmas"] = frozenset(lemma for lemma, _ in table.phrasal)
    return lemma in table.single or lemma == "put" or lemma in phrasal


def _cue_class(tok: Token, table: CueTable) -> str | None:
    if _according_to(tok) is not None:
        return table.phrasal.get(("according", "to"))
    if _venue(tok, table) is not None:
        return "venue"
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in table.nouns:
        return "noun" if _noun_clauses(tok) else None
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in table.intentions:
        return "noun" if _noun_clauses(tok, infinitive=True) else None
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in table.partisans:
        # "Kaine, a staunch opponent of the death penalty": said of someone, with what they stand for.
        return "partisan" if tok.dep_ in ("attr", "appos") and _partisan_objects(tok) else None
    if tok.pos_ == "ADJ" and tok.lower_ in table.adjectives:
        # "Democrats are afraid that ...": a predicate adjective with a holder and a complement.
        if tok.dep_ == "acomp" and _adjective_complements(tok):
            return "adjective"
        return None
    if not tok.tag_.startswith("VB") or tok.dep_ in ("aux", "auxpass", "amod"):
        return None
    lemma = tok.lemma_.lower()
    for child in tok.children:
        if child.dep_ in ("prt", "prep") and (lemma, child.lower_) in table.phrasal:
            return table.phrasal[(lemma, child.lower_)]
    if lemma == "put" and {"as", "it"} <= {c.lower_ for c in tok.children if c.dep_ in ("mark", "dobj")}:
        return "speech"  # "as the memo put it, ...": a way of saying, though "put" alone is no cue
    if lemma == "read" and any(c.dep_ == "dobj" for c in tok.children):
        return None  # "the letter reads: ..." quotes a text; "she read the report" only reads one
    return table.single.get(lemma)


def _cue_text(tok: Token, table: CueTable) -> tuple[str, int, int]:
    """The cue as written with its particle ("pointing out", "according to"), and its char span."""
    to = _according_to(tok)
    if to is not None:
        return doc_text(tok.doc)[tok.idx: to.idx + len(to)], tok.idx, to.idx + len(to)
    lemma = tok.lemma_.lower()
    for child in tok.children:
        if child.dep_ in ("prt", "prep") and (lemma, child.lower_) in table.phrasal and child.i == tok.i + 1:
            return doc_text(tok.doc)[tok.idx: child.idx + len(child)], tok.idx, child.idx + len(child)
    return tok.text, tok.idx, tok.idx + len(tok)


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


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class FoundQuote:
    """A quote with the spans behind it (Quote is its record form; evaluation uses the spans)."""

    id: str
    kind: str  # direct | indirect
    text: str
    content: Mention  # the quoted words (direct) or the complement clause (indirect)
    evidence: Evidence
    cue: Mention | None  # the cue as written
    cue_class: str | None
    source: Mention | None  # the speaker as written next to the cue (the subject, "he", ...)
    speaker: str | None  # actor id
    speaker_how: str | None  # subject | appositive | according-to | surname | pronoun | continuation
    spoken: str | None

    def to_quote(self) -> Quote:
        return Quote(id=self.id, text=self.text, kind=self.kind, speaker=self.speaker,
                     evidence=self.evidence, cue=self.cue.text if self.cue else None, spoken=self.spoken)


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


def _sentence_at(ctx: _Context, i: int) -> Sentence | None:
    if i in ctx.sentence_at:
        return ctx.sentence_at[i]
    near = [s for s in ctx.sentence_at.values() if s.span.start <= i]
    return max(near, key=lambda s: s.span.start) if near else None


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
    cols = columns(doc)
    for sentence in candidates.values():
        for tok in sentence.tokens:
            if tok.i in quoted:
                continue
            cls = _cue_class(tok, table) if _may_be_cue(cols, tok.i, table) else None
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


# ------------------------------------------------------------------ indirect speech

def _clause_run(head: Token, allowed: set[int]) -> tuple[int, int] | None:
    """The contiguous token run around `head` inside `allowed`, trimmed of "that" and punctuation."""
    if head.i not in allowed:
        return None
    first = last = head.i
    while first - 1 in allowed:
        first -= 1
    while last + 1 in allowed:
        last += 1
    doc = head.doc
    while first <= last and (doc[first].is_punct or doc[first].is_space
                             or (doc[first].lower_ == "that" and doc[first].dep_ == "mark")):
        first += 1
    while last >= first and (doc[last].is_punct and doc[last].text not in (".", "?", "!", ")", "]")
                             or doc[last].is_space):
        last -= 1
    if last < first:
        return None
    return first, last


def _complements(cue: Token, table: CueTable) -> list[Token]:
    """The heads of what the cue reports: its complement clause ("said (that) he would"), an
    infinitive ("vowed to form", "told his advisers to find"), the object of a phrasal cue ("called
    for a review"); or, for a cue set off as an aside ("..., sources said."; "But, he said, X"), the
    clause it interrupts."""
    if cue.pos_ == "NOUN" and cue.lemma_.lower() in table.partisans:
        return _partisan_objects(cue)
    if cue.pos_ == "NOUN":
        return _noun_clauses(cue, infinitive=cue.lemma_.lower() in table.intentions)
    if cue.pos_ == "ADJ":
        return _adjective_complements(cue)
    heads = [c for c in cue.children if c.dep_ == "ccomp"]
    heads += [c for c in cue.children if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)]
    if heads:
        return heads
    lemma = cue.lemma_.lower()
    for child in cue.children:
        if child.dep_ == "prep" and (lemma, child.lower_) in table.phrasal and _next_to(cue, child):
            heads += [o for o in child.children if o.dep_ in ("pobj", "pcomp")]
    if heads:
        return heads
    cls = next((table.phrasal[(lemma, c.lower_)] for c in cue.children
                if c.dep_ == "prt" and (lemma, c.lower_) in table.phrasal), table.single.get(lemma))
    objects = [c for c in cue.children if c.dep_ == "dobj"]
    # "found the law unconstitutional", "the study found higher rates" are findings; "they found a way",
    # "leaders found little unity" come upon a thing.
    predicated = lemma != "find" or any(c.dep_ in ("oprd", "xcomp", "acomp") for c in cue.children) or any(
        c.dep_ == "nsubj" and (c.lemma_.lower() in table.venues or c.lemma_.lower() in table.nouns)
        for c in cue.children)
    if cls in ("stance", "evidence") and objects and predicated:
        return objects
    passive = [c for c in cue.children if c.dep_ == "nsubjpass"]
    if cls in ("stance", "characterise") and passive and cue.tag_ == "VBN" and passive[0].lower_ not in _RELATIVE:
        # "The nominee has been endorsed by dozens of papers": what is attributed is the passive
        # subject, and the agent ("by ...") is the source.
        return passive
    # A speech verb's object is what was said ("stressed the need for talks"), unless it is the
    # person spoken to ("told reporters", "urged Congress"): a person, a pronoun or a proper name.
    said = [o for o in objects if o.pos_ == "NOUN" and o.ent_type_ not in ("PERSON", "NORP", "ORG", "GPE")]
    if cls in ("speech", "writing") and said and lemma not in _TO_WHOM:
        return said
    called = any(c.dep_ in ("oprd", "xcomp", "acomp") for c in cue.children) or any(
        c.dep_ == "prep" and c.lower_ == "as" for o in [cue, *objects] for c in o.children)
    if cls == "characterise" and objects and (called or lemma != "call"):
        # "called the charges unsubstantiated", "described the showdown as ominous": the object and
        # what it is called, one run; "described crass behavior" its object (but "called the police"
        # is a call, not a characterisation).
        return objects
    aside = cue.dep_ == "parataxis" or (
        cue.dep_ in ("ccomp", "advcl") and cue.i > 0 and cue.doc[cue.i - 1].text in (",", "—", "–")
        and any(c.dep_ == "nsubj" for c in cue.children) and cue.head.i < cue.i)
    if aside and cue.head.i != cue.i and cue.head.pos_ in ("VERB", "AUX"):
        return [cue.head]
    return []


def _next_to(cue: Token, prep: Token) -> bool:
    """Whether only the cue's particle and adverbs stand between it and its preposition ("spoke out
    Tuesday about", "spoke emotionally of")."""
    return prep.i > cue.i and all(t.head.i == cue.i and t.dep_ in ("prt", "advmod", "npadvmod")
                                  for t in cue.doc[cue.i + 1: prep.i])


def _trailing_cues(doc: Doc, allowed: set[int], cue: Token, table: CueTable) -> set[int]:
    """Tokens of a participial cue set off by a comma inside a reported clause ("said he didn't
    believe it, arguing that ...", "..., citing ..."): a second attribution of its own, not part of
    the first one's content."""
    cut: set[int] = set()
    for i in sorted(allowed):
        t = doc[i]
        if (i in cut or t.i == cue.i or t.tag_ != "VBG" or t.dep_ not in ("advcl", "conj", "xcomp")
                or i == 0 or doc[i - 1].text not in (",", "—", "–")):
            continue
        if _cue_class(t, table) in _INDIRECT_CLASSES:
            cut |= set(range(i - 1, t.right_edge.i + 1))
    for i in sorted(allowed):
        t = doc[i]
        if i in cut or t.i == cue.i or not _coordinated_cue(t, cue):
            continue
        if _cue_class(t, table) in _INDIRECT_CLASSES:
            first = min([c.i for c in (*t.children, *t.head.children) if c.dep_ == "cc" and c.i < t.i] or [t.i])
            cut |= set(range(first, t.right_edge.i + 1))
    return cut


def _coordinated_cue(verb: Token, cue: Token) -> bool:
    """A verb with no subject of its own, in the same tense as the cue, that the parser coordinated
    with the head of the cue's reported clause: "China said it was opposed to the test and warned
    North Korea to refrain" -- the warning is China's, a second attribution, not part of what it
    said."""
    head = verb.head
    return (verb.dep_ == "conj" and verb.pos_ == "VERB" and verb.tag_ == cue.tag_ and verb.tag_ in ("VBD", "VBZ")
            and head.dep_ == "ccomp" and head.head.i == cue.i and cue.i < head.i
            and any(c.dep_ == "cc" and c.i < verb.i for c in (*verb.children, *head.children))
            and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in verb.children))


# Speech verbs whose direct object is the person addressed, never what was said.
_TO_WHOM = {"tell", "ask", "urge", "warn", "remind", "assure", "inform", "thank", "answer", "caution",
            "call", "address", "brief", "email", "text", "interrupt", "press"}
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
    first = i = at if glued else at + 1
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


_HEADLINE_CLASSES = {"speech", "stance", "thought", "characterise", "writing"}
_HEADLINE_MAX_WORDS = 25


def _headline_cue(tok: Token, table: CueTable) -> tuple[str, int] | None:
    """A capitalised present-tense cue in a title-case headline ("Says", "Vows", "Goes After"), which
    the parser rarely reads as a verb: its class and the index of its last token."""
    word = tok.lower_
    if not word.endswith("s") or len(word) < 4:
        return None
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    for stem in (word[:-1], word[:-2]) + ((word[:-3] + "y",) if word.endswith("ies") else ()):
        if nxt is not None and (stem, nxt.lower_) in table.phrasal:
            cls = table.phrasal[(stem, nxt.lower_)]
            if cls in _HEADLINE_CLASSES:
                return cls, nxt.i
        cls = table.single.get(stem)
        if cls in _HEADLINE_CLASSES:
            return cls, tok.i
    return None


def _headline(ctx: _Context, table: CueTable) -> _Draft | None:
    """A title-case headline "Former White House Doctor Says Clinton Hid Past Health Problems": the
    words before a capitalised cue are the source, the words after it what is attributed. The parser
    reads such headlines badly, so this goes by position alone."""
    doc = ctx.doc
    words = [t for t in doc if t.is_alpha]
    if not words or len(words) > _HEADLINE_MAX_WORDS or len(list(doc.sents)) > 1:
        return None
    for tok in words[1:]:
        found = _headline_cue(tok, table)
        if found is None:
            continue
        cls, last = found
        source = [t for t in doc[: tok.i] if not (t.is_punct or t.is_space)]
        content = [t for t in doc[last + 1:] if not t.is_space]
        comma = max((t.i for t in doc[: tok.i] if t.text == ","), default=None)
        if comma is not None and all(t.is_punct for t in content):
            # "Clinton Hid Health Problems, Former Doctor Says.": the source after the comma.
            source = [t for t in doc[comma + 1: tok.i] if not (t.is_punct or t.is_space)]
            content = [t for t in doc[:comma] if not t.is_space]
        while content and content[0].is_punct:
            content.pop(0)
        while content and content[-1].is_punct and content[-1].text not in ("?", "!"):
            content.pop()
        if not source or len(source) > 6 or not content or any(t.text in (":", ";") for t in source):
            return None
        sentence = _sentence_at(ctx, tok.i)
        if sentence is None:
            return None
        return _Draft("indirect", ctx.p_index, sentence, content[0].idx, content[-1].idx + len(content[-1]),
                      tok, cls, label=(source[0].i, source[-1].i))
    return None


def _clause_taking(tok: Token) -> str | None:
    """ "other" for a verb outside the cue table that reports a finite clause of its own and has a
    subject to hold it ("Democrats fear that ...", "the memo warns that ..."): PolNeAR attributes
    these. The complement must open with "that" and have its own subject (without "that", "the rules
    mean the firm pays less" is mostly not an attribution on PolNeAR dev), and the holder must not be
    an expletive "it" ("it seems that")."""
    if tok.pos_ != "VERB" or tok.dep_ in ("aux", "auxpass", "amod", "relcl"):
        return None
    subjects = [c for c in tok.children if c.dep_ == "nsubj"]
    if not subjects or subjects[0].lower_ in ("it", "this", "that", "there", "which", "what"):
        return None
    for comp in tok.children:
        if comp.dep_ != "ccomp" or comp.i < tok.i:
            continue
        marks = {c.lower_ for c in comp.children if c.dep_ == "mark"}
        if marks != {"that"}:
            continue
        if any(c.dep_ in ("nsubj", "nsubjpass") for c in comp.children) and any(
                t.tag_ in ("VBD", "VBZ", "VBP", "MD") for t in comp.subtree):
            return "other"
    return None


def _indirect(ctx: _Context, sentence: Sentence, excluded: set[int], table: CueTable) -> list[_Draft]:
    doc = ctx.doc
    drafts = []
    label = _speaker_label(doc, 0) if sentence.span.start == 0 and 0 not in excluded else None
    if label is not None and label[2].i < sentence.span.end - 1:
        last = sentence.span.end - 1
        while last > label[2].i and (doc[last].is_punct or doc[last].is_space):
            last -= 1
        words = doc[label[2].i + 1: last + 1]
        if not any(t.i in excluded for t in words):
            return [_Draft("indirect", ctx.p_index, sentence, words.start_char, words.end_char, label[2], "label",
                           label=(label[0], label[1]))]
    cols = columns(doc)
    for tok in sentence.tokens:
        if tok.i in excluded:
            continue
        cls = (_cue_class(tok, table) if _may_be_cue(cols, tok.i, table) else None) or (
            _clause_taking(tok) if cols.pos[tok.i] == "VERB" else None)
        if cls not in _INDIRECT_CLASSES:
            continue
        to = _according_to(tok) or _venue(tok, table)
        if to is not None:
            if cls == "venue" and _cue_class(tok.head, table) is not None:
                continue  # "In an interview, he said ...": the verb is the cue
            # "According to X, <clause>": the clause is the sentence without the according-phrase.
            owner = tok.head if tok.head.i != tok.i else None
            if owner is None:
                continue
            phrase = {t.i for t in tok.subtree} | {t.i for t in to.subtree}
            allowed = {t.i for t in owner.subtree} - phrase - excluded
            heads = [owner]
        else:
            heads = _complements(tok, table)
            allowed = set()
            cue_phrase = {t.i for t in tok.subtree}
            for head in heads:
                clause = {t.i for t in head.subtree}
                # A complement lies inside the cue's phrase; an interrupted clause contains it.
                inside = tok.i in {a.i for a in head.ancestors}
                allowed |= clause if inside else clause - cue_phrase
                if inside and tok.lemma_.lower() in table.single and table.single[tok.lemma_.lower()] == "characterise":
                    allowed |= {t.i for c in tok.children if c.dep_ in ("oprd", "xcomp", "acomp")
                                or (c.dep_ == "prep" and c.lower_ == "as") for t in c.subtree}
            allowed -= excluded
            allowed.discard(tok.i)
        allowed &= set(range(sentence.span.start, sentence.span.end))
        allowed -= _trailing_cues(doc, allowed, tok, table)
        runs: set[tuple[int, int]] = set()
        for head in heads:
            run = _clause_run(head, allowed)
            # Two complements of one cue that the parser joined into one run are one attribution.
            if run is None or run in runs:
                continue
            runs.add(run)
            tokens = doc[run[0]: run[1] + 1]
            words = sum(1 for t in tokens if not t.is_punct)
            nominal = head.dep_ in ("dobj", "pobj", "nsubjpass") and tok.i in {a.i for a in head.ancestors}
            if nominal and words < _NOMINAL_CONTENT:
                continue
            # An infinitive may be two words ("declined to comment"); a clause needs three.
            shortest = 2 if head.dep_ == "xcomp" else 3
            if not nominal and (words < shortest or not any(t.pos_ in ("VERB", "AUX") for t in tokens)):
                continue
            drafts.append(_Draft("indirect", ctx.p_index, sentence, tokens.start_char, tokens.end_char, tok, cls,
                                 nominal=nominal))
    return drafts


# ------------------------------------------------------------------ speakers

def _subject(cue: Token, table: CueTable | None = None) -> Token | None:
    to = _according_to(cue) or (cue if cue.lower_ == "in" and cue.dep_ == "prep" else None)
    if to is not None:
        objects = [c for c in to.children if c.dep_ == "pobj"]
        if not objects:
            # "according to show insiders": the parser read a noun as a verb; its first noun is the source.
            objects = [t for t in to.subtree if t.i > to.i and t.pos_ in ("NOUN", "PROPN")]
        return objects[0] if objects else None
    if cue.pos_ == "NOUN":
        # "his claim that", "Trump's plan to"; else the subject of "made the claim that".
        owners = [c for c in cue.children if c.dep_ in ("poss", "nsubj")]
        if owners:
            # A possessive, or a subject when the parser read a verb as a noun ("Trump claims that").
            return owners[0]
        if cue.dep_ == "appos":
            return cue.head  # "Clinton, a longtime supporter of NATO"
        agents = [o for p in cue.children if p.dep_ == "prep" and p.lower_ == "from" and p.i > cue.i
                  for o in p.children if o.dep_ == "pobj"]
        if agents:
            return agents[0]  # "warnings from his attorney that ..."
        if cue.dep_ == "pobj" and cue.head.dep_ == "prep" and cue.head.head.pos_ in ("VERB", "AUX"):
            cue = cue.head  # "Democrats persisted in arguments that ...": the holder is the verb's subject
        if cue.dep_ not in ("dobj", "attr", "prep") or cue.head.pos_ not in ("VERB", "AUX"):
            return None
        cue = cue.head
    if cue.tag_ == "VBG" and cue.i > 0 and cue.doc[cue.i - 1].text in (",", "—", "–"):
        # "X said he did not believe it, arguing that ...": the participle set off inside a reported
        # clause is the reporter's, the subject of the verb that the clause is a complement of.
        node = cue
        while node.head.i != node.i and node.dep_ not in ("ccomp", "parataxis"):
            node = node.head
        if node.dep_ == "ccomp" and node.head.i != node.i:
            subjects = [c for c in node.head.children if c.dep_ == "nsubj"]
            if subjects:
                return subjects[0]
    if cue.dep_ == "compound" and cue.head.pos_ == "PROPN" and cue.i < cue.head.i:
        return cue.head  # "Said Ellis: ...", a cue the parser folded into the name after it
    if cue.dep_ == "relcl" and cue.head.dep_ == "dobj" and cue.head.head.pos_ == "VERB":
        relative = [c for c in cue.children if c.dep_ == "nsubj" and c.lower_ in ("that", "which")]
        issuers = [c for c in cue.head.head.children if c.dep_ == "nsubj"]
        if relative and issuers:
            return issuers[0]  # "he released a letter that says ...": he says it through the letter
    verb = cue
    for _ in range(4):
        # Climbed to a head verb, a passive subject is the same person ("After saying ..., she was
        # taken to hospital").
        subjects = [c for c in verb.children if c.dep_ == "nsubj" or (c.dep_ == "nsubjpass" and verb.i != cue.i)]
        if subjects:
            # Two subjects are a misparse of a long title phrase ("Wikileaks editor-in-chief Kristinn
            # Hrafnsson said"): the one next to the verb is the speaker.
            before = [c for c in subjects if c.i < verb.i]
            return before[-1] if len(subjects) > 1 and before else subjects[0]
        # "was first reported by The Washington Post": the agent of a passive cue.
        agents = [o for c in verb.children if c.dep_ == "agent" for o in c.children if o.dep_ == "pobj"]
        if agents and verb.i == cue.i:
            return agents[0]
        if verb.dep_ == "ROOT" and verb.tag_ == "VBG":
            # "“...,” Obama said, not even needing to mention ...": the parser made the participle the
            # root and the saying its parataxis; the one who said it is the one who needs.
            sayers = [s for c in verb.children if c.dep_ == "parataxis" and c.i < verb.i
                      for s in c.children if s.dep_ == "nsubj"]
            if sayers:
                return sayers[-1]
        holders = [c for c in verb.head.children if c.dep_ == "dobj" and c.i < verb.i] if (
            verb.dep_ == "xcomp" and verb.tag_ == "VBG") else []
        if holders:
            return holders[0]  # "left many nations feeling that ...": the nations feel, not what left them
        if _coordinated_cue(verb, verb.head.head):
            verb = verb.head.head  # "China said it was opposed and warned ...": China warned
        elif (verb.dep_ in _CLIMB_DEPS or verb.dep_ == "acomp") and verb.head.i != verb.i:
            verb = verb.head
        elif verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("VERB", "AUX"):
            verb = verb.head.head  # "pitched himself by telling them ...": the teller is the pitcher
        elif (verb.dep_ == "pcomp" and verb.head.dep_ == "prep" and verb.head.head.pos_ in ("ADV", "ADJ")
              and verb.head.head.head.pos_ in ("VERB", "AUX")):
            verb = verb.head.head.head  # "stopped short of calling ..."
        elif verb.dep_ == "acl" and verb.tag_ == "VBG" and verb.head.pos_ in ("NOUN", "PROPN"):
            noun = verb.head
            issuer = [c for c in noun.head.children if c.dep_ == "nsubj"] if noun.dep_ == "dobj" else []
            if issuer and noun.head.pos_ == "VERB":
                return issuer[0]  # "the Council issued a statement calling ...": the Council
            message = table is not None and (noun.lemma_.lower() in table.nouns or noun.lemma_.lower() in table.single)
            if (not message and noun.dep_ == "pobj" and noun.head.dep_ == "prep"
                    and noun.head.head.pos_ in ("VERB", "AUX")):
                # "she said at a news conference announcing ...", "in many cases reporting ...": the
                # participle is the doing of the verb's subject, not of the noun it hangs on; a message
                # noun ("in a statement announcing ...") speaks for itself.
                verb = noun.head.head
                continue
            return noun  # "a statement announcing the pick", "a tweet attacking ..."
        else:
            return None
    return None


_GAP_MAX_WORDS = 8


def _gap_name(doc: Doc, start: int, cue: int, quoted: set[int]) -> tuple[int, int] | None:
    """The words between a closing quote mark (token `start` on) and the cue after it, when they
    are a short name or noun phrase ("Tulsa police Chief Chuck Jordan"): their token range."""
    words = [t for t in doc[start:cue] if not (t.is_punct or t.is_space)]
    if not words or len(words) > _GAP_MAX_WORDS or any(t.i in quoted for t in words):
        return None
    if not (words[0].text[:1].isupper() or words[0].pos_ == "PRON"):
        return None
    # Any lowercase verb or a conjunction means another clause, not a name.
    if any((t.pos_ in ("VERB", "AUX") and t.text[:1].islower()) or t.pos_ in ("CCONJ", "SCONJ") for t in words):
        return None
    if not any(t.pos_ in ("PROPN", "NOUN", "PRON") for t in words):
        return None
    return words[0].i, words[-1].i


_FINITE = {"VBZ", "VBD", "VBP"}


def _left_neighbour(doc: Doc, cue: Token, content: tuple[int, int], quoted: set[int]) -> tuple[int, int] | None:
    """The noun phrase right before a finite cue verb whose subject the parser missed ("DuVernay both
    documents", "the $20 million experts say it costs", "which Apple's chief, Tim Cook, called"): its
    token range, or None when the word before the cue is not a name, noun or pronoun."""
    if cue.tag_ not in _FINITE:
        return None
    i = cue.i - 1
    while i >= 0 and doc[i].pos_ in ("ADV", "DET") and doc[i].lower_ in ("both", "also", "now", "still", "again", "then"):
        i -= 1  # "DuVernay both documents", "Trump also said"
    appositive = i >= 1 and doc[i].text == "," and doc[i - 1].pos_ == "PROPN"
    if appositive:
        i -= 1  # "Tim Cook, called": an apposition closed by its comma
    if i < 0 or i in quoted or content[0] <= i <= content[1] or i < cue.sent.start:
        return None
    last = doc[i]
    if last.pos_ not in ("PROPN", "NOUN", "PRON") or last.ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY"):
        return None
    if last.pos_ == "PRON" and last.lower_ not in _PRONOUNS_PERSON | _PRONOUNS_OTHER | {"i", "we", "you"}:
        return None
    first = i
    while (first - 1 >= cue.sent.start and doc[first - 1].pos_ in ("PROPN", "NOUN") and first - 1 not in quoted
           and not content[0] <= first - 1 <= content[1]):
        first -= 1
    if appositive and (first == 0 or doc[first - 1].text != ","):
        return None  # "Trump, appearing at the NBC forum, cited": not a name set off by commas
    return first, i


def _source_range(subject: Token, content: tuple[int, int]) -> tuple[int, int]:
    """Token range of the subject phrase, trimmed of punctuation, never reaching into the quote."""
    first, last = subject.left_edge.i, subject.right_edge.i
    doc = subject.doc
    if subject.lower_ in _RELATIVE and subject.head.dep_ == "relcl" and subject.head.head.i < subject.i:
        # "Rep. Butterfield, who said ...": the antecedent with the relative pronoun.
        first = subject.head.head.left_edge.i
    if first <= content[1] and content[0] <= last:
        first = last = subject.i
        while first - 1 >= 0 and doc[first - 1].head.i == subject.i and doc[first - 1].dep_ in ("compound", "amod", "det"):
            first -= 1
    while first < last and doc[first].is_punct:
        first += 1
    while last > first and doc[last].is_punct:
        last -= 1
    return first, last


@dataclass(frozen=True)
class _Spoken:
    actor: Actor
    p_index: int


def _overlaps(m: Mention, section: str, caption: int | None, a: int, b: int) -> bool:
    return m.section == section and m.caption_index == caption and m.start < b and a < m.end


def _actor_at(actors: Sequence[Actor], paragraph: Paragraph, first: Token, last: Token, head: Token) -> Actor | None:
    """The actor mentioned in the subject phrase: the head's or an appositive's name before others."""
    base = paragraph.offset
    a, b = base + first.idx, base + last.idx + len(last)
    head_at = base + head.idx
    appos_at = [base + c.idx for c in head.children if c.dep_ == "appos"]
    best: tuple[int, Actor] | None = None
    for actor in actors:
        for m in actor.mentions:
            if not _overlaps(m, paragraph.section, paragraph.caption_index, a, b):
                continue
            person = actor.kind == "person"
            has_head = m.start <= head_at < m.end
            has_appos = any(m.start <= x < m.end for x in appos_at)
            rank = 5 if has_head and person else 4 if has_appos else 3 if has_head else 2 if person else 1
            if best is None or rank > best[0]:
                best = (rank, actor)
    return best[1] if best else None


def _preceding_actor(actors: Sequence[Actor], paragraph: Paragraph, at: int, person: bool,
                     quoted: list[tuple[str, int | None, int, int]]) -> Actor | None:
    """The actor mentioned last before section offset `at`, outside quotes, of the wanted kind."""
    best: tuple[int, Actor] | None = None
    for actor in actors:
        if (actor.kind == "person") != person or actor.media_only:
            continue
        for m in actor.mentions:
            if m.section != paragraph.section or m.caption_index != paragraph.caption_index or m.end > at:
                continue
            if any(m.section == s and m.caption_index == c and x <= m.start < y for s, c, x, y in quoted):
                continue
            if best is None or m.start > best[0]:
                best = (m.start, actor)
    return best[1] if best else None


# ------------------------------------------------------------------ the date spoken

def _time_tokens(time: TimeRef, paragraph: Paragraph) -> Span | None:
    if time.evidence.section != paragraph.section or time.evidence.caption_index != paragraph.caption_index:
        return None
    text = doc_text(paragraph.doc)
    a, b = time.start - paragraph.offset, time.end - paragraph.offset
    if not (0 <= a < b <= len(text)) or text[a:b] != time.text:
        # Offsets relative to something else: find the expression inside its evidence sentence.
        ev = time.evidence
        if not (0 <= ev.start - paragraph.offset <= len(text)):
            return None
        found = text.find(time.text, ev.start - paragraph.offset, ev.end - paragraph.offset)
        if found < 0:
            return None
        a, b = found, found + len(time.text)
    return paragraph.doc.char_span(a, b, alignment_mode="expand")


def _attaches_to(span: Span, cue: Token) -> bool:
    """Whether the time phrase modifies the cue verb (or the verb a subjectless cue hangs from)."""
    verbs = {cue.i}
    node = cue
    # Only a cue without a subject of its own shares its head's time ("On Monday he spoke, adding
    # ..."); a coordinated clause with its own subject ("the 2018 deal gave Turkey posts but four are
    # now thought to be ...") is another clause, and its time is not the cue's.
    while (node.dep_ in _CLIMB_DEPS and node.head.i != node.i
           and not any(c.dep_ in ("nsubj", "nsubjpass", "expl") for c in node.children)):
        node = node.head
        verbs.add(node.i)
    node = span.root.head
    while node.pos_ not in ("VERB", "AUX") and node.head.i != node.i:
        node = node.head
    return node.i in verbs


def _spoken_at(cue: Token, paragraph: Paragraph, times: Sequence[TimeRef], quoted: set[int]) -> str | None:
    for time in times:
        if not time.value or not _ISO_DATE.match(time.value):
            continue
        span = _time_tokens(time, paragraph)
        if span is None or any(t.i in quoted for t in span):
            continue
        if span.root.i != cue.i and _attaches_to(span, cue):
            return time.value
    return None


# ------------------------------------------------------------------ the stage

def _contexts(parsed: Parsed) -> list[_Context]:
    by_paragraph: dict[int, dict[int, Sentence]] = {}
    for sentence in parsed.sentences:
        table = by_paragraph.setdefault(id(sentence.paragraph), {})
        for i in range(sentence.span.start, sentence.span.end):
            table[i] = sentence
    return [_Context(p, n, by_paragraph[id(p)]) for n, p in enumerate(parsed.paragraphs) if id(p) in by_paragraph]


def _colon_intro(ctx: _Context, quoted: set[int], table: CueTable) -> tuple[_Context, Token, str] | None:
    """A paragraph ending "Caddell continued:" / "The New York Times reports:" introduces the next
    paragraph's quotation: the cue (with a subject and nothing reported of its own) and its class."""
    doc = ctx.doc
    last = len(doc) - 1
    while last >= 0 and doc[last].is_space:
        last -= 1
    if last < 1 or doc[last].text != ":" or last in quoted:
        return None
    sentence = _sentence_at(ctx, last)
    if sentence is None:
        return None
    for tok in reversed(sentence.span):
        if tok.i in quoted:
            break
        cls = _cue_class(tok, table)
        if cls not in ("speech", "writing", "stance", "characterise", "thought") or _according_to(tok) is not None:
            continue
        if any(c.dep_ in ("ccomp", "xcomp", "dobj") for c in tok.children) or _subject(tok, table) is None:
            return None
        return ctx, tok, cls
    return None


def _block_quote(ctx: _Context, intro: tuple[_Context, Token, str]) -> _Draft:
    doc = ctx.doc
    start, end = 0, len(doc_text(doc))
    while start < end and doc_text(doc)[start].isspace():
        start += 1
    while end > start and doc_text(doc)[end - 1].isspace():
        end -= 1
    first = _sentence_at(ctx, 0)
    assert first is not None
    return _Draft("direct", ctx.p_index, first, start, end, intro[1], intro[2], cue_ctx=intro[0])


def _outermost(drafts: list[tuple[_Context, _Draft]]) -> list[tuple[_Context, _Draft]]:
    """Drop a reported clause whose cue lies inside another quote's content ("X said Y plans to Z"
    is X's attribution; Y's plan is part of what X said): attribution is univocal, each word
    belongs to one attribution, as in PolNeAR and PARC."""
    by_paragraph: dict[int, list[tuple[int, int, int | None, bool]]] = {}
    for ctx, d in drafts:
        by_paragraph.setdefault(d.p_index, []).append((d.start, d.end, d.cue.i if d.cue is not None else None,
                                                       d.nominal))
    containers = [d for _, d in drafts if d.kind == "indirect" and d.cue is not None and not d.nominal
                  and d.cue_class != "label"]
    kept = []
    for ctx, d in drafts:
        cue = d.cue
        if d.kind == "direct" and cue is not None and d.cue_class != "label" and d.cue_ctx is None:
            # "He told reporters he wants a policy “focused on ...”": the words quoted inside a
            # reported clause belong to that clause's cue, not to a cue nested in it.
            outer = next((o for o in containers if o.p_index == d.p_index and o.cue is not None
                          and o.cue.i != cue.i and o.start <= cue.idx < o.end), None)
            if outer is not None:
                d.cue, d.cue_class = outer.cue, outer.cue_class
        if d.kind == "indirect" and cue is not None and d.cue_class != "label":
            at = cue.idx
            # A nominal cue inside an object ("rejected Putin's claim that ...") is the claim's own
            # attribution; inside a reported clause it is part of what was said.
            if any(start <= at < end and other != cue.i and not (nominal and d.cue_class == "noun")
                   for start, end, other, nominal in by_paragraph[d.p_index]):
                log.debug("nested attribution %r dropped", cue.text)
                continue
        kept.append((ctx, d))
    return kept


def find_quotes(parsed: Parsed, actors: Sequence[Actor] = (), times: Sequence[TimeRef] = (),
                cues: CueTable | None = None) -> tuple[FoundQuote, ...]:
    """Every quote of the article with its content, cue and source spans, in reading order."""
    table = cues or load_cues()
    drafts: list[tuple[_Context, _Draft]] = []
    quoted_by_paragraph: dict[int, set[int]] = {}
    quoted_regions: list[tuple[str, int | None, int, int]] = []
    intro: tuple[_Context, Token, str] | None = None  # the previous paragraph's closing "X said:"
    for ctx in _contexts(parsed):
        marks = _quote_marks(doc_text(ctx.doc))
        quoted: set[int] = set()
        for mark in marks:
            span = ctx.doc.char_span(mark.open, mark.close + 1 if mark.close is not None else len(doc_text(ctx.doc)),
                                     alignment_mode="expand")
            if span is not None:
                quoted |= set(range(span.start, span.end))
        accepted: set[int] = set()
        previous_cue: tuple[Token, str | None, _Context | None] | None = None
        from_intro = intro is not None and intro[0].p_index == ctx.p_index - 1
        if from_intro and not marks and intro is not None and intro[2] in ("speech", "writing"):
            # "The governor added:" ¶ It's typical of ...: a block quotation without marks.
            drafts.append((ctx, _block_quote(ctx, intro)))
        for number, mark in enumerate(marks):
            draft = _direct(ctx, mark, quoted, table)
            if draft is None:
                continue
            if number == 0 and from_intro and draft.cue is None and draft.standalone and intro is not None:
                draft.cue_ctx, draft.cue, draft.cue_class = intro
                draft.standalone = False

            # “A,” he said. “B.”: a quote with no cue of its own goes on the paragraph's last cued quote.
            if draft.cue is not None:
                previous_cue = (draft.cue, draft.cue_class, draft.cue_ctx)
            elif previous_cue is not None and not draft.standalone:
                draft.cue, draft.cue_class, draft.cue_ctx = previous_cue
            drafts.append((ctx, draft))
            span = ctx.doc.char_span(mark.open, mark.close + 1 if mark.close is not None else len(doc_text(ctx.doc)),
                                     alignment_mode="expand")
            if span is not None:
                accepted |= set(range(span.start, span.end))
            base = ctx.paragraph.offset
            quoted_regions.append((ctx.paragraph.section, ctx.paragraph.caption_index,
                                   base + mark.open, base + (mark.close if mark.close is not None else len(doc_text(ctx.doc)))))
        quoted_by_paragraph[ctx.p_index] = accepted
        intro = _colon_intro(ctx, quoted, table)
        before = len(drafts)
        for sentence in sorted({s.index: s for s in ctx.sentence_at.values()}.values(), key=lambda s: s.index):
            drafts.extend((ctx, d) for d in _indirect(ctx, sentence, accepted, table))
        if len(drafts) == before and (ctx.p_index == 0 or ctx.paragraph.section == "title"):
            headline = _headline(ctx, table)
            if headline is not None:
                drafts.append((ctx, headline))
    drafts = _outermost(drafts)
    drafts.sort(key=lambda cd: (cd[1].p_index, cd[1].start))

    results: list[FoundQuote] = []
    last: _Spoken | None = None  # the previous quote's speaker
    previous_spoken: dict[str, str | None] = {}
    for number, (ctx, draft) in enumerate(drafts, start=1):
        paragraph, sentence, doc = ctx.paragraph, draft.sentence, ctx.doc
        quoted = quoted_by_paragraph.get(ctx.p_index, set())
        content_tokens = doc.char_span(draft.start, draft.end, alignment_mode="expand")
        content_range = (content_tokens.start, content_tokens.end - 1) if content_tokens is not None else (-1, -1)
        speaker: Actor | None = None
        how: str | None = None
        source: Mention | None = None
        cue_mention: Mention | None = None
        spoken: str | None = None
        if draft.cue is not None:
            if draft.cue_ctx is not None:
                # The cue closes the previous paragraph ("He said:"): its words are read there.
                quoted = quoted_by_paragraph.get(draft.cue_ctx.p_index, set())
                paragraph, doc, content_range = draft.cue_ctx.paragraph, draft.cue_ctx.doc, (-1, -1)
                cue_sentence = draft.cue_ctx.sentence_at.get(draft.cue.i, sentence)
            else:
                cue_sentence = ctx.sentence_at.get(draft.cue.i, sentence)
            text, a, b = _cue_text(draft.cue, table)
            cue_mention = cue_sentence.mention(a, b)
            label = draft.label
            subject = doc[label[1]] if label is not None else _subject(draft.cue, table)
            if (draft.cue.lemma_.lower() == "ask" and draft.cue.tag_ == "VBN" and draft.cue.dep_ != "ROOT"
                    and not any(c.dep_ == "agent" for c in draft.cue.children)):
                # "Asked about the blast, Clinton said ...": the one asked is not the one asking.
                subject = None
            elif (draft.cue.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in draft.cue.children)
                  and not any(c.dep_ == "agent" for c in draft.cue.children)
                  and any(c.dep_ == "xcomp" and c.tag_ == "VB" for c in draft.cue.children)):
                # "North Korea is not thought to be capable of ...", "Obama is expected to visit": a
                # passive belief with no "by" names nobody who holds it.
                subject = None
            elif draft.cue_class == "evidential" and not any(
                    c.dep_ == "xcomp" and c.lemma_.lower() in table.single for c in draft.cue.children):
                # "Melania seems to have vanished": an appearance, nobody's claim; but "he appeared to
                # suggest that ..." is his suggestion.
                subject = None
            if subject is not None and label is None and subject.i in quoted:
                # The parser took a word of the quote for the subject ("“Full panic mode,” said
                # Leslie Wimes"): the speaker is the cue's nominal after it, outside the quote.
                # A second subject outside the quote ("“A,” Obama's strategist said", where the parser
                # made a word of the quote a subject too) comes first.
                # A date is never the speaker ("..., Flynn said Thursday morning").
                subject = next((c for c in draft.cue.children if c.dep_ == "nsubj" and c.i not in quoted
                                and c.pos_ in ("PROPN", "NOUN", "PRON") and c.ent_type_ not in ("DATE", "TIME")), None) or next(
                    (c for c in draft.cue.children if c.i > draft.cue.i and c.i not in quoted
                     and c.pos_ in ("PROPN", "NOUN", "PRON") and c.dep_ in _INVERTED_SUBJECT
                     and c.ent_type_ not in ("DATE", "TIME")), None)
            if (subject is None and label is None and draft.kind == "direct" and draft.cue_ctx is None
                    and 0 <= content_range[1] < draft.cue.i and draft.cue_class != "evidential"):
                # "“...,” Tulsa police Chief Chuck Jordan said": a name between the closing mark and
                # the cue that the parser failed to make the cue's subject.
                label = _gap_name(doc, content_range[1] + 1, draft.cue.i, quoted)
                subject = doc[label[1]] if label is not None else None
            if subject is None and label is None and draft.cue_class != "evidential":
                label = _left_neighbour(doc, draft.cue, content_range, quoted)
                subject = doc[label[1]] if label is not None else None
            if subject is not None:
                first, last_i = label if label is not None else _source_range(subject, content_range)
                if first == draft.cue.i and first < last_i:
                    first += 1  # "Said Ellis": the cue is not part of the speaker's name
                source = cue_sentence.mention(doc[first].idx, doc[last_i].idx + len(doc[last_i]))
                pronoun = subject.lower_
                if pronoun in _PRONOUNS_PERSON or pronoun in _PRONOUNS_OTHER:
                    want_person = pronoun in _PRONOUNS_PERSON
                    if (last is not None and (last.actor.kind == "person") == want_person
                            and ctx.p_index - last.p_index <= 1):
                        speaker = last.actor
                    else:
                        speaker = _preceding_actor(actors, paragraph, source.start, want_person, quoted_regions)
                    how = "pronoun" if speaker else None
                else:
                    # (a surname alone is a mention of its person already: actor_coreference)
                    speaker = _actor_at(actors, paragraph, doc[first], doc[last_i], subject)
                    if speaker is not None:
                        appos = any(c.dep_ == "appos" for c in subject.children) and not any(
                            m.start <= paragraph.offset + subject.idx < m.end for m in speaker.mentions)
                        how = ("according-to" if _according_to(draft.cue) is not None
                               else "appositive" if appos else "subject")
            spoken = _spoken_at(draft.cue, paragraph, times, quoted)
        elif draft.standalone and last is not None and ctx.p_index - last.p_index <= 1:
            speaker, how = last.actor, "continuation"
        paragraph, doc = ctx.paragraph, ctx.doc
        if speaker is not None and spoken is None and results and results[-1].speaker == speaker.id:
            spoken = previous_spoken.get(speaker.id)
        if speaker is not None:
            last = _Spoken(speaker, ctx.p_index)
            previous_spoken[speaker.id] = spoken
        content = sentence.mention(draft.start, draft.end)
        results.append(FoundQuote(
            id=f"quote{number}", kind=draft.kind, text=content.text, content=content,
            evidence=sentence.evidence(content), cue=cue_mention, cue_class=draft.cue_class, source=source,
            speaker=speaker.id if speaker else None, speaker_how=how, spoken=spoken))
    return tuple(results)


def resolve_quotes(parsed: Parsed, actors: Sequence[Actor], times: Sequence[TimeRef] = ()) -> tuple[Quote, ...]:
    """Direct and indirect quotes of the article, with speakers (actor ids), cues and dates spoken."""
    return tuple(found.to_quote() for found in find_quotes(parsed, actors, times))
