"""Time grounding: every time expression -> a TimeRef with a TimeML-style value, grain and anchor.

Recognition is our own rule grammar over each paragraph's text (calendar dates in the common
formats, weekdays, relative days and periods, months and years alone, decades, seasons, durations,
times of day, fixed-date holidays from data/times/holidays.tsv), widened by spaCy DATE/TIME
entities that the grammar missed, when they write a year and dateparser (English only) reads them. Ranges are built from the
words around an expression: "since X" (X .. anchor), "until/till X" (.. X), "by X" (a deadline:
.. X), "between X and Y" / "from X to Y" (one range).

Values (TimeML style): YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Www, YYYY-Www-WE (weekend), YYYY-SU|WI|SP|FA
(seasons), YYY / YY (decade / century), YYYY-MM-DDTHH:MM or YYYY-MM-DDTMO|AF|EV|NI (times of day),
P3D / PT2H / PXM (durations), PRESENT_REF / PAST_REF / FUTURE_REF; a closed range "between X and Y"
has the ISO interval "X/Y". "the end of <month|year>" is that month's (year's) last day.

Anchors: the publication date ("published"); inside a quotation whose speaking date is known, that
date ("speech:<quote id>"); "then", "that day", "two days later" take the previously mentioned time
("previous"); expressions that need no reference point are "absolute".

Direction for dates that do not say their year or week (a weekday, "December", "5 March") comes
from the tense and aspect of the clause the expression attaches to: future ("will", "would",
"going to", "plans to", modals, "next") looks forward from the anchor, past tense and perfect look
back, anything else takes the nearest candidate. A weekday is taken within 0-6 days of the anchor
("said Friday" in a Friday paper is that Friday), 1-7 with "last"/"next".
"""
from __future__ import annotations

import calendar
import functools
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from importlib import resources

from spacy.tokens import Doc, Span, Token

from eventwire.read import Parsed, Sentence, doc_text
from eventwire.record import Quote, TimeRef

__all__ = ["resolve_times", "attached_token", "load_holidays"]

log = logging.getLogger(__name__)

Direction = str  # "past" | "future" | "nearest"

# ------------------------------------------------------------------ vocabulary
_MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
    "mon": 0, "tue": 1, "tues": 1, "wed": 2, "thu": 3, "thur": 3, "thurs": 3, "fri": 4, "sat": 5, "sun": 6,
}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
    "hundred": 100, "a hundred": 100, "couple of": 2, "a couple of": 2,
}
_VAGUE_NUMBERS = {"few", "a few", "several", "many", "some", "a number of"}
# unit -> (TimeML duration letter, is a time-of-day unit, multiplier)
_UNITS = {
    "second": ("S", True, 1), "minute": ("M", True, 1), "hour": ("H", True, 1),
    "day": ("D", False, 1), "night": ("D", False, 1), "week": ("W", False, 1),
    "fortnight": ("W", False, 2), "month": ("M", False, 1), "quarter": ("M", False, 3),
    "year": ("Y", False, 1), "decade": ("Y", False, 10), "century": ("Y", False, 100),
}
_SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}
_REFS = {
    "now": "PRESENT_REF", "currently": "PRESENT_REF", "nowadays": "PRESENT_REF",
    "at present": "PRESENT_REF", "presently": "PRESENT_REF", "right now": "PRESENT_REF",
    "at the moment": "PRESENT_REF", "these days": "PRESENT_REF",
    "the past": "PAST_REF", "at the time": "PAST_REF", "the future": "FUTURE_REF",
}
_SETS = {"day": "P1D", "week": "P1W", "month": "P1M", "year": "P1Y", "morning": "XXXX-XX-XXTMO",
         "evening": "XXXX-XX-XXTEV", "night": "XXXX-XX-XXTNI", "weekend": "XXXX-WXX-WE",
         "daily": "P1D", "weekly": "P1W", "monthly": "P1M", "annually": "P1Y", "yearly": "P1Y",
         "nightly": "XXXX-XX-XXTNI"}

# Verbs that move something to a later date: what they attach is ahead of the anchor.
_DEFERRALS = {"postpone", "delay", "adjourn", "extend", "defer", "reschedule", "push", "prolong"}
# Verbs whose infinitive complement lies ahead of them ("plans to meet on Friday").
_FUTURE_HEADS = {"go", "plan", "intend", "expect", "hope", "aim", "want", "schedule", "set", "due",
                 "agree", "promise", "threaten", "vow", "pledge", "prepare", "seek", "decide", "arrange",
                 "propose", "wish", "need", "suppose", "supposed", "hope", "ready", "likely", "expected", "scheduled", "poised"}
_FUTURE_MODALS = {"will", "'ll", "’ll", "shall", "wo", "would", "'d", "could", "can", "may", "might",
                  "should", "must", "ca", "sha"}


# ------------------------------------------------------------------ the grammar
def _ci(pattern: str) -> str:
    return f"(?i:{pattern})"


_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ANY = _MONTH_FULL + r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?"
_WEEKDAY = (r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
            r"|Mon\.|Tues?\.|Wed\.|Thu(?:rs?)?\.|Fri\.|Sat\.|Sun\.")
_YEAR = r"(?<![\d$£€.,])(?:1[6-9]|20)\d\d(?![\d])(?!,\d)(?!\.\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
_NUM = (r"\d+(?:\.\d+)?|a\s+couple\s+of|couple\s+of|a\s+hundred|a\s+few|a\s+number\s+of|"
        + "|".join(sorted((w for w in _NUMBER_WORDS if " " not in w), key=len, reverse=True))
        + "|few|several|many")
