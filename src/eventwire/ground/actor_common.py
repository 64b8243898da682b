"""Shared pieces of actor grounding: one mention before clustering (_Found), what resolution knows
about the article (_Context), token slices and n-grams, and CAMEO codes of a country and a sector.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from spacy.tokens import Doc

from eventwire.ground.actor_kb import NGRAM_WINDOW, TRANSNATIONAL, ActorKB
from eventwire.read import Sentence, doc_text, token_offsets

_MAX_NGRAM = NGRAM_WINDOW


@dataclass
class _Found:
    """One mention before clustering into actors."""

    key: str
    name: str
    kind: str
    sentence: Sentence
    start: int  # character offsets in the paragraph's Doc
    end: int
    country: str | None = None
    cameo_sector: str | None = None
    plover_sector: str | None = None
    code: str | None = None
    role: str | None = None
    resolved_by: str = ""
    media: bool = False
    wikidata: str | None = None
    refers_to: "_Found | None" = None  # a pronoun: the person mention it stands for
    plural: bool = False  # role holders named by a plural noun ("counterparts"): no "he"/"she" for them


def _slice(doc: Doc, first: int, last: int) -> str:
    """Text of tokens first..last inclusive, as written."""
    starts, ends = token_offsets(doc)
    return doc_text(doc)[starts[first]: ends[last]]


# Prefixes that make a country's name a stance, not the actor's country: "an anti-Syria journalist".
_STANCE_PREFIXES = frozenset({"anti", "pro", "non"})


def _stance(doc: Doc, i: int) -> bool:
    """Token i is a country named after "anti-"/"pro-" ("anti-Syria", "pro-Russian"): a stance."""
    return i >= 2 and doc[i - 1].text in ("-", "–") and doc[i - 2].lower_ in _STANCE_PREFIXES


def _capitalised(word: str) -> bool:
    return word[:1].isupper()


def _ngrams(doc: Doc, start: int, end: int, keep: Callable[[str], bool] | None = None,
            longer: dict[str, int] | None = None) -> Iterator[tuple[int, int, str]]:
    """(first, last, text) for every token n-gram in [start, end), longest first at each start; with
    `keep`, only the n-grams whose first token's text it accepts; `longer`: first words whose n-grams
    may run past the usual window, with their most tokens (the long names of a dictionary)."""
    text = doc_text(doc)
    starts, ends = token_offsets(doc)
    for first in range(start, end):
        if keep is not None and not keep(text[starts[first]: ends[first]]):
            continue
        size = _MAX_NGRAM
        if longer:
            size = max(size, longer.get(text[starts[first]: ends[first]], 0))
        for last in range(min(end, first + size) - 1, first - 1, -1):
            yield first, last, text[starts[first]: ends[last]]


@dataclass(frozen=True)
class _Context:
    """What resolution knows about the article beyond one sentence."""

    kb: ActorKB
    day: str | None  # the publication date (ISO), for the people table
    home: str | None  # the article's dominant country
    # sentence index -> (token index, ISO-3) of every country named in it (names, demonyms, capitals, places)
    nearby: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    seen: frozenset[str] = frozenset()  # every country the article names
    # every country the article names outright (names, demonyms, seats: not through a capital)
    outright: frozenset[str] = frozenset()


def _code(country: str | None, sector: str | None) -> str | None:
    """CAMEO code of a country and a sector; a sector without a country is "---" + sector (the text
    gave none)."""
    if country and sector:
        return country + sector
    if sector and sector[:3] not in TRANSNATIONAL:
        return "---" + sector
    return country or sector
