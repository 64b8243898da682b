"""Quantity grounding: counted figures ("more than 1,800 civilians have been killed") -> Quantities.

Sentence by sentence, a figure is read from digits ("12", "1,800", "1.5 million"), number words
("six", "a dozen", "nearly a million", "two hundred and fifty") or a vague plural ("dozens",
"hundreds", "tens of thousands"). Then:

- the qualifier in front of it (or "or more" after it) sets the bounds. The value is always the
  figure as written, the bounds say what is known about the true count:
    exact ("12 posts")                      value=low=high=12
    "more than / over / at least N", "N or more"   value=N, low=N, high=None (open)
    "nearly / almost / up to / less than N"  value=N, low=None, high=N
    "some / about / around / roughly N"      value=N, no bounds, approximate
    "between N and M", "N to M", "N-M"       value=None, low=N, high=M
    vague plurals, as lower bounds after the ACLED convention: tens 10, dozens 12, scores 20,
    hundreds 100, thousands 1000, tens of thousands 10,000 ...  value=None, low=N, approximate
- the counted noun is the subject ("1,800 civilians", "thousands of people", "12 observation posts");
- the category comes from the governing verb or noun through data/quantities/categories.tsv;
- the scope is "cumulative" with its period when the clause states one ("since then", "so far this
  year", "in total"), else "event";
- the source is the actor inside an "according to" phrase, or the subject of a reporting verb
  ("said", "reported", "warned") that governs the figure's clause.

Dates, times, years, ages ("a 55-year old man", "aged 12"), percentages, money, measures
(data/quantities/not_counts.tsv), ordinals and numbers inside names ("Resolution 2254") are no counts.
"""
from __future__ import annotations

import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from spacy.tokens import Doc, Token

from eventwire.datafiles import builtin_text, read_tsv
from eventwire.ground.measures import find_measures
from eventwire.token_columns import columns, sentence_ends
from eventwire.ground.qualifiers import bounds, qualifier_before_tokens
from eventwire.read import Parsed, Sentence, doc_text, token_offsets
from eventwire.record import Actor, Quantity

__all__ = ["resolve_quantities", "QuantityTables", "load_quantity_tables"]

log = logging.getLogger(__name__)

CATEGORIES = ("killed", "injured", "displaced", "homeless", "arrested", "missing", "evacuated", "deployed", "other")

_UNITS = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
         "ninety": 90}
_MULTIPLIERS = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "dozen": 12}
# Vague plurals are lower bounds (ACLED: "dozens" -> 12, "hundreds" -> 100); "a score" is twenty.
_VAGUE = {"tens": 10, "dozens": 12, "scores": 20, "hundreds": 100, "thousands": 1_000, "millions": 1_000_000,
          "billions": 1_000_000_000}
# The words a figure can start with besides digits (see _figure_at and _word_figure).
_FIGURE_WORDS = frozenset(_UNITS) | frozenset(_TENS) | frozenset(_VAGUE) | {"a", "an", "half", "several", "few"}
_DIGITS = re.compile(r"^(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?$")

_REMAINS = {"body", "corpse", "remains"}
_MONTHS = {"january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
           "dec"}
_CURRENCY = {"$", "£", "€", "us$", "usd", "¥", "₺"}
# Label nouns a number names rather than counts: "Resolution 2254", "Route 5", "No. 3".
_LABEL_NOUNS = {"no", "no.", "number", "resolution", "article", "route", "highway", "flight", "page",
                "paragraph", "chapter", "section", "room", "item", "point", "phase", "level", "grade",
                "platform", "gate", "channel", "version", "model", "unit", "category", "class", "interstate",
                "motorway", "exit", "line", "bus", "runway", "terminal", "pier", "berth"}
_NAME_ENTS = {"PERSON", "ORG", "GPE", "LOC", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "NORP", "LANGUAGE"}
_NOT_COUNT_ENTS = {"DATE", "TIME", "PERCENT", "MONEY", "ORDINAL", "QUANTITY"}