_UNIT_WORDS = r"seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)"
_UNIT_PLURAL = r"seconds|minutes|hours|days|weeks|months|years|decades|centuries"
_EDGE = (r"early|late|mid-?|the\s+(?:end|beginning|start|middle|close|turn|first\s+half|second\s+half)\s+of"
         r"|(?:the\s+)?end\s+of|beginning\s+of|start\s+of")
_YEAR_WORD = r"(?i:(?:the\s+)?(?:fiscal\s+|calendar\s+)?year)"
_REL = r"this|last|next|past|previous|coming|current|following|this\s+past"


@dataclass(frozen=True)
class _Spec:
    """What an expression says, before it is put on the calendar."""

    kind: str
    y: int | None = None
    m: int | None = None
    d: int | None = None
    wd: int | None = None
    rel: str | None = None  # last | next | this | earlier | later
    edge: str | None = None  # start | mid | late | end (only "end" moves the value: to the last day)
    unit: str | None = None
    n: float | None = None  # None = vague ("several")
    shift: int = 0
    value: str | None = None
    pod: str | None = None  # part of day: MO AF EV NI
    hh: int | None = None
    mi: int | None = None
    day: _Spec | None = None  # the day a clock time belongs to
    span_base: str = "anchor"  # anchor | previous


@dataclass
class _Cand:
    start: int  # character offsets in the paragraph Doc
    end: int
    spec: _Spec
    prep: str | None = None  # since | until | by | between | from
    end_spec: _Spec | None = None  # second end of "between X and Y"
    source: str = "rule"


def _edge_of(text: str | None) -> str | None:
    if not text:
        return None
    t = text.lower()
    if "end" in t or "close" in t:
        return "end"  # "by the end of this month": the last day (a deadline)
    if t.startswith("late") or "second half" in t:
        return "late"
    if "mid" in t or "middle" in t:
        return "mid"
    return "start"


def _number(text: str) -> float | None:
    t = " ".join(text.lower().split())
    if t in _VAGUE_NUMBERS:
        return None
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    try:
        return float(t)
    except ValueError:
        return None


def _unit(text: str) -> str:
    t = text.lower()
    if t.startswith("centur"):
        return "century"
    return t[:-1] if t.endswith("s") else t


def _month(text: str) -> int:
    return _MONTHS[text.lower().rstrip(".")]


def _weekday(text: str) -> int:
    return _WEEKDAYS[text.lower().rstrip(".")]


def _rel(text: str | None) -> str | None:
    if not text:
        return None
    t = " ".join(text.lower().split()).removeprefix("the ")
    if t in ("last", "past", "previous", "this past"):
        return "last"
    if t in ("next", "coming", "following"):
        return "next"
    return "this"


def _b_iso(m: re.Match) -> _Spec:
    return _Spec("date", y=int(m["y"]), m=int(m["mo"]), d=int(m["d"]))


def _b_numeric(m: re.Match) -> _Spec | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 70 else 1900
    month, day = (a, b) if a <= 12 else (b, a)  # US order unless the first number cannot be a month
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _Spec("date", y=y, m=month, d=day)


def _b_day_month(m: re.Match) -> _Spec:
    day = int(re.match(r"\d+", m["d"]).group())
    wd = _weekday(m["wd"]) if m["wd"] else None
    if m["y"]:
        return _Spec("date", y=int(m["y"]), m=_month(m["mon"]), d=day)
    return _Spec("day_month", m=_month(m["mon"]), d=day, wd=wd)


def _b_month_year(m: re.Match) -> _Spec:
    return _Spec("month_year", y=int(m["y"]), m=_month(m["mon"]), edge=_edge_of(m["edge"]))


def _b_month(m: re.Match) -> _Spec:
    return _Spec("month", m=_month(m["mon"]), rel=_rel(m["rel"]), edge=_edge_of(m["edge"]))


def _b_year(m: re.Match) -> _Spec:
    return _Spec("year", y=int(m["y"]), edge=_edge_of(m["edge"]))


def _b_decade(m: re.Match) -> _Spec:
    return _Spec("decade", y=int(m["dec"]), edge=_edge_of(m["edge"]))


def _b_century(m: re.Match) -> _Spec:
    return _Spec("century", y=int(m["c"]))


def _b_weekday(m: re.Match) -> _Spec:
    pod = _PARTS_OF_DAY[m["pod"].lower()] if m["pod"] else None
    return _Spec("weekday", wd=_weekday(m["wd"]), rel=_rel(m["rel"]), pod=pod)


_REL_DAYS = {"the day before yesterday": -2, "yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1,
             "the day after tomorrow": 2}


def _b_rel_day(m: re.Match) -> _Spec:
    word = " ".join(m["rd"].lower().split())
    pod = _PARTS_OF_DAY[m["pod"].lower()] if m["pod"] else ("NI" if word == "tonight" else None)
    return _Spec("rel_day", shift=_REL_DAYS[word], pod=pod)


def _b_part_of_day(m: re.Match) -> _Spec:
    rel = " ".join(m["rel"].lower().split())
    pod = _PARTS_OF_DAY[m["pod"].lower()]
    shift = -1 if rel.endswith("last") else 0
    return _Spec("rel_day", shift=shift, pod=pod)


