"""Time expressions chosen in a paragraph: the grammar's readings (time_grammar.py), longest first
without overlaps, checked against the parse ("May" the verb, "1800 people"), widened by spaCy DATE/TIME
entities that dateparser reads with a year, and joined with their range words ("since X", "between X
and Y") and clock times with their days.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace

from spacy.tokens import Doc

from eventwire.ground.time_grammar import _UNIT_PLURAL, _Spec, expressions
from eventwire.numeric_dates import DAY_FIRST, DateOrder
from eventwire.read import doc_text

__all__ = ["Candidate", "recognise"]


@dataclass
class Candidate:
    """A time expression found in a paragraph, with what it says and the range word attached."""

    start: int  # character offsets in the paragraph Doc
    end: int
    spec: _Spec
    prep: str | None = None  # since | until | by | between | from
    end_spec: _Spec | None = None  # second end of "between X and Y"
    source: str = "rule"


def recognise(doc: Doc, order: DateOrder = DAY_FIRST) -> list[Candidate]:
    """Non-overlapping time expressions in one paragraph, longest first, in text order; numeric
    dates read in the source's `order` when they can be read both ways."""
    found = [Candidate(start, end, spec) for start, end, spec in expressions(doc_text(doc), order)]
    chosen: list[Candidate] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(found, key=lambda c: (-(c.end - c.start), c.start)):
        if any(cand.start < e and s < cand.end for s, e in taken):
            continue
        if not _plausible(doc, cand):
            continue
        chosen.append(cand)
        taken.append((cand.start, cand.end))
    chosen.sort(key=lambda c: c.start)
    chosen.extend(_from_entities(doc, taken))
    chosen.sort(key=lambda c: c.start)
    return _merge(doc, chosen)


# Plural time units: "1800 years" may still be a year's reading, "1800 people" is a count.
_UNIT_PLURAL_WORDS = frozenset(_UNIT_PLURAL.split("|"))
_MONTH_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|until|till|by|during|through|throughout|from|to|of|and|or|early|late|mid|last|next|this|"
    r"before|after|between|around|on|end|beginning|start|middle)\s*-?)$")


def _plausible(doc: Doc, cand: Candidate) -> bool:
    """Reject the grammar's ambiguous readings using the parse ("May" the verb, a count of 1800 people)."""
    spec = cand.spec
    text = doc_text(doc)[cand.start:cand.end]
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if spec.kind == "month" and spec.rel is None and spec.edge is None and text in ("May", "March"):
        before = doc_text(doc)[max(0, cand.start - 20):cand.start].rstrip()
        if not _MONTH_CONTEXT.search(before):
            return False
    if spec.kind == "year" and span is not None and len(span) == 1:
        token = span[0]
        # A number counting a plural noun ("1800 people") is not a year.
        if token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS") and token.head.lower_ not in _UNIT_PLURAL_WORDS:
            return False
        if token.head.lower_ in ("percent", "%", "per") or doc_text(doc)[cand.end:cand.end + 1] == "%":
            return False
    if spec.kind == "duration" and spec.n is not None and span is not None:
        # "one day" is mostly "some day"; "a second round" an ordinal; "a quarter of them" a share.
        if text.lower() in ("one day", "a day", "one night", "a night"):
            return False
        last = span[-1]
        if spec.unit == "second" and last.tag_ == "JJ":
            return False
        if spec.unit == "quarter" and doc_text(doc)[cand.end:cand.end + 4].lower() == " of ":
            return False
    if spec.kind == "weekday" and spec.rel is None and span is not None and span.start > 0:
        # "the Sunday Times", "Good Friday Agreement": a weekday inside a name.
        prev = doc[span.start - 1]
        nxt = doc[span.end] if span.end < len(doc) else None
        if prev.lower_ in ("the", "good", "black", "bloody") and nxt is not None and nxt.is_title:
            return False
    if spec.kind == "set" and span is not None and text.lower() in ("daily", "weekly", "monthly"):
        # "the daily newspaper" names a thing, not a frequency.
        return span[0].pos_ == "ADV"
    if spec.kind == "ref" and text.lower() == "now" and span is not None:
        # "now that ..." is a conjunction.
        nxt = doc_text(doc)[cand.end:cand.end + 6].lower()
        if nxt.startswith(" that "):
            return False
    return True