_REPORTING = {"say", "report", "tell", "announce", "warn", "state", "add", "estimate", "claim", "confirm",
              "document", "record", "count", "note", "explain", "indicate", "reveal", "show", "tally",
              "declare", "write", "tweet", "publish", "accord"}
# Verbs that take their category from a complement ("remain homeless", "left 12 dead", "were among
# the dead") or from the figure's noun ("the toll rose to 45").
_LIGHT_VERBS = {"be", "remain", "leave", "become", "lie", "stay", "find", "include", "number", "have",
                "reach", "rise", "climb", "stand", "hit", "increase", "jump", "exceed", "top", "raise",
                "bring", "put", "place", "set", "surpass", "pass"}
# Determiners and possessives are skipped inside category phrases: "lose their lives" = "lose life".
_PHRASE_FILLERS = {"the", "a", "an", "their", "his", "her", "its", "our", "my", "your"}
# An agent that lasts: a figure it is the agent of counts over its whole length.
# Spans long enough to hold many events; a toll "in three days" or "in 24 hours" is still one episode.
_TIME_UNITS = {"month", "year", "decade"}
_WAR_NOUNS = {"war", "conflict", "uprising", "revolution", "insurgency", "crisis"}
_PERIOD_CUES = ("so far", "to date", "in total", "in all", "thus far", "altogether", "this year", "last year",
                "over the past", "in the past", "during the past", "over the last", "in the last",
                "during the last", "throughout", "since")
_PERIOD_CUE_STARTS = tuple(cue + " " for cue in _PERIOD_CUES)  # a cue followed by more words


@dataclass(frozen=True)
class QuantityTables:
    """The data files: category by governing lemma (phrases as lemma tuples) and non-count nouns."""

    categories: dict[tuple[str, ...], str]
    not_counts: dict[str, str]

    @functools.cached_property
    def max_phrase(self) -> int:
        return max((len(k) for k in self.categories), default=1)


def _rows(name: str) -> list[dict[str, str]]:
    return read_tsv(builtin_text("quantities", name), f"data/quantities/{name}")


@functools.lru_cache(maxsize=1)
def load_quantity_tables() -> QuantityTables:
    categories: dict[tuple[str, ...], str] = {}
    for row in _rows("categories.tsv"):
        if row["category"] not in CATEGORIES:
            raise ValueError(f"data/quantities/categories.tsv: unknown category {row['category']!r}")
        words = tuple(w for w in row["term"].lower().split() if w not in _PHRASE_FILLERS)
        categories[words] = row["category"]
    not_counts = {row["word"].lower(): row["kind"] for row in _rows("not_counts.tsv")}
    return QuantityTables(categories, not_counts)


@dataclass
class _Figure:
    """A number read from tokens first..last (inclusive) of the paragraph Doc."""

    first: int
    last: int
    value: float
    vague: bool = False


def _digits(text: str) -> float | None:
    if not _DIGITS.match(text):
        return None
    return float(text.replace(",", ""))


