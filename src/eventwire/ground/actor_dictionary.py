"""The Phoenix actor and discard dictionaries as eventwire reads them: dated codes and a token trie.

data/actors/phoenix_actors.tsv and discards.tsv are converted from the PETRARCH2/Phoenix
dictionaries by tools/import_phoenix_actors.py (format: docs/data-formats.md). Their phrases are
tokenised as spaCy's English tokenizer splits text (tokens_of) and compiled into one trie of lower-case tokens, once per
process (load_actor_dictionary is cached); a sentence is matched token by token, longest phrase
first, so the cost per article does not grow with the dictionary's size.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from spacy.tokens import Doc

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.token_columns import columns

__all__ = ["DatedCode", "choose_code", "latest_begun", "DictionaryActor", "PhraseTrie", "ActorDictionary", "load_actor_dictionary",
           "DICTIONARY_END"]

log = logging.getLogger(__name__)

# The Phoenix dictionaries were last revised in 2014: an office range left open then ("USAGOV
# 2009-01-20..") is not evidence after this day, when the entry's undated default code (or only
# its country) stands; people.tsv carries office holders after it.
DICTIONARY_END = "2014-12-31"


@dataclass(frozen=True)
class DatedCode:
    code: str
    start: str | None = None  # ISO dates, both ends inclusive; None: open
    end: str | None = None

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def holds(self, day: str) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)


def latest_begun(dated: Iterable, day: str):
    """Of dated things (each with `start` and `holds(day)`: codes, people.tsv offices), the one holding
    on the day that began last (on a hand-over day, the newer one); None when none holds. The one
    rule for every dated choice of actor grounding."""
    valid = [d for d in dated if d.holds(day)]
    return max(valid, key=lambda d: d.start or "") if valid else None


def choose_code(codes: Iterable[DatedCode], day: str | None, open_until: str | None = None) -> str | None:
    """The code of an entry on a day: the dated code holding then (latest_begun; a range with an open
    end only up to `open_until`, when given), else the undated default; without a day, the default
    or the latest code."""
    codes = list(codes)
    default = next((c.code for c in codes if not c.dated), None)
    dated = [c for c in codes if c.dated]
    if day is None:
        return default or (max(dated, key=lambda c: c.start or "").code if dated else None)
    trusted = [c for c in dated if c.end is not None or open_until is None or day <= open_until]
    current = latest_begun(trusted, day)
    return current.code if current is not None else default


def parse_codes(cell: str, where: str) -> tuple[DatedCode, ...]:
    """"USAGOV 2009-01-20..2017-01-20|USAELI" -> the entry's codes."""
    codes = []
    for part in (p.strip() for p in cell.split("|") if p.strip()):
        code, _, span = part.partition(" ")
        if not span:
            codes.append(DatedCode(code))
            continue
        start, sep, end = span.strip().partition("..")
        if not sep:
            raise ValueError(f"{where}: code {part!r} has no START..END range")
        codes.append(DatedCode(code, start or None, end or None))
    return tuple(codes)


@dataclass(frozen=True, eq=False)
class DictionaryActor:
    """One dictionary entry: every form of a name and its codes over time (parsed on first use:
    an article meets a few dozen of the 27,000 entries)."""

    name: str
    code_cell: str  # "USAGOV 2009-01-20..|USAELI" as in the data file
    source: str  # countries | international | milnonstate

    @functools.cached_property
    def codes(self) -> tuple[DatedCode, ...]:
        return parse_codes(self.code_cell, f"data/actors/phoenix_actors.tsv ({self.name})")

    def code_on(self, day: str | None) -> str | None:
        """The code on a day (choose_code; a range left open in 2014 is trusted only up to DICTIONARY_END)."""
        return choose_code(self.codes, day, open_until=DICTIONARY_END)

    @property
    def countries(self) -> frozenset[str]:
        """The country parts of every code (first three letters), whatever the dates."""
        return frozenset(c.code[:3] for c in self.codes)


class PhraseTrie:
    """Phrases as sequences of lower-case tokens -> values; longest match at a position."""

    _END = ""

    def __init__(self) -> None:
        self.root: dict = {}
        self.size = 0

    def add(self, tokens: Sequence[str], value: object) -> None:
        if not tokens:
            return
        node = self.root
        for tok in tokens:
            node = node.setdefault(tok, {})
        node.setdefault(self._END, []).append(value)
        self.size += 1

    def longest(self, words: Sequence[str], start: int, stop: int | None = None) -> tuple[int, list] | None:
        """(end, values) of the longest phrase at words[start:]; end is exclusive."""
        stop = len(words) if stop is None else stop
        node = self.root
        best = None
        for i in range(start, stop):
            node = node.get(words[i])
            if node is None:
                break
            if self._END in node:
                best = (i + 1, node[self._END])
        return best

    def matches(self, words: Sequence[str]) -> Iterable[tuple[int, int, list]]:
        """(start, end, values) of the longest phrases left to right, not overlapping."""
        i = 0
        while i < len(words):
            hit = self.longest(words, i)
            if hit is None:
                i += 1
                continue
            yield i, hit[0], hit[1]
            i = hit[0]