def _b_rel_unit(m: re.Match) -> _Spec:
    unit = m["unit"].lower()
    rel = _rel(m["rel"])
    edge_text = m["edge"]
    if edge_text and edge_text.lower() in ("earlier", "later"):
        # "earlier this month" stays in this month; its part is before / after the anchor.
        return _Spec("rel_unit", unit=unit, shift=0 if rel == "this" else (-1 if rel == "last" else 1),
                     rel=edge_text.lower())
    edge = _edge_of(edge_text)
    shift = {"last": -1, "next": 1}.get(rel or "this", 0)
    if unit in ("decade", "century") and m["rel"].lower().startswith("the ") and rel != "this":
        # "the next decade", "the past century" are spans of that length (TimeML), not calendar decades.
        return _Spec("duration", unit=unit, n=1)
    if unit in _SEASONS:
        return _Spec("season", value=_SEASONS[unit], rel=rel, edge=edge)
    return _Spec("rel_unit", unit=unit, shift=shift, edge=edge)


def _b_season_year(m: re.Match) -> _Spec:
    return _Spec("season", value=_SEASONS[m["season"].lower()], y=int(m["y"]), edge=_edge_of(m["edge"]))


def _b_offset(m: re.Match) -> _Spec | None:
    n = _number(m["n"])
    direction = " ".join(m["dir"].lower().split())
    sign = 1 if direction in ("later", "after", "from now", "hence") else -1
    base = "previous" if direction in ("later", "after", "earlier", "before") else "anchor"
    return _Spec("offset", unit=_unit(m["unit"]), n=n, shift=sign, span_base=base)


def _b_in_n(m: re.Match) -> _Spec:
    return _Spec("in_n", unit=_unit(m["unit"]), n=_number(m["n"]))


def _b_duration(m: re.Match) -> _Spec | None:
    written = m.groupdict().get("n")
    n = _number(written) if written else None
    return _Spec("duration", unit=_unit(m["unit"]), n=n)


def _b_prev_day(m: re.Match) -> _Spec:
    word = " ".join(m[0].lower().split())
    shift = 1 if ("next" in word or "following" in word or "after" in word) else (
        -1 if ("previous" in word or "before" in word) else 0)
    return _Spec("offset", unit="day", n=1 if shift else 0, shift=shift or 1, span_base="previous")


def _b_ref(m: re.Match) -> _Spec:
    return _Spec("ref", value=_REFS[" ".join(m[0].lower().split())])


def _b_set(m: re.Match) -> _Spec:
    return _Spec("set", value=_SETS[(m["set"] or m["set2"]).lower()])


def _b_clock(m: re.Match) -> _Spec | None:
    if m["word"]:
        hh = 12 if m["word"].lower() in ("noon", "midday") else 0
        return _Spec("clock", hh=hh, mi=0)
    hh = int(m["h"])
    mi = int(m["mi"]) if m["mi"] else 0
    ap = (m["ap"] or "").lower().replace(".", "")
    if ap == "pm" and hh < 12:
        hh += 12
    elif ap == "am" and hh == 12:
        hh = 0
    if hh > 23:
        return None
    return _Spec("clock", hh=hh, mi=mi)


def _b_then(m: re.Match) -> _Spec:
    word = m[0].split()[0].lower()
    return _Spec("previous", rel="until" if word in ("till", "by", "before") else word)


@functools.lru_cache(maxsize=1)
def load_holidays() -> dict[str, tuple[int, int]]:
    """Fixed-date holidays from data/times/holidays.tsv: name -> (month, day)."""
    text = resources.files("eventwire").joinpath("data", "times", "holidays.tsv").read_text("utf-8")
    rows = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    out: dict[str, tuple[int, int]] = {}
    for line in rows[1:]:
        name, month, day = line.split("\t")[:3]
        out[name.strip()] = (int(month), int(day))
    return out


def _b_holiday(m: re.Match) -> _Spec:
    name = m["hol"].replace("’", "'")
    month, day = load_holidays()[name]
    if m["y"]:
        return _Spec("date", y=int(m["y"]), m=month, d=day)
    return _Spec("day_month", m=month, d=day)