def _word_figure(doc: Sequence[Token], i: int, end: int) -> _Figure | None:
    """Number words from token i (of a paragraph's token list, `Paragraph.tokens`): "six", "twenty - five", "a dozen", "two hundred and fifty thousand",
    "1.5 million", "half a million", "several hundred"."""
    total = 0.0
    current = 0.0
    j = i
    started = False  # a number word or digits has been read (not only "a" / "half")
    factor = 1.0
    last_kind = ""
    vague = False
    first = doc[i].lower_
    if first in ("a", "an") and i + 1 < end and doc[i + 1].lower_ in _MULTIPLIERS:
        current, j, last_kind = 1.0, i + 1, "a"
    elif first == "half" and i + 2 < end and doc[i + 1].lower_ in ("a", "an") and doc[i + 2].lower_ in _MULTIPLIERS:
        current, factor, j, last_kind = 1.0, 0.5, i + 2, "a"
    elif first in ("several", "few") and i + 1 < end and doc[i + 1].lower_ in _MULTIPLIERS:
        # "several hundred": at least two of them; "a few" likewise.
        current, factor, j, last_kind, vague = 1.0, 2.0, i + 1, "a", True
    last = i
    while j < end:
        tok = doc[j]
        word = tok.lower_
        number = _digits(tok.text) if not started and last_kind != "a" else None
        if number is not None:
            current, started, last_kind = number, True, "digits"
        elif last_kind == "digits" and word not in _MULTIPLIERS:
            break
        elif word in _UNITS and last_kind in ("", "mult", "and", "hyphen"):
            current += _UNITS[word]
            started, last_kind = True, "unit"
        elif word in _TENS and last_kind in ("", "mult", "and"):
            current += _TENS[word]
            started, last_kind = True, "tens"
        elif word == "-" and last_kind == "tens" and j + 1 < end and doc[j + 1].lower_ in _UNITS:
            last_kind = "hyphen"
        elif word == "and" and last_kind == "mult" and j + 1 < end and (
                doc[j + 1].lower_ in _UNITS or doc[j + 1].lower_ in _TENS):
            last_kind = "and"
        elif word in _MULTIPLIERS and last_kind in ("a", "unit", "tens", "digits", "mult"):
            if last_kind == "mult" and current == 0:
                break
            mult = _MULTIPLIERS[word]
            if mult == 100:
                current *= 100
            else:
                total += current * mult
                current = 0.0
            started, last_kind = True, "mult"
        else:
            break
        last = j
        j += 1
    if not started:
        return None
    return _Figure(i, last, (total + current) * factor, vague)


def _figure_at(doc: Sequence[Token], i: int, end: int) -> _Figure | None:
    word = doc[i].lower_
    if word in _VAGUE:
        scale = _VAGUE.get(doc[i + 2].lower_, 0) if i + 2 < end and doc[i + 1].lower_ == "of" else 0
        if scale >= 1000:  # "tens of thousands", "hundreds of thousands"
            return _Figure(i, i + 2, _VAGUE[word] * scale, vague=True)
        return _Figure(i, i, _VAGUE[word], vague=True)
    return _word_figure(doc, i, end)


def _number(value: float) -> float:
    """Whole numbers as int, so the JSON form reads 800000, not 800000.0."""
    return int(value) if float(value).is_integer() else value


def _anchor(doc: Doc, fig: _Figure) -> Token:
    """The figure's token whose head lies outside it: where the figure attaches to the sentence."""
    for tok in doc[fig.first: fig.last + 1]:
        if not fig.first <= tok.head.i <= fig.last or tok.head.i == tok.i:
            return tok
    return doc[fig.last]


def _counted_noun(anchor: Token) -> Token | None:
    """The noun counted: "1,800 civilians" (nummod), "thousands of people" / "six of the children" (of)."""
    head = anchor.head
    if anchor.dep_ in ("nummod", "quantmod", "amod", "compound") and head.pos_ in ("NOUN", "PROPN") \
            and head.i > anchor.i and not (head.tag_ == "NNP" and anchor.lower_ not in ("one", "1")):
        return head  # a singular name after a figure above one is a misparse ("kill 20 Syrian Observatory")
    for child in anchor.children:
        if child.dep_ == "prep" and child.lower_ == "of" and child.i > anchor.i:
            for pobj in child.children:
                # "six of them", "three of which": a part of a group counted elsewhere; the pronoun
                # stays the subject so the part is not read as a toll of its own.
                if pobj.dep_ == "pobj":
                    return pobj
    return _plural_after(anchor)


def _plural_after(anchor: Token) -> Token | None:
    """Headlines often defeat the parser ("18 IS jihadists killed fighting", "100 ISIL Terrorists
    Killed"): the counted noun is then the last plural noun of the name-and-noun run right after
    the figure."""
    doc = anchor.doc
    found = None
    for tok in doc[anchor.i + 1: min(len(doc), anchor.i + 5)]:
        acronym = tok.is_upper and len(tok.text) > 1  # "IS", tagged as the verb "is"
        if (tok.pos_ not in ("NOUN", "PROPN", "ADJ") and not acronym) or tok.like_num:
            break
        if tok.tag_ in ("NNS", "NNPS") and tok.is_alpha and tok.text.lower().endswith("s"):
            found = tok
    return found