# The English tokenizer's splits that dictionary phrases meet: hyphens between letters ("al-Qaeda" ->
# al qaeda: hyphens are dropped on both sides), brackets, quotes and commas at either end of a word, and a final possessive "'s".
# (spaCy's own tokenizer gives the same tokens, but 35,000 phrases through it cost seconds per process.)
_EDGE = re.compile(r"""^([("'\[]*)(.*?)([)"',;:!?\]]*)$""")
_PLAIN = re.compile(r"[\w. ]*")
_INFIX_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


def tokens_of(phrase: str) -> list[str]:
    """The lower-case tokens of a phrase, as the English tokenizer splits article text, without
    hyphens: the dictionaries write "Jean-Bertrand" and "Jean Bertrand" alike (see match_words)."""
    if _PLAIN.fullmatch(phrase):
        return phrase.lower().split()
    out: list[str] = []
    for word in phrase.lower().split():
        lead, core, trail = _EDGE.match(word).groups()
        out.extend(lead)
        possessive = core.endswith(("'s", "’s")) and len(core) > 2
        if possessive:
            core = core[:-2]
        out.extend(part for part in _INFIX_HYPHEN.split(core) if part)
        if possessive:
            out.append(word[len(lead) + len(core):len(lead) + len(core) + 2])
        out.extend(trail)
    return out


_HYPHENS = ("-", "‐", "–")


def match_words(tokens: Sequence) -> tuple[list[str], list]:
    """(lower-case words, their tokens) of spaCy tokens for matching, hyphens left out."""
    kept = [t for t in tokens if t.text not in _HYPHENS]
    return [t.lower_ for t in kept], kept


def match_words_between(doc: Doc, tokens: Sequence, start: int, end: int) -> tuple[list[str], list]:
    """match_words of the Doc's tokens start..end-1 (`tokens`: all the Doc's), read from its columns."""
    texts, lowers = columns(doc).text, columns(doc).lower
    kept = [k for k in range(start, end) if texts[k] not in _HYPHENS]
    return [lowers[k] for k in kept], [tokens[k] for k in kept]


@dataclass
class ActorDictionary:
    actors: PhraseTrie
    discards: PhraseTrie
    entries: int
    # people (entries with dated codes) by (first word, last word) and by last word of their name
    by_first_last: dict[tuple[str, str], list[DictionaryActor]]
    by_last: dict[str, list[DictionaryActor]]

    def lookup(self, words: Sequence[str]) -> list[DictionaryActor]:
        """The entries whose name or alias is exactly these lower-case words."""
        hit = self.actors.longest(words, 0)
        return hit[1] if hit and hit[0] == len(words) else []

    def person(self, words: Sequence[str]) -> list[DictionaryActor]:
        """Entries for a person's name: the exact name, else the people whose name has the same
        first and last word ("Carlos Menem": Carlos Saul Menem), else, for a surname alone, the
        people of that surname ("Kagame")."""
        words = [w for w in words if w not in (".",)]
        if not words:
            return []
        exact = self.lookup(words)
        if exact:
            return exact
        if len(words) >= 2:
            return self.by_first_last.get((words[0], words[-1]), [])
        return self.by_last.get(words[0], [])


@functools.lru_cache(maxsize=1)
def load_actor_dictionary() -> ActorDictionary:
    """The Phoenix actors and discards, compiled once per process."""
    where = "data/actors/phoenix_actors.tsv"
    actors = PhraseTrie()
    rows = read_tsv(builtin_text("actors", "phoenix_actors.tsv"), where)
    forms: list[str] = []
    owners: list[DictionaryActor] = []
    for row in rows:
        entry = DictionaryActor(row["name"], row["codes"], row["source"])
        for form in dict.fromkeys([row["name"], *(a for a in row["aliases"].split("|") if a)]):
            forms.append(form)
            owners.append(entry)
    for form, entry in zip(forms, owners):
        actors.add(tokens_of(form), entry)
    discards = PhraseTrie()
    drows = read_tsv(builtin_text("actors", "discards.tsv"), "data/actors/discards.tsv")
    # Bare years ("1945") discard history sentences for an event coder; they name no actor either way.
    drows = [r for r in drows if not r["phrase"].isdigit()]
    for row in drows:
        discards.add(tokens_of(row["phrase"]), row["phrase"])
    by_first_last: dict[tuple[str, str], list[DictionaryActor]] = {}
    by_last: dict[str, list[DictionaryActor]] = {}
    for form, entry in zip(forms, owners):
        if entry.source == "milnonstate" or "." not in entry.code_cell or form != entry.name:
            continue  # people carry dated codes ("SDNGOV 1989-06-30..")
        words = tokens_of(form)
        if len(words) >= 2:
            by_first_last.setdefault((words[0], words[-1]), []).append(entry)
            by_last.setdefault(words[-1], []).append(entry)
    log.info("actor dictionary: %d entries, %d forms, %d discards", len(rows), actors.size, discards.size)
    return ActorDictionary(actors, discards, len(rows), by_first_last, by_last)
