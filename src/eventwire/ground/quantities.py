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
from eventwire.ground.count_figures import (FIGURE_WORDS, UNITS, Figure, digits_value, figure_at, range_end,
                                           whole_number)
from eventwire.ground.count_period import stated_period, war_period
from eventwire.ground.measures import find_measures
from eventwire.token_columns import columns, sentence_ends
from eventwire.ground.qualifiers import bounds, qualifier_before_tokens
from eventwire.read import Parsed, Sentence
from eventwire.record import Actor, Quantity

__all__ = ["resolve_quantities", "QuantityTables", "load_quantity_tables"]

log = logging.getLogger(__name__)

CATEGORIES = ("killed", "injured", "displaced", "homeless", "arrested", "missing", "evacuated", "deployed", "other")

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


def _anchor(doc: Doc, fig: Figure) -> Token:
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


def _is_year(fig: Figure, text: str, noun: Token | None) -> bool:
    """A bare four-digit 1900-2099 is a year unless it counts a plural noun ("2000 people")."""
    if fig.first != fig.last or not re.fullmatch(r"(19|20)\d\d", text):
        return False
    return noun is None or noun.tag_ != "NNS"


def _dashed_code(doc: Doc, fig: Figure) -> bool:
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


def _not_a_count(doc: Doc, fig: Figure, anchor: Token, noun: Token | None, tables: QuantityTables,
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
            and doc[fig.last + 2].lower_ not in UNITS:
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
    if "." in text and digits_value(text) is not None and fig.first == fig.last and noun is None:
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


def _sentence_quantities(sentence: Sentence, tables: QuantityTables,
                         spans: list[tuple[int, int, str]]) -> list[dict]:
    doc, toks = sentence.paragraph.doc, sentence.paragraph.tokens
    start, end = sentence.span.start, sentence.span.end
    out: list[dict] = []
    words = columns(doc).lower[start:end]  # the sentence's words, for the qualifier reader
    i = start
    while i < end:
        word = words[i - start]
        if word not in FIGURE_WORDS and not word[:1].isdigit():
            i += 1  # no figure starts here (figure_at would say None): skip its reading
            continue
        fig = figure_at(toks, i, end)
        if fig is None:
            i += 1
            continue
        first_tok = fig.first
        second = range_end(toks, fig, end)
        last_tok = second.last if second else fig.last
        whole = Figure(fig.first, last_tok, fig.value, fig.vague)
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
        n = whole_number(fig.value)
        if second:
            value, low, high, approximate = None, n, whole_number(second.value), kind == "approx"
        elif fig.vague:
            value, low, high, approximate = None, n, None, True
        else:
            value, low, high, approximate = bounds(kind, n)
        skip = set(range(first_tok, last_tok + 1))
        attached = noun is not None and (noun.i == anchor.head.i or noun.head.head.i == anchor.i)
        verb = _governing_verb(noun if attached else anchor)
        category = _category(anchor, noun, verb, tables, skip)
        period = stated_period([verb, noun, anchor], skip) or war_period(verb, skip)
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