def _subject_text(noun: Token) -> str:
    """The counted noun with its compounds; "bodies of civilians" keeps whose bodies they are."""
    if noun.lemma_.lower() in _REMAINS:
        for child in noun.children:
            if child.dep_ == "prep" and child.lower_ == "of":
                pobj = next((t for t in child.children if t.dep_ == "pobj"), None)
                if pobj is not None and pobj.pos_ in ("NOUN", "PROPN"):
                    return noun.doc[noun.i: pobj.i + 1].text
    first = noun.i
    for child in sorted(noun.children, key=lambda t: -t.i):
        if child.dep_ == "compound" and child.i == first - 1 and child.pos_ not in ("NUM", "PUNCT", "SYM") \
                and not child.like_num and child.is_alpha:
            first = child.i
    return noun.doc[first: noun.i + 1].text


def _is_year(fig: _Figure, text: str, noun: Token | None) -> bool:
    """A bare four-digit 1900-2099 is a year unless it counts a plural noun ("2000 people")."""
    if fig.first != fig.last or not re.fullmatch(r"(19|20)\d\d", text):
        return False
    return noun is None or noun.tag_ != "NNS"


def _dashed_code(doc: Doc, fig: _Figure) -> bool:
    """Digits glued by "-" or "/" into a date or code ("17-06-2016", "5/4/16", "04"); a plain
    "10-15" range is not one."""
    first, last = fig.first, fig.last
    while first > 0 and not doc[first - 1].whitespace_ and re.fullmatch(r"[\d/-]+", doc[first - 1].text):
        first -= 1
    while last + 1 < len(doc) and not doc[last].whitespace_ and re.fullmatch(r"[\d/-]+", doc[last + 1].text):
        last += 1
    glued = doc[first: last + 1].text
    parts = [p for p in re.split(r"[-/]", glued) if p]
    if any(re.fullmatch(r"0\d+", p) for p in parts):
        return True
    if len(parts) >= 3 or "/" in glued:
        return True
    return len(parts) == 2 and any(re.fullmatch(r"(19|20)\d\d", p) for p in parts)


def _not_a_count(doc: Doc, fig: _Figure, anchor: Token, noun: Token | None, tables: QuantityTables,
                 span_start: int, span_end: int) -> str | None:
    """Why the figure is not a count (for the debug log), or None when it is one."""
    tokens = doc[fig.first: fig.last + 1]
    ents = {t.ent_type_ for t in tokens}
    text = tokens.text
    if ents & _NAME_ENTS:
        return "inside a name"
    if ents & _NOT_COUNT_ENTS:
        # The small model sometimes calls "1800 civilians" a DATE and "more than 1.4 million refugees" a
        # QUANTITY; a plural counted noun that is no measure wins.
        if not (noun is not None and noun.tag_ == "NNS" and ents <= {"DATE", "QUANTITY"}
                and not re.fullmatch(r"(19|20)\d\d", text) and noun.lemma_.lower() not in tables.not_counts):
            return "entity " + "/".join(sorted(ents))
    if _is_year(fig, text, noun):
        return "a year"
    if _dashed_code(doc, fig):
        return "a date or code (17-06-2016, 04)"
    if fig.first == fig.last and re.fullmatch(r"\d{1,4}", text) and (
            (fig.first > span_start and doc[fig.first - 1].lower_.rstrip(".") in _MONTHS)
            or (fig.last + 1 < span_end and doc[fig.last + 1].lower_.rstrip(".") in _MONTHS
                and doc[fig.last + 1].text[:1].isupper())):
        return "a day or year beside its month"
    after = doc[fig.last + 1] if fig.last + 1 < span_end else None
    before = doc[fig.first - 1] if fig.first > span_start else None
    if after is not None and after.text in ("-", "–") and fig.last + 2 < span_end and doc[fig.last + 2].is_alpha \
            and doc[fig.last + 2].lower_ not in _UNITS:
        return "a modifier (12-year-old, three-day)"
    if after is not None and (after.lower_ in tables.not_counts or after.lemma_.lower() in tables.not_counts
                              or after.text.startswith("%")):
        return f"a measure ({after.text})"
    if noun is not None and noun.lemma_.lower() in tables.not_counts:
        return f"a measure ({noun.text})"
    if before is not None:
        if before.text.lower() in _CURRENCY or before.text in ("#",):
            return "money or a label"
        if before.lower_ in ("aged", "age", "ages") or (
                before.lower_ == "of" and fig.first > span_start + 1 and doc[fig.first - 2].lower_ == "age"):
            return "an age"
        if before.lower_.rstrip(".") in _LABEL_NOUNS and (anchor.head.i == before.i or before.text[:1].isupper()):
            return "a label"  # "Resolution 2254", "Flight 370", "Route 66"
        if anchor.head.i == before.i and before.pos_ == "PROPN" and noun is None:
            return "part of a name"
    if after is not None and after.tag_ == "NNP" and after.is_title and before is not None \
            and before.lower_ == "the" and fig.first == fig.last and noun is None:
        return "part of a name (the 911 Fire)"  # a singular proper noun after "the N" names, not counts
    if after is not None and after.lower_ in ("years", "year") and fig.last + 2 < span_end \
            and doc[fig.last + 2].lower_ == "old":
        return "an age"
    if tokens[0].lower_ == "one" and fig.first == fig.last and (anchor.dep_ != "nummod" or noun is None):
        return "'one' as a pronoun"
    if "." in text and _digits(text) is not None and fig.first == fig.last and noun is None:
        return "a decimal without a counted noun"
    return None


