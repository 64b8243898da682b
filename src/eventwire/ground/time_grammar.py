"""Time expressions read: our rule grammar over a paragraph's text -> what each expression says.

Calendar dates in the common formats, weekdays, relative days and periods, months and years alone,
quarters and halves, decades, centuries, seasons, durations, times of day, fixed-date holidays from
data/times/holidays.tsv. Every rule's readings come out, overlapping; ground/time_recognition.py
chooses among them, adds spaCy's DATE/TIME entities and attaches range words. Nothing here knows the
calendar date an expression means: ground/time_calendar.py puts it on the calendar, ground/times.py
anchors it.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources

from eventwire.numeric_dates import DAY_FIRST, DateOrder, month_and_day
from eventwire.regex_gate import PatternSet, gated

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

# ------------------------------------------------------------------ the grammar
def _ci(pattern: str) -> str:
    return f"(?i:{pattern})"


_MONTH_FULL = "January|February|March|April|May|June|July|August|September|October|November|December"
_MONTH_ANY = _MONTH_FULL + r"|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|Oct\.?|Nov\.?|Dec\.?"
_WEEKDAY = (r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
            r"|Mon\.|Tues?\.|Wed\.|Thu(?:rs?)?\.|Fri\.|Sat\.|Sun\.")
_YEAR = r"(?<![\d$£€.,])(?:1[6-9]|20)\d\d(?![\d])(?!,\d)(?!\.\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?(?![\d:])"
# The letters that match an ASCII letter case-insensitively besides its two cases (Python's re).
_CASE_PARTNERS = {"i": "\u0130\u0131", "k": "\u212a", "s": "\u017f"}  # İ ı, the Kelvin sign, ſ


def _by_first_letter(alternatives: list[str]) -> str:
    """An alternation to be used case-insensitively, its alternatives grouped by their first letter,
    written as a case-sensitive class: the regex engine rejects a branch that opens with a class
    without entering it, while a case-insensitive letter is tried alternative by alternative at
    every word start. The order within a group is kept, and alternatives of different first letters
    never match at the same place, so the matches are the same. An alternative that opens with
    anything but a letter is kept where it stands, and must not be able to start with a letter."""
    groups: dict[str, list[str]] = {}
    parts: list[str | list[str]] = []
    for alternative in alternatives:
        first = alternative[0]
        if not (first.isascii() and first.isalpha()):
            if not alternative.startswith("\\d"):
                raise ValueError(f"cannot group {alternative!r} by its first letter")
            parts.append(alternative)
            continue
        key = first.lower()
        if key not in groups:
            groups[key] = []
            parts.append(groups[key])
        groups[key].append(alternative[1:])
    out = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
        else:
            key = next(k for k, rest in groups.items() if rest is part)
            letters = "".join(sorted({key, key.upper(), *_CASE_PARTNERS.get(key, "")}))
            out.append(f"(?-i:[{letters}])(?:{'|'.join(part)})")
    return "|".join(out)


_NUM = _by_first_letter([r"\d+(?:\.\d+)?", r"a\s+couple\s+of", r"couple\s+of", r"a\s+hundred", r"a\s+few", r"a\s+number\s+of"]
                        + sorted((w for w in _NUMBER_WORDS if " " not in w), key=len, reverse=True)
                        + ["few", "several", "many"])
_UNIT_WORDS = r"seconds?|minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|quarters?|years?|decades?|centur(?:y|ies)"
_UNIT_PLURAL = r"seconds|minutes|hours|days|weeks|months|years|decades|centuries"
_EDGE = (r"early|late|mid-?|the\s+(?:end|beginning|start|middle|close|turn|first\s+half|second\s+half)\s+of"
         r"|(?:the\s+)?end\s+of|beginning\s+of|start\s+of")
_YEAR_WORD = r"(?i:(?:the\s+)?(?:fiscal\s+|calendar\s+)?year)"
_REL = r"this|last|next|past|previous|coming|current|following|this\s+past"
_QUARTER_WORD = r"(?i:(?:fiscal\s+|calendar\s+)?quarter)"


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
    d2: int | None = None  # the last day of a day range ("27-28 February")
    span_base: str = "anchor"  # anchor | previous


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


def _b_numeric(m: re.Match, order: DateOrder = DAY_FIRST) -> _Spec | None:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    if y < 100:
        y += 2000 if y < 70 else 1900
    found = month_and_day(a, b, order)  # the one policy for numeric dates (numeric_dates.py)
    if found is None:
        return None
    return _Spec("date", y=y, m=found[0], d=found[1])


def _b_day_month(m: re.Match) -> _Spec | None:
    day = int(re.match(r"\d+", m["d"]).group())
    wd = _weekday(m["wd"]) if m["wd"] else None
    last = _range_end_day(day, m.groupdict().get("d2"))
    if last is False:
        return None
    if m["y"]:
        return _Spec("date", y=int(m["y"]), m=_month(m["mon"]), d=day, d2=last)
    return _Spec("day_month", m=_month(m["mon"]), d=day, wd=wd, d2=last)


def _range_end_day(first: int, written: str | None) -> int | None | bool:
    """The last day of "27-28 February" (28) or "27-8 February" (28: the tens carried over);
    False when the second number cannot end a range starting on `first`."""
    if not written:
        return None
    last = int(re.match(r"\d+", written).group())
    if last < first and len(str(last)) < len(str(first)):
        last = first - first % 10 + last
    return last if first < last <= 31 else False


_ORDINALS = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
             "final": 4, "last": 4}


def _b_quarter(m: re.Match) -> _Spec | None:
    q = int(m["q"]) if m["q"] else _ORDINALS[m["ord"].lower()]
    year = int(m["y"]) if m["y"] else None
    if year is None and m["ord"] and m["ord"].lower() == "last":
        return None  # "the last quarter" is the previous one, not the fourth
    return _Spec("part", value=f"Q{q}", y=year)


def _b_half(m: re.Match) -> _Spec:
    half = _ORDINALS[m["ord"].lower()]
    return _Spec("part", value=f"H{half}", y=int(m["y"]) if m["y"] else None)


def _b_season(m: re.Match) -> _Spec:
    return _Spec("season", value=_SEASONS[m["season"].lower()])


def _b_vague_duration(m: re.Match) -> _Spec:
    return _Spec("duration", unit=_unit(m["unit"]), n=None)


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
    written = " ".join(m["rel"].lower().split())
    if written in ("the next", "the following", "the previous", "the preceding") and unit in ("year", "month", "week"):
        # "The next year, the Taliban released ...": a year after the time the story is at, not after
        # publication (anchored on the previous time when there is one).
        return _Spec("rel_unit", unit=unit, shift=shift, edge=edge, span_base="previous")
    return _Spec("rel_unit", unit=unit, shift=shift, edge=edge)


def _b_season_year(m: re.Match) -> _Spec:
    return _Spec("season", value=_SEASONS[m["season"].lower()], y=int(m["y"]), edge=_edge_of(m["edge"]))


def _b_offset(m: re.Match) -> _Spec | None:
    n = _number(m["n"])
    direction = " ".join(m["dir"].lower().split())
    if direction in ("from now", "hence"):
        # TimeML reads "eight years from now" as the length "eight years" (P8Y), as it reads "in five years".
        return _Spec("duration", unit=_unit(m["unit"]), n=n)
    sign = 1 if direction in ("later", "after") else -1
    # "two days later" counts from the time told before; "18 years after <X> in 2001" from the time after.
    base = {"later": "previous", "earlier": "previous", "after": "following", "before": "following"}.get(
        direction, "anchor")
    return _Spec("offset", unit=_unit(m["unit"]), n=n, shift=sign, span_base=base)


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
        (rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?:{_ci('the')}\s+)?(?P<d>{_DAY})(?:\s*[-–]\s*(?P<d2>{_DAY}))?(?:\s+{_ci('of')})?"
         rf"\s+(?P<mon>{_MONTH_ANY})(?:,?\s+(?P<y>{_YEAR}))?", _b_day_month),
        (rf"(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<mon>{_MONTH_ANY})\s+(?P<d>{_DAY})(?:\s*[-–]\s*(?P<d2>{_DAY}))?"
         rf"(?:,?\s+(?P<y>{_YEAR}))?", _b_day_month),
        # Quarters and halves: "the third quarter of 2009", "Q3 2009", "the first half of 2010", "the
        # second quarter" (of the anchor's year or the one before, as the tense says).
        (rf"(?:{_ci('the')}\s+)?(?P<ord>{_ci('first|second|third|fourth|final|last|1st|2nd|3rd|4th')})"
         rf"(?:\s+|-){_QUARTER_WORD}(?:\s+{_ci('of')}\s+(?:{_YEAR_WORD}\s+)?(?P<y>{_YEAR})"
         rf"|(?!\s+{_ci('of')}\b))(?P<q>)", _b_quarter),
        (rf"(?:{_ci('the')}\s+)?(?P<ord>)Q(?P<q>[1-4])(?:\s+|\s*{_ci('of')}\s+|\s*-\s*|/)(?P<y>{_YEAR})"
         rf"|(?P<y2>{_YEAR})\s*[-/]?\s*Q(?P<q2>[1-4])", _b_quarter_any),
        (rf"(?:{_ci('the')}\s+)?(?P<ord>{_ci('first|second|1st|2nd')})(?:\s+|-){_ci('half')}"
         rf"(?:\s+{_ci('of')}\s+(?:{_YEAR_WORD}\s+)?(?P<y>{_YEAR})|(?!\s+{_ci('of')}\b))", _b_half),
        # A season alone after a preposition: "in the summer", "until the winter" (TimeML's 2013-SU).
        (_ci(r"(?:in|during|over|by|until|through|throughout|before|after|since|this|next|last|past)\s+")
         + _ci(r"(?P<x>the\s+(?P<season>spring|summer|autumn|winter))") + r"(?!\s+(?:of\s+)?\d)", _b_season),
        # A vague length: "take weeks", "days before he underwent surgery", "within minutes".
        (_ci(rf"(?:(?:takes?|took|taking|taken|within|lasted|lasting|waited|spent|after)\s+)?(?P<x>(?P<unit>{_UNIT_PLURAL}))")
         + _ci(r"(?=\s+(?:before|after|later|earlier|ago|to\s+\w+)\b)"), _b_vague_duration),
        (_ci(rf"(?:takes?|took|taking|taken|within|lasted|lasting|waited|spent)\s+(?P<x>(?P<unit>{_UNIT_PLURAL}))"), _b_vague_duration),
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
        # "eight years from now": the length "eight years" (TimeML), "now" an expression of its own.
        (_ci(rf"(?P<x>(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS}))\s+(?P<dir>from\s+now|hence)"), _b_offset),
        (_ci(rf"(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS})\s+(?P<dir>ago|earlier|later|before|after|back)")
         + r"(?!\s+(?:the|a|an|his|her|its|their|this|that|than|\w+ing)\b)", _b_offset),
        # "two days after the attack", "18 years after Washington invaded ... in 2001": the length is the
        # expression; it counts from a time told after it in the sentence, else stays a length.
        (_ci(rf"(?P<x>(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS}))\s+(?P<dir>before|after)(?=\s+\w)"), _b_offset),
        (_ci(rf"(?:(?:the\s+)?(?:past|last|next|coming|previous|first|recent|following|final|another)\s+)?"
             rf"(?P<n>{_NUM})[\s-]+(?P<unit>{_UNIT_WORDS})(?:['’](?!\w))?(?![\s-]old\b)"
             r"(?!\s+(?:and|or)\s+(?:older|over|above|younger|under)\b)"), _b_duration),
        (_ci(rf"(?:(?:the\s+)?(?:past|last|next|coming|recent)\s+)(?P<unit>{_UNIT_PLURAL})"), _b_duration),
        (_ci(rf"(?<=for\s)(?:(?:many|several)\s+)?(?P<unit>{_UNIT_PLURAL})"), _b_duration),
        (_ci(r"the\s+(?:next|following|previous|same)\s+day|that\s+day|the\s+day\s+before|the\s+day\s+after"),
         _b_prev_day),
        (_ci("|".join(re.escape(k).replace(r"\ ", r"\s+") for k in sorted(_REFS, key=len, reverse=True))), _b_ref),
        (_ci(r"(?:every|each)\s+(?P<set>day|week|month|year|morning|evening|night|weekend)|(?P<set2>daily|weekly|monthly|annually|yearly|nightly)"),
         _b_set),
        # An elapsed time with seconds and no clock word ("finished in 3:07:35") is a length.
        (r"(?<!\bat\s)(?P<h>\d{1,2}):(?P<mi>[0-5]\d):(?P<s>[0-5]\d)(?!\s*(?:[ap]\.?m|GMT|UTC|[A-Z]{2,4}\b))",
         _b_elapsed),
        (r"(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d))?\s*(?P<ap>" + _ci(r"a\.m\.|p\.m\.|am|pm|a\.m|p\.m") + r")(?!\w)"
         r"|(?<!:)(?P<h2>[01]?\d|2[0-3]):(?P<mi2>[0-5]\d)(?!:\d)(?:\s+(?:GMT|UTC|EST|EDT|ET|CET|BST|PST|PDT))?"
         r"|(?P<h3>[01]\d|2[0-3])(?P<mi3>[0-5]\d)\s+(?:GMT|UTC|Zulu)"
         r"|(?P<word>" + _ci("noon|midday|midnight") + ")", _b_clock_any),
        (rf"(?P<hol>{holidays})(?:\s+(?P<y>{_YEAR}))?", _b_holiday),
        (_ci(r"(?:since|until|till|by|before|after|from|back)\s+then"), _b_then),
    ]
    # Each rule behind a lookahead of its first characters (regex_gate): the same matches, about
    # three times faster to scan for (the scan of every paragraph was the stage's largest cost).
    return tuple((gated(rf"(?<![\w]){pattern}(?![\w])"), builder) for pattern, builder in rules)


@functools.lru_cache(maxsize=1)
def _grammar_scan() -> PatternSet:
    """Every rule's matches in one scan of a paragraph (regex_gate.PatternSet): scanning once per
    rule cost a fifth of grounding and coding."""
    return PatternSet([pattern for pattern, _ in _grammar()])


def _b_quarter_any(m: re.Match) -> _Spec | None:
    if m["y2"]:
        return _Spec("part", value=f"Q{m['q2']}", y=int(m["y2"]))
    return _Spec("part", value=f"Q{m['q']}", y=int(m["y"]))


def _b_elapsed(m: re.Match) -> _Spec:
    h, mi, s = int(m["h"]), int(m["mi"]), int(m["s"])
    parts = "".join(f"{n}{letter}" for n, letter in ((h, "H"), (mi, "M"), (s, "S")) if n)
    return _Spec("length", value=f"PT{parts or '0S'}")


def _b_clock_any(m: re.Match) -> _Spec | None:
    if m["h2"] is not None:
        return _Spec("clock", hh=int(m["h2"]), mi=int(m["mi2"]))
    if m["h3"] is not None:
        return _Spec("clock", hh=int(m["h3"]), mi=int(m["mi3"]))
    return _b_clock(m)


def expressions(text: str, order: DateOrder = DAY_FIRST) -> Iterator[tuple[int, int, _Spec]]:
    """Every rule's reading of a paragraph's text, overlapping: (start, end, what it says); numeric
    dates read in the source's `order` when they can be read both ways."""
    for (pattern, builder), matches in zip(_grammar(), _grammar_scan().finditer_each(text)):
        for m in matches:
            spec = builder(m, order) if builder is _b_numeric else builder(m)
            if spec is None or m.end() <= m.start():
                continue
            # A rule may match context it does not keep: the expression is then its group "x".
            if "x" in pattern.groupindex and m["x"]:
                yield m.start("x"), m.end("x"), spec
            else:
                yield m.start(), m.end(), spec
