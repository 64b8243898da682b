"""Cues of quotes: the cue table (data/quotes/cues.tsv) and which words of a parse are cues.

A cue introduces what someone said, wrote, believed or found: a speech verb ("said", "told
reporters", "explained, adding:"), a verb with its particle ("called for", "pointing out"), "according
to", a nominal cue with its clause ("his claim that ..."), an attitude adjective after "be" ("afraid
that ...", "critical of ..."), a supporter or opponent noun ("a staunch opponent of the death
penalty"), a document noun after "in" ("In this poll, ..."), or a verb outside the table that takes a
"that"-clause with its own subject ("Democrats fear that ..."). The table gives each cue its class
(docs/data-formats.md); the finders of direct quotes and of indirect speech ask here whether a token
is a cue, of which class, and how it is written.
"""
from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spacy.tokens import Token

from eventwire.read import doc_text
from eventwire.token_columns import Columns

__all__ = ["CueTable", "load_cues"]

# Relative pronouns: a word that stands for the noun it hangs from ("Butterfield, who said").
_RELATIVE = {"who", "which", "that"}


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


def _may_be_cues(cols: Columns, table: CueTable) -> list[bool]:
    """For each token of the Doc, False where _cue_class is None for certain, read from the token's
    attributes alone (each of its branches needs one of these words, word classes or tags); made once
    per Doc, as both the direct and the indirect finders ask it of most tokens."""
    kept = cols.__dict__.get("_may_be_cues")
    if kept is not None and kept[0] is table:
        return kept[1]
    verbs = table.__dict__.get("_verb_lemmas")
    if verbs is None:
        verbs = table.__dict__["_verb_lemmas"] = frozenset(
            {*table.single, "put", *(lemma for lemma, _ in table.phrasal)})
    nouns = table.nouns | table.intentions | table.partisans
    flags = [lower in ("according", "in") or (pos == "NOUN" and lemma in nouns)
             or (pos == "ADJ" and lower in table.adjectives)
             or (tag.startswith("VB") and dep not in ("aux", "auxpass", "amod") and lemma in verbs)
             for lower, lemma, pos, tag, dep in zip(cols.lower, cols.lemma, cols.pos, cols.tag, cols.dep)]
    cols.__dict__["_may_be_cues"] = (table, flags)
    return flags


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