def _phrase_category(tok: Token, tables: QuantityTables) -> str | None:
    """Category of a lemma phrase starting at tok ("sleep in the open air"), longest first, else of tok's lemma."""
    cols, sent_end = columns(tok.doc), sentence_ends(tok.doc)[tok.i]
    words = tuple(cols.lemma[j] for j in range(tok.i, min(sent_end, tok.i + tables.max_phrase + 3))
                  if cols.lower[j] not in _PHRASE_FILLERS)[: tables.max_phrase]
    for length in range(len(words), 1, -1):
        if words[:length] in tables.categories:
            return tables.categories[words[:length]]
    for key in (tok.lemma_.lower(), tok.lower_):
        if (key,) in tables.categories:
            return tables.categories[(key,)]
    return None


def _modifier_category(noun: Token, tables: QuantityTables, skip: set[int]) -> str | None:
    """From words that modify the counted noun: "people killed", "displaced people", "death toll"."""
    order = {"acl": 0, "relcl": 0, "amod": 1, "compound": 2, "appos": 3}
    for child in sorted(noun.children, key=lambda c: order.get(c.dep_, 9)):
        if child.dep_ == "prep" and child.lower_ == "among" and child.i not in skip:
            # "11 children among the dead": the group the counted people belong to.
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.i not in skip:
                    found = _phrase_category(pobj, tables)
                    if found:
                        return found
            continue
        if child.i in skip or child.dep_ not in order:
            continue
        found = _phrase_category(child, tables)
        if found:
            return found
        if child.dep_ in ("acl", "relcl") and child.lemma_.lower() in _LIGHT_VERBS:
            # "people left dead", "those found dead"; not "employees accused of killing": another clause.
            found = _complement_category(child, tables, skip)
            if found:
                return found
    return None


def _complement_category(verb: Token, tables: QuantityTables, skip: set[int]) -> str | None:
    """Complements of a light verb: "remain homeless", "left 12 people dead", "were among those killed"."""
    for child in verb.children:
        if child.i in skip:
            continue
        if child.dep_ in ("acomp", "oprd", "xcomp", "attr", "ccomp"):
            found = _phrase_category(child, tables) or _modifier_category(child, tables, skip)
            if found:
                return found
        if child.dep_ == "prep" and child.lower_ in ("among", "to", "at", "of"):
            for pobj in child.children:
                if pobj.dep_ == "pobj" and pobj.i not in skip:
                    found = _phrase_category(pobj, tables) or _modifier_category(pobj, tables, skip)
                    if found:
                        return found
    return None