def _from_entities(doc: Doc, taken: list[tuple[int, int]]) -> list[Candidate]:
    """spaCy DATE/TIME entities the grammar missed, kept only when dateparser reads a calendar date."""
    out: list[Candidate] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(ent.start_char < e and s < ent.end_char for s, e in taken):
            continue
        if not re.search(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)", ent.text) or re.fullmatch(r"[\d\s,.]+", ent.text):
            continue  # without a written year dateparser guesses; a bare number is more often a count
        spec = _dateparser_spec(ent.text)
        if spec is not None:
            out.append(Candidate(ent.start_char, ent.end_char, spec, source="spacy"))
    return out


def _dateparser_spec(text: str) -> _Spec | None:
    try:
        import dateparser
    except ImportError:  # pragma: no cover - dateparser is a declared dependency
        return None
    settings = {"REQUIRE_PARTS": ["year"], "RETURN_AS_TIMEZONE_AWARE": False, "STRICT_PARSING": False}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd strings
        return None
    if parsed is None:
        return None
    has_day = bool(re.search(r"\b(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b(?!\d)", re.sub(r"\b\d{4}\b", "", text)))
    if has_day:
        return _Spec("date", y=parsed.year, m=parsed.month, d=parsed.day)
    return _Spec("month_year", y=parsed.year, m=parsed.month)


_RANGE_BEFORE = re.compile(r"(?i:(?<![\w])(since|until|till|through|by|between|from)\s+(?:the\s+)?)$")


def _merge(doc: Doc, cands: list[Candidate]) -> list[Candidate]:
    """Attach range words: "since X", "by X", "between X and Y", "from X to Y", clock times to days."""
    text = doc_text(doc)
    out: list[Candidate] = []
    i = 0
    while i < len(cands):
        cand = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        # A clock time and the day it belongs to: "15:00 GMT Saturday", "Friday at 8 p.m.".
        if nxt is not None and cand.prep is None:
            gap = text[cand.end:nxt.start]
            pair = (cand.spec, nxt.spec)
            if re.fullmatch(r"\s*,?\s*(?:(?i:on|at)\s+)?", gap):
                clock, day = None, None
                if pair[0].kind == "clock" and pair[1].kind in _DAY_KINDS:
                    clock, day = pair
                elif pair[1].kind == "clock" and pair[0].kind in _DAY_KINDS:
                    day, clock = pair
                if clock is not None and clock is pair[0]:
                    cands[i + 1] = Candidate(cand.start, nxt.end, replace(clock, day=day))
                    i += 1
                    continue
                if clock is not None:
                    cands[i + 1] = replace(nxt, spec=replace(clock, day=day))
        before = _RANGE_BEFORE.search(text[max(0, cand.start - 16):cand.start])
        word = before.group(1).lower() if before else None
        if word in ("between", "from") and nxt is not None and cand.spec.kind not in ("duration", "set", "ref"):
            gap = text[cand.end:nxt.start]
            if re.fullmatch(r"\s+(?i:and|to|until|till|through)\s+", gap) and nxt.spec.kind not in ("duration", "set", "ref"):
                start = cand.start - len(before.group(0))
                out.append(Candidate(start, nxt.end, cand.spec, prep="between", end_spec=nxt.spec))
                i += 2
                continue
        if word in ("since", "until", "till", "through", "by") and cand.spec.kind not in ("duration", "set", "previous"):
            prep = {"through": "until", "till": "until"}.get(word, word)
            # "since the 2001 invasion": the range word stays outside a time that modifies a noun.
            start = cand.start if re.search(r"(?i:the)\s+$", before.group(0)) else cand.start - len(before.group(0))
            out.append(Candidate(start, cand.end, cand.spec, prep=prep))
            i += 1
            continue
        out.append(cand)
        i += 1
    return out


_DAY_KINDS = {"date", "day_month", "weekday", "rel_day"}