@functools.lru_cache(maxsize=1)
def _grammar() -> tuple[tuple[re.Pattern, object], ...]:
    edge = rf"(?:(?P<edge>{_ci(_EDGE)})(?:\s+|(?<=-)))?"
    holidays = "|".join(re.escape(h).replace("'", "['’]") for h in sorted(load_holidays(), key=len, reverse=True))
    rules = [
        (r"(?P<y>(?:1[6-9]|20)\d\d)-(?P<mo>0[1-9]|1[0-2])-(?P<d>[0-2]\d|3[01])", _b_iso),
        (r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d{2})", _b_numeric),
        (rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:{_ci('the')}\s+)?(?P<d>{_DAY})(?:\s+{_ci('of')})?\s+(?P<mon>{_MONTH_ANY})"
         rf"(?:,?\s+(?P<y>{_YEAR}))?", _b_day_month),
        (rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH_ANY})\s+(?P<d>{_DAY})(?:,?\s+(?P<y>{_YEAR}))?", _b_day_month),
        (rf"{edge}(?P<mon>{_MONTH_ANY})(?:,?\s+|\s+{_ci('of')}\s+)(?P<y>{_YEAR})", _b_month_year),
        (rf"{edge}(?:(?P<rel>{_ci('last|next|this|coming|past')})\s+)?(?P<mon>{_MONTH_FULL})", _b_month),
        (rf"{edge}(?:{_YEAR_WORD}\s+|{_ci('fiscal')}\s+)?(?P<y>{_YEAR})", _b_year),
        (rf"(?:{_ci('the')}\s+)?(?:(?P<edge>{_ci('early|mid|late')})[\s-]+)?(?P<dec>(?:1[6-9]|20)\d)0['’]?s(?!\w)", _b_decade),
        (rf"(?:{_ci('the')}\s+)?(?P<c>[12]?\d)(?:st|nd|rd|th)[\s-]+{_ci('century')}", _b_century),
        (rf"(?:(?P<rel>{_ci('last|next|this|coming|past|previous')})\s+)?(?P<wd>{_WEEKDAY})"
         rf"(?:\s+(?P<pod>{_ci('morning|afternoon|evening|night')}))?", _b_weekday),
        (_ci(r"(?P<rd>the\s+day\s+before\s+yesterday|the\s+day\s+after\s+tomorrow|yesterday|today|tomorrow|tonight)"
             r"(?:\s+(?P<pod>morning|afternoon|evening|night))?"), _b_rel_day),
        (_ci(r"(?P<rel>this|last|early\s+this|late\s+last)\s+(?P<pod>morning|afternoon|evening|night)"), _b_part_of_day),
        (rf"(?:(?P<edge>{_ci(_EDGE + '|earlier|later')})\s+)?"
         + _ci(rf"(?P<rel>(?:the\s+)?(?:{_REL}))\s+(?:fiscal\s+)?"
               r"(?P<unit>week|weekend|month|year|quarter|decade|century|summer|winter|spring|autumn|fall)"),
         _b_rel_unit),
        (rf"{edge}(?P<season>{_ci('spring|summer|autumn|fall|winter')})\s+(?:{_ci('of')}\s+)?(?P<y>{_YEAR})", _b_season_year),
        (_ci(rf"(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS})\s+(?P<dir>ago|earlier|later|from\s+now|hence|before|after|back)")
         + r"(?!\s+(?:the|a|an|his|her|its|their|this|that|than|\w+ing)\b)", _b_offset),
        (_ci(rf"(?:in|within)\s+(?P<n>{_NUM})\s+(?P<unit>{_UNIT_WORDS})"), _b_in_n),
        (_ci(rf"(?:(?:the\s+)?(?:past|last|next|coming|previous|first|recent|following|final|another)\s+)?"
             rf"(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS})(?:['’](?!\w))?(?![\s-]old\b)"), _b_duration),
        (_ci(rf"(?:(?:the\s+)?(?:past|last|next|coming|recent)\s+)(?P<unit>{_UNIT_PLURAL})"), _b_duration),
        (_ci(rf"(?<=for\s)(?:(?:many|several)\s+)?(?P<unit>{_UNIT_PLURAL})"), _b_duration),
        (_ci(r"the\s+(?:next|following|previous|same)\s+day|that\s+day|the\s+day\s+before|the\s+day\s+after"),
         _b_prev_day),
        (_ci("|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_REFS, key=len, reverse=True))), _b_ref),
        (_ci(r"(?:every|each)\s+(?P<set>day|week|month|year|morning|evening|night|weekend)|(?P<set2>daily|weekly|monthly|annually|yearly|nightly)"),
         _b_set),
        (r"(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>" + _ci(r"a\.m\.|p\.m\.|am|pm|a\.m|p\.m") + r")(?!\w)"
         r"|(?<!:)(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?!:\d)(?:\s+(?:GMT|UTC|EST|EDT|ET|CET|BST|PST|PDT))?"
         r"|(?P<h3>[01]\d|2[0-3])(?P<mi3>[0-5]\d)\s+(?:GMT|UTC|Zulu)"
         r"|(?P<word>" + _ci("noon|midday|midnight") + ")", _b_clock_any),
        (rf"(?P<hol>{holidays})(?:\s+(?P<y>{_YEAR}))?", _b_holiday),
        (_ci(r"(?:since|until|till|by|before|after|from|back)\s+then"), _b_then),
    ]
    return tuple((re.compile(rf"(?<![\w]){pattern}(?![\w])"), builder) for pattern, builder in rules)


def _b_clock_any(m: re.Match) -> _Spec | None:
    if m["h2"] is not None:
        return _Spec("clock", hh=int(m["h2"]), mi=int(m["mi2"]))
    if m["h3"] is not None:
        return _Spec("clock", hh=int(m["h3"]), mi=int(m["mi3"]))
    return _b_clock(m)


# ------------------------------------------------------------------ recognition
def _recognise(doc: Doc) -> list[_Cand]:
    """Non-overlapping time expressions in one paragraph, longest first, in text order."""
    text = doc_text(doc)
    found: list[_Cand] = []
    for pattern, builder in _grammar():
        for m in pattern.finditer(text):
            spec = builder(m)
            if spec is None or m.end() <= m.start():
                continue
            found.append(_Cand(m.start(), m.end(), spec))
    chosen: list[_Cand] = []
    taken: list[tuple[int, int]] = []
    for cand in sorted(found, key=lambda c: (-(c.end - c.start), c.start)):
        if any(cand.start < e and s < cand.end for s, e in taken):
            continue
        if not _plausible(doc, cand):
            continue
        chosen.append(cand)
        taken.append((cand.start, cand.end))
    for cand in chosen:
        if cand.spec.kind == "in_n" and _after_superlative(doc, cand.start):
            # "the worst in a decade" measures a length; only the length is the expression.
            inner = re.match(r"\S+\s+", doc_text(doc)[cand.start:cand.end])
            cand.start += inner.end() if inner else 0
            cand.spec = _Spec("duration", unit=cand.spec.unit, n=cand.spec.n)
    chosen.sort(key=lambda c: c.start)
    chosen.extend(_from_entities(doc, taken))
    chosen.sort(key=lambda c: c.start)
    return _merge(doc, chosen)


def _after_superlative(doc: Doc, char: int) -> bool:
    span = doc.char_span(char, char + 1, alignment_mode="expand")
    if span is None:
        return False
    before = doc[max(span.sent.start, span.start - 4):span.start]
    return any(t.tag_ in ("JJS", "RBS") or t.lower_ in ("first", "only", "time") for t in before)


_MONTH_CONTEXT = re.compile(
    r"(?i:\b(?:in|since|until|till|by|during|through|throughout|from|to|of|and|or|early|late|mid|last|next|this|"
    r"before|after|between|around|on|end|beginning|start|middle)\s*-?)$")


def _plausible(doc: Doc, cand: _Cand) -> bool:
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
        if token.dep_ == "nummod" and token.head.tag_ in ("NNS", "NNPS") and token.head.lower_ not in _UNIT_PLURAL:
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


def _from_entities(doc: Doc, taken: list[tuple[int, int]]) -> list[_Cand]:
    """spaCy DATE/TIME entities the grammar missed, kept only when dateparser reads a calendar date."""
    out: list[_Cand] = []
    for ent in doc.ents:
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if any(ent.start_char < e and s < ent.end_char for s, e in taken):
            continue
        if not re.search(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)", ent.text) or re.fullmatch(r"[\d\s,.]+", ent.text):
            continue  # without a written year dateparser guesses; a bare number is more often a count
        spec = _dateparser_spec(ent.text)
        if spec is not None:
            out.append(_Cand(ent.start_char, ent.end_char, spec, source="spacy"))
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


def _merge(doc: Doc, cands: list[_Cand]) -> list[_Cand]:
    """Attach range words: "since X", "by X", "between X and Y", "from X to Y", clock times to days."""
    text = doc_text(doc)
    out: list[_Cand] = []
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
                    cands[i + 1] = _Cand(cand.start, nxt.end, replace(clock, day=day))
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
                out.append(_Cand(start, nxt.end, cand.spec, prep="between", end_spec=nxt.spec))
                i += 2
                continue
        if word in ("since", "until", "till", "through", "by") and cand.spec.kind not in ("duration", "set", "previous"):
            prep = {"through": "until", "till": "until"}.get(word, word)
            # "since the 2001 invasion": the range word stays outside a time that modifies a noun.
            start = cand.start if re.search(r"(?i:the)\s+$", before.group(0)) else cand.start - len(before.group(0))
            out.append(_Cand(start, cand.end, cand.spec, prep=prep))
            i += 1
            continue
        out.append(cand)
        i += 1
    return out


_DAY_KINDS = {"date", "day_month", "weekday", "rel_day"}


# ------------------------------------------------------------------ tense and attachment
def _attach(span: Span) -> Token:
    """The head an expression attaches to: climb through prepositions and modifiers to a verb."""
    token = span.root
    for _ in range(12):  # parse trees are shallow; the bound only guards against odd parses
        if token.head is token:
            return token
        if not (span.start <= token.i < span.end) and token.pos_ in ("VERB", "AUX"):
            return token
        token = token.head
    return token


def attached_token(parsed: Parsed, time: TimeRef) -> Token | None:
    """The syntactic head (usually a verb) that a resolved time expression attaches to.

    "On Saturday, Erdogan said ..." -> "said"; "intensified their assault on Idlib in December"
    -> "intensified". None when the expression cannot be found in the parse.
    """
    span = _find_span(parsed, time)
    return _attach(span) if span is not None else None


def _find_span(parsed: Parsed, time: TimeRef) -> Span | None:
    ev = time.evidence
    for sentence in parsed.sentences:
        if sentence.section != ev.section or sentence.paragraph.caption_index != ev.caption_index:
            continue
        if not (sentence.start <= time.start < sentence.end):
            continue
        base = sentence.paragraph.offset
        return sentence.paragraph.doc.char_span(time.start - base, time.end - base, alignment_mode="expand")
    return None


def _direction(span: Span) -> Direction:
    """Past, future or nearest, from the tense and aspect of the clause the expression attaches to."""
    verb = _attach(span)
    return _tense(verb)


def _tense(verb: Token) -> Direction:
    for _ in range(3):
        if verb.lemma_.lower() in _DEFERRALS:
            return "future"  # "postponed until Saturday", "extended to June"
        auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
        lowers = {a.lower_ for a in auxes}
        if lowers & _FUTURE_MODALS:
            if "have" in lowers and verb.tag_ == "VBN":
                return "past"  # "would have met"
            return "future"
        if any(a.lower_ in ("going", "gon") for a in auxes):
            return "future"
        if verb.tag_ == "VBG" and lowers & {"is", "are", "was", "were", "'s", "’s", "'re", "’re", "am"}:
            return "nearest"  # the progressive is often a plan: "was leaving in February"
        if verb.tag_ == "VBD" or any(a.tag_ == "VBD" for a in auxes):
            return "past"
        if verb.tag_ == "VBN" and lowers & {"has", "have", "had", "'s", "’s", "'ve", "’ve"}:
            return "past"
        if verb.tag_ == "VB" and "to" in lowers:
            head = verb.head
            if head.lemma_.lower() in _FUTURE_HEADS or head.lower_ in _FUTURE_HEADS:
                return "future"
            if verb.dep_ != "xcomp" or head.pos_ in ("NOUN", "PROPN"):
                return "future"  # "a programme to run through June": a purpose lies ahead
            if head is not verb and head.pos_ in ("VERB", "AUX", "ADJ"):
                verb = head
                continue
        if verb.tag_ == "VBN" and verb.dep_ in ("amod", "acl") and verb.head is not verb:
            return "past"
        if verb.tag_ == "VBN" and verb.dep_ in ("ccomp", "xcomp", "conj", "advcl") and verb.head is not verb:
            verb = verb.head
            continue
        if verb.pos_ == "NOUN" or verb.pos_ == "PROPN":
            return "nearest"
        break
    return "nearest"


# ------------------------------------------------------------------ calendar arithmetic
def _iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + k
    return total // 12, total % 12 + 1


def _last_day(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _weekday_date(anchor: date, wd: int, direction: Direction, rel: str | None) -> date:
    back = (anchor.weekday() - wd) % 7
    ahead = (wd - anchor.weekday()) % 7
    if rel == "last":
        return anchor - timedelta(days=back or 7)
    if rel == "next":
        return anchor + timedelta(days=ahead or 7)
    if rel == "this":
        return anchor + timedelta(days=wd - anchor.weekday())  # the same ISO week
    if direction == "past":
        return anchor - timedelta(days=back)
    if direction == "future":
        return anchor + timedelta(days=ahead)
    return anchor - timedelta(days=back) if back <= ahead else anchor + timedelta(days=ahead)


def _month_year(anchor: date, month: int, direction: Direction, rel: str | None) -> int:
    y = anchor.year
    if rel == "last":
        return y if month < anchor.month else y - 1
    if rel == "next":
        return y if month > anchor.month else y + 1
    if rel == "this":
        return y
    if direction == "past":
        return y if month <= anchor.month else y - 1
    if direction == "future":
        return y if month >= anchor.month else y + 1
    # Nearest month; a tie (six months either way) goes to the past, which news reports more often.
    return min((y - 1, y, y + 1), key=lambda yy: (abs((yy * 12 + month) - (y * 12 + anchor.month)), yy > y))


def _day_month_date(anchor: date, month: int, day: int, direction: Direction) -> date | None:
    def make(y: int) -> date | None:
        try:
            return date(y, month, day)
        except ValueError:
            return None

    options = [d for d in (make(anchor.year - 1), make(anchor.year), make(anchor.year + 1)) if d]
    if not options:
        return None
    if direction == "past":
        past = [d for d in options if d <= anchor]
        return max(past) if past else None
    if direction == "future":
        future = [d for d in options if d >= anchor]
        return min(future) if future else None
    return min(options, key=lambda d: (abs((d - anchor).days), d > anchor))


def _duration_value(unit: str, n: float | None) -> str:
    letter, is_time, mult = _UNITS.get(unit, ("D", False, 1))
    if unit == "weekend":
        letter, is_time, mult = "WE", False, 1
    if n is None:
        amount = "X"
    else:
        total = n * mult
        amount = str(int(total)) if float(total).is_integer() else str(total)
    return f"PT{amount}{letter}" if is_time else f"P{amount}{letter}"


@dataclass(frozen=True)
class _Resolved:
    value: str | None
    grain: str
    first: date | None = None  # the first and last day the value covers, for ranges and "previous"
    last: date | None = None


def _span_of_value(value: str | None) -> tuple[date | None, date | None]:
    """First and last day of a calendar value (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Www)."""
    if not value:
        return None, None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", value)
    if m:
        d = date(int(m[1]), int(m[2]), int(m[3]))
        return d, d
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m:
        return date(int(m[1]), int(m[2]), 1), _last_day(int(m[1]), int(m[2]))
    m = re.fullmatch(r"(\d{4})-W(\d{2})(?:-WE)?", value)
    if m:
        monday = date.fromisocalendar(int(m[1]), int(m[2]), 1)
        return monday, monday + timedelta(days=6)
    m = re.fullmatch(r"(\d{4})", value)
    if m:
        return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    return None, None


def _point(value: str | None, grain: str) -> _Resolved:
    first, last = _span_of_value(value)
    return _Resolved(value, grain, first, last)


def _resolve(spec: _Spec, anchor: date | None, direction: Direction, previous: _Resolved | None) -> tuple[_Resolved, str]:
    """(value, grain, days covered) and the anchor kind used."""
    kind = spec.kind
    if kind == "date":
        try:
            return _point(date(spec.y, spec.m, spec.d).isoformat(), "day"), "absolute"
        except ValueError:
            return _Resolved(None, "unknown"), "absolute"
    if kind == "month_year":
        if spec.edge == "end" and spec.m:
            return _point(_last_day(spec.y, spec.m).isoformat(), "day"), "absolute"
        return _point(f"{spec.y:04d}-{spec.m:02d}", "month"), "absolute"
    if kind == "year":
        return _point(f"{spec.y:04d}", "year"), "absolute"
    if kind == "decade":
        return _Resolved(f"{spec.y:03d}", "range", date(spec.y * 10, 1, 1), date(spec.y * 10 + 9, 12, 31)), "absolute"
    if kind == "century":
        c = spec.y - 1
        return _Resolved(f"{c:02d}", "range", date(max(1, c * 100), 1, 1), date(c * 100 + 99, 12, 31)), "absolute"
    if kind == "duration":
        return _Resolved(_duration_value(spec.unit or "day", spec.n), "duration"), "absolute"
    if kind == "set":
        return _Resolved(spec.value, "unknown"), "absolute"
    if kind == "ref":
        return _Resolved(spec.value, "unknown"), "published"
    if kind == "season" and spec.y is not None:
        return _Resolved(f"{spec.y:04d}-{spec.value}", "range"), "absolute"
    if kind == "previous":
        if previous is None:
            return _Resolved(None, "unknown"), "previous"
        return previous, "previous"
    if kind == "offset" and spec.span_base == "previous":
        if previous is None or previous.first is None:
            return _Resolved(None, "unknown"), "previous"
        return _offset(spec, previous.first), "previous"

    if anchor is None:
        return _Resolved(None, "unknown"), "published"

    if kind == "day_month":
        if spec.y is not None:
            return _point(date(spec.y, spec.m, spec.d).isoformat(), "day"), "absolute"
        d = _day_month_date(anchor, spec.m, spec.d, direction)
        return (_point(d.isoformat(), "day") if d else _Resolved(None, "unknown")), "published"
    if kind == "month":
        y = _month_year(anchor, spec.m, direction, spec.rel)
        if spec.edge == "end":
            return _point(_last_day(y, spec.m).isoformat(), "day"), "published"
        return _point(f"{y:04d}-{spec.m:02d}", "month"), "published"
    if kind == "weekday":
        d = _weekday_date(anchor, spec.wd, direction, spec.rel)
        if spec.pod:
            return _Resolved(f"{d.isoformat()}T{spec.pod}", "time", d, d), "published"
        return _point(d.isoformat(), "day"), "published"
    if kind == "rel_day":
        d = anchor + timedelta(days=spec.shift)
        if spec.pod:
            return _Resolved(f"{d.isoformat()}T{spec.pod}", "time", d, d), "published"
        return _point(d.isoformat(), "day"), "published"
    if kind == "clock":
        day = anchor
        if spec.day is not None:
            inner, _ = _resolve(spec.day, anchor, direction, previous)
            day = inner.first or anchor
        value = f"{day.isoformat()}T{spec.hh:02d}:{spec.mi:02d}"
        return _Resolved(value, "time", day, day), "published"
    if kind == "rel_unit":
        return _rel_unit(spec, anchor), "published"
    if kind == "season":
        season = spec.value
        y = anchor.year
        month_now = anchor.month
        start_month = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}[season]
        if spec.rel == "last":
            y = y if start_month + 2 < month_now else y - 1
        elif spec.rel == "next":
            y = y if start_month > month_now else y + 1
        elif direction == "past":
            y = y if start_month <= month_now else y - 1
        elif direction == "future":
            y = y if start_month + 2 >= month_now else y + 1
        return _Resolved(f"{y:04d}-{season}", "range"), "published"
    if kind == "offset":
        return _offset(spec, anchor), "published"
    if kind == "in_n":
        # "will be available in five years" is a date; "the worst in a decade" is a length.
        if direction != "future":
            return _Resolved(_duration_value(spec.unit or "day", spec.n), "duration"), "absolute"
        return _offset(replace(spec, shift=1), anchor), "published"
    return _Resolved(None, "unknown"), "published"


def _offset(spec: _Spec, base: date) -> _Resolved:
    unit = spec.unit or "day"
    if spec.n is None:
        return _Resolved("PAST_REF" if spec.shift < 0 else "FUTURE_REF", "unknown")
    n = int(spec.n) * spec.shift
    if unit in ("second", "minute", "hour"):
        return _point(base.isoformat(), "day")
    if unit in ("day", "night"):
        return _point((base + timedelta(days=n)).isoformat(), "day")
    if unit in ("week", "fortnight"):
        k = 2 if unit == "fortnight" else 1
        d = base + timedelta(weeks=n * k)
        return _point(_iso_week(d), "week")
    if unit in ("month", "quarter"):
        k = 3 if unit == "quarter" else 1
        y, m = _add_months(base.year, base.month, n * k)
        return _point(f"{y:04d}-{m:02d}", "month")
    k = {"year": 1, "decade": 10, "century": 100}.get(unit, 1)
    year = base.year + n * k
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is off the calendar")
    return _point(f"{year:04d}", "year")


def _rel_unit(spec: _Spec, anchor: date) -> _Resolved:
    unit, shift = spec.unit, spec.shift
    if unit in ("week", "weekend"):
        d = anchor + timedelta(weeks=shift)
        week = _iso_week(d)
        if unit == "weekend":
            monday = date.fromisocalendar(*d.isocalendar()[:2], 1)
            return _Resolved(f"{week}-WE", "week", monday + timedelta(days=5), monday + timedelta(days=6))
        if spec.edge == "end":
            monday = date.fromisocalendar(*d.isocalendar()[:2], 1)
            return _point((monday + timedelta(days=6)).isoformat(), "day")
        return _point(week, "week")
    if unit in ("month", "quarter"):
        if unit == "quarter":
            q = (anchor.month - 1) // 3 + shift
            y = anchor.year + q // 4
            return _Resolved(f"{y:04d}-Q{q % 4 + 1}", "range")
        y, m = _add_months(anchor.year, anchor.month, shift)
        if spec.edge == "end":
            return _point(_last_day(y, m).isoformat(), "day")
        return _point(f"{y:04d}-{m:02d}", "month")
    if unit == "decade":
        dec = anchor.year // 10 + shift
        return _Resolved(f"{dec:03d}", "range", date(dec * 10, 1, 1), date(dec * 10 + 9, 12, 31))
    if unit == "century":
        c = anchor.year // 100 + shift
        return _Resolved(f"{c:02d}", "range")
    y = anchor.year + shift
    if spec.edge == "end":
        return _point(date(y, 12, 31).isoformat(), "day")
    return _point(f"{y:04d}", "year")


# ------------------------------------------------------------------ quotes
@dataclass(frozen=True)
class _QuoteSpan:
    quote: Quote
    section: str
    caption_index: int | None
    start: int
    end: int


def _quote_spans(quotes: Sequence[Quote]) -> list[_QuoteSpan]:
    spans = []
    for quote in quotes:
        ev = quote.evidence
        text = quote.text.strip().strip("\"“”'‘’").strip()
        if not text:
            continue
        idx = ev.text.find(text)
        if idx < 0:
            log.debug("quote %s text not found in its evidence; using the whole evidence", quote.id)
            spans.append(_QuoteSpan(quote, ev.section, ev.caption_index, ev.start, ev.end))
            continue
        spans.append(_QuoteSpan(quote, ev.section, ev.caption_index, ev.start + idx, ev.start + idx + len(text)))
    return spans


def _speech_date(quote: Quote) -> date | None:
    if not quote.spoken:
        return None
    try:
        return date.fromisoformat(quote.spoken[:10])
    except ValueError:
        return None


def _published_date(published: str | None) -> date | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10])
    except ValueError:
        log.warning("publication date %r is not ISO; relative times stay unresolved", published)
        return None