def _governing_verb(start: Token) -> Token | None:
    """The verb whose clause the figure belongs to, climbing through nouns and prepositions."""
    tok = start
    for _ in range(8):
        if tok.pos_ in ("VERB", "AUX") and tok.i != start.i and tok.dep_ != "prep":
            # "including 24 civilians" / "according to": a verb used as a preposition is no clause.
            return tok
        if tok.head.i == tok.i:
            return tok if tok.pos_ in ("VERB", "AUX") else None
        tok = tok.head
    return None


def _category(anchor: Token, noun: Token | None, verb: Token | None, tables: QuantityTables,
              skip: set[int]) -> str:
    start = noun or anchor
    # The counted noun's own participle or relative clause speaks first ("22 people killed").
    for child in start.children:
        if child.dep_ in ("acl", "relcl") and child.i not in skip:
            found = _phrase_category(child, tables) or (
                _complement_category(child, tables, skip) if child.lemma_.lower() in _LIGHT_VERBS else None)
            if found:
                return found
    # Then the verb governing the clause; a reporting verb says nothing about what was counted.
    if verb is not None and verb.lemma_.lower() not in _REPORTING:
        found = _phrase_category(verb, tables)
        if found:
            return found
        if verb.lemma_.lower() in _LIGHT_VERBS or verb.pos_ == "AUX":
            found = _complement_category(verb, tables, skip)
            if found:
                return found
            # "the death toll rose to 45": the figure is the value of the subject noun.
            for child in verb.children:
                if child.dep_ in ("nsubj", "nsubjpass", "dobj") and child.i not in skip and child.i != start.i:
                    found = _phrase_category(child, tables) or _modifier_category(child, tables, skip)
                    if found:
                        return found
    # Then what modifies the noun ("displaced people", "death toll") and the noun itself ("22 dead").
    found = _modifier_category(start, tables, skip)
    if found:
        return found
    if start.i != anchor.i or anchor.pos_ != "NUM":
        found = _phrase_category(start, tables)
        if found:
            return found
    # Nouns between the figure and its verb: "a toll of 45", "the bodies of 12 people".
    tok = start
    while tok.head.i != tok.i and (verb is None or tok.head.i != verb.i) and tok.head.pos_ not in ("VERB", "AUX"):
        tok = tok.head
        if tok.pos_ in ("NOUN", "PROPN", "ADJ"):
            found = _phrase_category(tok, tables) or _modifier_category(tok, tables, skip)
            if found:
                return found
    return "other"


def _period(heads: Sequence[Token | None], skip: set[int]) -> str | None:
    """The period over which the figure is counted, when the clause states one."""
    found: list[tuple[int, int]] = []
    seen: set[int] = set()
    for head in heads:
        if head is None or head.i in seen:
            continue
        seen.add(head.i)
        doc = head.doc
        for child in head.children:
            if child.i in skip:
                continue
            if child.dep_ == "mark" and child.lower_ == "since" and child.i + 1 < len(doc) \
                    and doc[child.i + 1].ent_type_ == "DATE":
                # A misparse keeps "Since Thursday" as a bare mark of the verb; the date still counts.
                date_end = child.i + 1
                while date_end + 1 < len(doc) and doc[date_end + 1].ent_iob_ == "I":
                    date_end += 1
                found.append((child.i, date_end))
                continue
            if child.dep_ == "advcl":
                marks = [m for m in child.children if m.dep_ == "mark" and m.lower_ == "since"]
                if marks:
                    found.append((marks[0].i, child.right_edge.i))
                continue
            if child.dep_ not in ("prep", "advmod", "npadvmod", "pobj", "obl"):
                continue
            left, right = child.left_edge.i, child.right_edge.i
            starts, ends = token_offsets(doc)
            words = doc_text(doc)[starts[left]:ends[right]].lower()  # doc[left: right + 1].text
            if words in _PERIOD_CUES or words.startswith(_PERIOD_CUE_STARTS) or _time_span(child):
                found.append((left, right))
    if not found:
        return None
    found.sort()
    # Join adjacent phrases ("so far" + "this year") into one period.
    start, end = found[0]
    for s, e in found[1:]:
        if s <= end + 1:
            end = max(end, e)
    doc = heads[0].doc if heads[0] is not None else next(h.doc for h in heads if h is not None)
    return doc[start: end + 1].text


def _time_span(prep: Token) -> bool:
    """ "in two months", "over the past year": a figure summed over a stretch of time."""
    if prep.dep_ != "prep" or prep.lower_ not in ("in", "within", "over", "during", "across"):
        return False
    for pobj in prep.children:
        if pobj.dep_ == "pobj" and pobj.lemma_.lower() in _TIME_UNITS:
            return any(c.dep_ in ("nummod", "amod") and (c.like_num or c.lower_ in ("past", "last", "previous"))
                       for c in pobj.children)
    return False


def _war_period(verb: Token | None, skip: set[int]) -> str | None:
    """A war or conflict as the agent counts over its whole length: "a conflict that has killed
    280000 people", "the war has displaced millions"."""
    if verb is None:
        return None
    for child in verb.children:
        if child.dep_ not in ("nsubj", "agent") or child.i in skip:
            continue
        noun = child
        if child.dep_ == "agent":
            noun = next((t for t in child.children if t.dep_ == "pobj"), child)
        if noun.lower_ in ("that", "which") and verb.dep_ == "relcl":
            noun = verb.head
        if noun.lemma_.lower() in _WAR_NOUNS:
            return noun.doc[noun.left_edge.i: noun.i + 1].text if noun.left_edge.i <= noun.i else noun.text
    return None


def _actor_spans(parsed: Parsed, actors: Sequence[Actor]) -> dict[int, list[tuple[int, int, str]]]:
    """Sentence index -> (start, end, actor id) in paragraph-Doc character offsets."""
    spans: dict[int, list[tuple[int, int, str]]] = {}
    for actor in actors:
        for mention in actor.mentions:
            if mention.sentence is None or mention.sentence >= len(parsed.sentences):
                continue
            base = parsed.sentences[mention.sentence].paragraph.offset
            spans.setdefault(mention.sentence, []).append((mention.start - base, mention.end - base, actor.id))
    return spans