# ------------------------------------------------------------------ the stage
def resolve_times(parsed: Parsed, quotes: Sequence[Quote] = ()) -> tuple[TimeRef, ...]:
    """Every time expression in the article (title, body, captions) as TimeRefs, in reading order."""
    published = _published_date(parsed.document.published)
    quote_spans = [q for q in _quote_spans(quotes) if _speech_date(q.quote) is not None]
    times: list[TimeRef] = []
    previous: _Resolved | None = None
    for paragraph in parsed.paragraphs:
        sentences = [s for s in parsed.sentences if s.paragraph is paragraph]
        if not sentences:
            continue
        for cand in _recognise(paragraph.doc):
            sentence = _sentence_at(sentences, cand.start)
            if sentence is None:
                continue
            mention = sentence.mention(cand.start, cand.end)
            anchor, anchor_kind = published, "published"
            for qs in quote_spans:
                if (qs.section == mention.section and qs.caption_index == mention.caption_index
                        and qs.start <= mention.start and mention.end <= qs.end):
                    anchor, anchor_kind = _speech_date(qs.quote), f"speech:{qs.quote.id}"
                    break
            span = paragraph.doc.char_span(cand.start, cand.end, alignment_mode="expand")
            direction = _direction(span) if span is not None and len(span) else "nearest"
            if cand.prep == "since":
                direction = "past"  # "since December" started before the anchor, whatever the verb
            elif cand.prep in ("until", "by") and direction == "nearest":
                direction = "future"
            try:
                resolved, used = _resolve(cand.spec, anchor, direction, previous)
            except (ValueError, OverflowError) as exc:  # "in 900000 days" runs off the calendar
                log.debug("no calendar value for %r: %s", mention.text, exc)
                resolved, used = _Resolved(None, "unknown"), anchor_kind
            year = _year_in_sentence(times, sentence)
            if (year is not None and direction != "future" and cand.spec.kind in ("month", "day_month")
                    and cand.spec.rel is None and anchor is not None and year != anchor.year):
                # "signed on 5 January 2014 and took effect on 1 July": the sentence's year carries over.
                inherited = _in_year(cand.spec, year)
                if inherited is not None:
                    resolved, used = inherited, "previous"
            range_start = range_end = None
            grain = resolved.grain
            value = resolved.value
            if cand.prep == "between" and cand.end_spec is not None:
                second, _ = _resolve(cand.end_spec, anchor, direction, previous)
                if second.value and value and second.first and resolved.first and second.first < resolved.first:
                    # "between December and February": the first end lies in the year before.
                    shifted = _shift_year_back(cand.spec, anchor, direction, previous)
                    if shifted is not None:
                        resolved = shifted
                        value = shifted.value
                range_start, range_end = value, second.value
                value = f"{value}/{second.value}" if value and second.value else value
                grain = "range"
            elif cand.spec.kind == "previous" and cand.spec.rel in ("since", "after", "from"):
                range_start, range_end = value, anchor.isoformat() if anchor else None
                grain = "range"
            elif cand.spec.kind == "previous" and cand.spec.rel == "until":
                range_end = value
            elif cand.prep == "since":
                range_start = value
                range_end = anchor.isoformat() if anchor else None
                grain = "range"
            elif cand.prep in ("until", "by"):
                range_end = resolved.last.isoformat() if resolved.last and cand.prep == "by" else value
            if used == "published":
                used = anchor_kind  # the speech date when the expression lies inside a dated quote
            times.append(TimeRef(
                id=f"time{len(times) + 1}",
                text=mention.text,
                value=value,
                start=mention.start,
                end=mention.end,
                grain=grain,
                anchor=used,
                evidence=sentence.evidence(),
                range_start=range_start,
                range_end=range_end,
            ))
            if resolved.first is not None and cand.spec.kind not in ("duration", "set", "ref"):
                previous = resolved
    return tuple(times)


def _year_in_sentence(times: list[TimeRef], sentence: Sentence) -> int | None:
    """The year of the last explicitly dated expression earlier in the same sentence."""
    for earlier in reversed(times):
        if earlier.evidence != sentence.evidence():
            break
        if earlier.anchor == "absolute" and earlier.value and re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", earlier.value):
            return int(earlier.value[:4])
    return None


def _in_year(spec: _Spec, year: int) -> _Resolved | None:
    if spec.kind == "month":
        return _point(f"{year:04d}-{spec.m:02d}", "month")
    try:
        return _point(date(year, spec.m, spec.d).isoformat(), "day")
    except ValueError:
        return None


def _shift_year_back(spec: _Spec, anchor: date | None, direction: Direction, previous: _Resolved | None) -> _Resolved | None:
    if spec.kind != "month" or anchor is None:
        return None
    y = _month_year(anchor, spec.m, direction, spec.rel) - 1
    return _point(f"{y:04d}-{spec.m:02d}", "month")


def _sentence_at(sentences: list[Sentence], char: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.span.start_char <= char < sentence.span.end_char:
            return sentence
    return None