def _actor_in(spans: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    inside = [s for s in spans if s[0] >= start and s[1] <= end]
    return min(inside)[2] if inside else None


def _source(sentence: Sentence, anchor: Token, spans: list[tuple[int, int, str]]) -> str | None:
    doc = sentence.paragraph.doc
    lower = columns(doc).lower
    # "according to the International Rescue Committee" anywhere in the sentence covers its figures.
    for i in range(sentence.span.start, sentence.span.end):
        if lower[i] == "according" and i + 1 < sentence.span.end and lower[i + 1] == "to":
            to = doc[i + 1]
            first, last = to.i + 1, to.right_edge.i
            if last < first:
                continue
            actor = _actor_in(spans, doc[first].idx, doc[last].idx + len(doc[last].text))
            if actor:
                return actor
    tok = anchor
    while tok.head.i != tok.i:
        tok = tok.head
        if tok.pos_ == "VERB" and tok.lemma_.lower() in _REPORTING:
            for child in tok.children:
                if child.dep_ in ("nsubj", "nsubjpass", "agent") and not (
                        child.left_edge.i <= anchor.i <= child.right_edge.i):
                    left, right = child.left_edge, child.right_edge
                    actor = _actor_in(spans, left.idx, right.idx + len(right.text))
                    if actor:
                        return actor
    return None


def _range_end(doc: Sequence[Token], fig: _Figure, end: int) -> _Figure | None:
    """The second figure of "N to M" / "N-M" / "between N and M"."""
    j = fig.last + 1
    if j + 1 >= end or doc[j].lower_ not in ("to", "-", "–", "and"):
        return None
    if doc[j].lower_ == "and" and not (fig.first > 0 and doc[fig.first - 1].lower_ == "between"):
        return None
    if doc[j].lower_ == "to" and fig.first > 0 and doc[fig.first - 1].lower_ == "from":
        return None  # "rose from 10 to 20" is a change, not a range
    second = _figure_at(doc, j + 1, end)
    if second is None or second.vague or fig.vague or second.value <= fig.value:
        return None
    return second


def _sentence_quantities(sentence: Sentence, tables: QuantityTables,
                         spans: list[tuple[int, int, str]]) -> list[dict]:
    doc, toks = sentence.paragraph.doc, sentence.paragraph.tokens
    start, end = sentence.span.start, sentence.span.end
    out: list[dict] = []
    words = columns(doc).lower[start:end]  # the sentence's words, for the qualifier reader
    i = start
    while i < end:
        word = words[i - start]
        if word not in _FIGURE_WORDS and not word[:1].isdigit():
            i += 1  # no figure starts here (_figure_at would say None): skip its reading
            continue
        fig = _figure_at(toks, i, end)
        if fig is None:
            i += 1
            continue
        first_tok = fig.first
        second = _range_end(toks, fig, end)
        last_tok = second.last if second else fig.last
        whole = _Figure(fig.first, last_tok, fig.value, fig.vague)
        anchor = _anchor(doc, whole)
        noun = _counted_noun(anchor)
        why = _not_a_count(doc, fig, anchor, noun, tables, start, end)
        i = last_tok + 1
        if why:
            log.debug("not a count: %r (%s)", doc[fig.first: fig.last + 1].text, why)
            continue
        kind, first_tok = qualifier_before_tokens(words, fig.first - start)
        first_tok += start
        if kind is None and fig.first > start and doc[fig.first - 1].lower_ == "between" and second:
            first_tok = fig.first - 1
        trailing = doc[last_tok + 1: last_tok + 3]
        if not kind and len(trailing) == 2 and trailing[0].lower_ == "or" and trailing[1].lower_ in ("more", "over"):
            kind, last_tok = "low", last_tok + 2
        n = _number(fig.value)
        if second:
            value, low, high, approximate = None, n, _number(second.value), kind == "approx"
        elif fig.vague:
            value, low, high, approximate = None, n, None, True
        else:
            value, low, high, approximate = bounds(kind, n)
        skip = set(range(first_tok, last_tok + 1))
        attached = noun is not None and (noun.i == anchor.head.i or noun.head.head.i == anchor.i)
        verb = _governing_verb(noun if attached else anchor)
        category = _category(anchor, noun, verb, tables, skip)
        period = _period([verb, noun, anchor], skip) or _war_period(verb, skip)
        out.append({
            "_start": doc[first_tok].idx, "_end": doc[last_tok].idx + len(doc[last_tok].text),
            "text": doc[first_tok: last_tok + 1].text,
            "value": value, "low": low, "high": high, "approximate": approximate,
            "subject": _subject_text(noun) if noun is not None else None,
            "category": category,
            "scope": "cumulative" if period else "event",
            "period": period,
            "source": _source(sentence, anchor, spans),
        })
    return out


def resolve_quantities(parsed: Parsed, actors: Sequence[Actor]) -> tuple[Quantity, ...]:
    """Every counted figure, money amount, area and distance in the article, in reading order, ids
    quantity1, quantity2, ... A count inside a money amount or measure ("$3 billion") is not kept."""
    tables = load_quantity_tables()
    spans = _actor_spans(parsed, actors)
    quantities: list[Quantity] = []
    for sentence in parsed.sentences:
        text = sentence.text
        base = sentence.span.start_char
        measures = find_measures(text)
        items = []
        for m in measures:
            items.append((m.start, m.end, {"text": text[m.start:m.end], "value": m.value, "low": m.low, "high": m.high,
                                    "approximate": m.approximate, "subject": None, "category": m.category,
                                    "unit": m.unit}))
        for item in _sentence_quantities(sentence, tables, spans.get(sentence.index, [])):
            start, end = item.pop("_start") - base, item.pop("_end") - base
            if any(start < m.end and m.start < end for m in measures):
                continue
            items.append((start, end, item))
        for start, end, item in sorted(items, key=lambda x: x[0]):
            evidence = sentence.evidence((sentence.start + start, sentence.start + end))
            quantities.append(Quantity(id=f"quantity{len(quantities) + 1}", evidence=evidence, **item))
    return tuple(quantities)
