"""Line shapes shared by the ingesters: cross-links, photo credits, timestamps, bylines, furniture.

The patterns are data (data/ingest/line_patterns.tsv); this module only decides by shape,
position-free: the callers know where a line stands in the page.
"""
from __future__ import annotations

import functools
import re
from datetime import datetime
from importlib import resources

from eventwire.numeric_dates import DAY_FIRST, DateOrder, month_and_day
from eventwire.record import RelatedLink

__all__ = [
    "related_link",
    "is_boilerplate",
    "split_credit",
    "timestamp_of",
    "is_byline",
    "ends_like_sentence",
    "word_count",
]

_URL = re.compile(r"https?://\S+")


@functools.lru_cache(maxsize=1)
def _patterns() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    text = resources.files("eventwire").joinpath("data", "ingest", "line_patterns.tsv").read_text("utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or line.startswith("kind\t"):
            continue
        kind, pattern = line.split("\t", 1)
        out.setdefault(kind, []).append(pattern.strip())
    return out


@functools.lru_cache(maxsize=1)
def _related_re() -> re.Pattern[str]:
    alts = "|".join(f"(?:{p})" for p in _patterns()["related"])
    # The prefix must be followed by a separator and a title: "READ: X", "Read more - X", "RELATED | X".
    return re.compile(rf"^\s*(?:{alts})\s*[:|»>–—-]\s*(?P<title>\S.*)$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _boilerplate_re() -> re.Pattern[str]:
    alts = "|".join(f"(?:{p})" for p in _patterns()["boilerplate"])
    return re.compile(rf"^\s*(?:{alts})\s*[.:!|]?\s*$", re.IGNORECASE)


@functools.lru_cache(maxsize=1)
def _credit_words() -> frozenset[str]:
    return frozenset(w.lower() for w in _patterns()["credit"])


def word_count(text: str) -> int:
    return len(text.split())


def ends_like_sentence(text: str) -> bool:
    return bool(re.search(r"[.!?…][\"'”’)\]]*\s*$|[\"”]\s*$", text))


def related_link(line: str) -> RelatedLink | None:
    """A cross-link line ("READ: Title", "Related: Title https://...") as a link, else None."""
    m = _related_re().match(line)
    if not m:
        return None
    title = m.group("title").strip()
    url_match = _URL.search(title)
    url = None
    if url_match:
        url = url_match.group(0).rstrip(").,")
        title = (title[: url_match.start()] + title[url_match.end():]).strip(" -–—|()")
    # A link title is a headline, not a paragraph: long or multi-sentence text is body text.
    if not title or word_count(title) > 30 or re.search(r"[.!?]\s+[A-Z]", title):
        return None
    return RelatedLink(title=title, url=url)


def is_boilerplate(line: str) -> bool:
    """Site furniture by shape: known UI phrases, or a short all-lower-case fragment ("clear")."""
    stripped = line.strip()
    if not stripped:
        return False
    if _boilerplate_re().match(stripped):
        return True
    words = stripped.split()
    # Scripts without case (CJK, Arabic) never look "all lower case": only cased text can be a UI word.
    cased = any(ch.islower() for ch in stripped)
    return cased and len(words) <= 3 and stripped == stripped.lower() and not re.search(r"[.!?,;\"“”0-9]", stripped)


def _credit_like(tail: str) -> bool:
    words = re.findall(r"[\w’'.-]+", tail)
    if not words or len(words) > 10:
        return False
    lower = {w.lower().strip(".") for w in words}
    if "/" in tail or lower & _credit_words():
        return True
    # A bare name list ("John Smith", "Jane Doe, Reuters"): every word capitalised.
    return len(words) >= 2 and all(w[0].isupper() or not w[0].isalpha() for w in words)


_BRACKET_TAIL = re.compile(r"^(?P<text>.*\S)\s*[\[(](?P<credit>[^\[\]()]{2,120})[\])]\s*\.?\s*$", re.S)
_LABEL = r"(?:photo(?:graph)?|image|picture|credit|source)\s*(?:by|:)"
_LABEL_TAIL = re.compile(rf"^(?P<text>.*?\S)\s*(?:[|–—-]\s*)?\(?{_LABEL}\s*(?P<credit>[^.]{{2,80}}?)\)?\s*$",
                         re.IGNORECASE | re.S)
_LABEL_ANYWHERE = re.compile(_LABEL, re.IGNORECASE)


def _may_end_in_label(text: str) -> bool:
    """Whether _LABEL_TAIL can match `text`: after its label come at most 80 characters of credit
    and a bracket, between white space (str.strip removes what the pattern's \\s matches), so the
    last label in the text ends within 81 characters of its last one that is not white space."""
    last = None
    for last in _LABEL_ANYWHERE.finditer(text):
        pass
    return last is not None and len(text[last.end():].strip()) <= 81


def _ends_in_bracket(text: str) -> bool:
    """Whether `text` ends as _BRACKET_TAIL requires: a closing bracket, then at most one full stop
    and white space (str.isspace is what the pattern's \\s matches)."""
    tail = text.rstrip()
    if tail.endswith("."):
        tail = tail[:-1].rstrip()
    return tail.endswith(("]", ")"))


def split_credit(text: str) -> tuple[str, str | None]:
    """Split a photo caption into (caption text, credit) when it ends with a credit, else (text, None).

    Recognised tails: "[Name/Agency]", "(Photo: Name)", "Photo by Name", "| Credit: Agency".
    An editorial insertion such as "[French president]" is not a credit: credits are names.
    """
    # Each tail pattern is tried only where it can match: a paragraph without a label ("Photo by",
    # "Source:"), or not ending in a bracket, would otherwise cost a backtracking scan of all of it.
    m = _LABEL_TAIL.match(text) if _may_end_in_label(text) else None
    if m:
        return m.group("text").strip(), m.group("credit").strip()
    m = _BRACKET_TAIL.match(text) if _ends_in_bracket(text) else None
    if m and _credit_like(m.group("credit")):
        body = m.group("text").strip()
        # A quoted sentence that ends in a bracket is speech with an insertion, not a caption.
        if not body.endswith(("”", '"')):
            return body, m.group("credit").strip()
    return text, None


_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sept?(?:ember)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)(?:day|sday|nesday|rsday|urday)?\.?"
_DATE_SHAPES = [
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}",
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+\d{{4}}",
    r"\d{4}-\d{2}-\d{2}",
    r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}",
    r"\d{4}[/.]\d{1,2}[/.]\d{1,2}",
    # "Apr 152017": day and year run together where a scraper stripped the comma and space
    rf"{_MONTH}\s+\d{{1,2}}(?:19|20)\d{{2}}\b",
]
_ISO_STAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?$")
_DATE = re.compile("|".join(f"(?:{s})" for s in _DATE_SHAPES), re.IGNORECASE)
_TIME = re.compile(
    r"\b(?P<h>\d{1,2})(?:[:.](?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap]\.?m\.?)?(?![\d/.-])",
    re.IGNORECASE,
)
_FILLER = re.compile(
    rf"\b(?:published|posted|updated|last|first|on|at|date|time|{_WEEKDAY}|gmt|utc|z|"
    r"[ecmp][sd]t|bst|cet|cest|eet|eest|ist|ast|msk|trt|sgt|jst|aest|hkt|am|pm|a\.m\.|p\.m\.)(?=\W|$)"
    r"|[+-]\d{2}:?\d{2}|[\s,|:/•·()\[\]–—-]+",
    re.IGNORECASE,
)
_TZ_OFFSETS = {"gmt": "+00:00", "utc": "+00:00", "z": "+00:00", "bst": "+01:00", "cet": "+01:00",
               "cest": "+02:00", "eet": "+02:00", "eest": "+03:00", "msk": "+03:00", "trt": "+03:00",
               "est": "-05:00", "edt": "-04:00", "cst": "-06:00", "cdt": "-05:00", "pst": "-08:00",
               "pdt": "-07:00", "ist": "+05:30", "jst": "+09:00", "sgt": "+08:00", "hkt": "+08:00"}


# A byline closing a timestamp line, and a news agency's acronym opening one: credits, not words of
# a headline (a headline is never just a date and a name).
_TRAILING_BYLINE = re.compile(r"(?:^|\s)[Bb]y\s+(?:[A-Z][\w’'.&-]*\s*){1,5}$")
_LEADING_AGENCY = re.compile(r"^\s*[A-Z]{2,6}(?=\s)")
_GLUED_YEAR = re.compile(r"(\d{1,2})((?:19|20)\d{2})$")


def _parse_date(text: str, order: DateOrder) -> datetime | None:
    import dateparser  # slow to import; only needed when a timestamp line is found

    text = _GLUED_YEAR.sub(r"\1 \2", text)
    ymd = re.fullmatch(r"(\d{4})[/.](\d{1,2})[/.](\d{1,2})", text.strip())
    if ymd:  # "2016.07.27": year first, then month and day
        return _date(int(ymd[1]), int(ymd[2]), int(ymd[3]))
    numeric = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text.strip())
    if numeric:  # "27/07/2016", "07/27/2016": the one policy of numeric_dates.py
        found = month_and_day(int(numeric[1]), int(numeric[2]), order)
        return _date(int(numeric[3]), *found) if found else None
    return dateparser.parse(text, languages=["en"], settings={"PREFER_DAY_OF_MONTH": "first"})


def _date(y: int, m: int, d: int) -> datetime | None:
    """The date, or None when there is no such day ("31/02/2016")."""
    try:
        return datetime(y, m, d)
    except ValueError:
        return None


def timestamp_of(line: str, order: DateOrder = DAY_FIRST) -> str | None:
    """If the whole line is a publication timestamp ("February 24, 2020 at 9:25 am",
    "Published: Mon 24 Feb 2020 09:25 GMT", "24/02/2020 - 14:05"), return it as ISO 8601
    (date, or date and time, with the offset when a zone is named); else None. A numeric date is
    read in the source's `order` when it can be read both ways (numeric_dates.py)."""
    stripped = line.strip()
    if not stripped or word_count(stripped) > 14:
        return None
    if _ISO_STAMP.match(stripped):
        try:
            return datetime.fromisoformat(stripped.replace("Z", "+00:00")).isoformat()
        except ValueError:
            return None
    date_match = _DATE.search(stripped)
    if not date_match:
        return None
    rest = stripped[: date_match.start()] + " " + stripped[date_match.end():]
    time_match = _TIME.search(rest)
    time_ok = time_match and (time_match.group("m") or time_match.group("ampm"))
    if time_ok:
        rest = rest[: time_match.start()] + " " + rest[time_match.end():]
    rest = re.sub(r"^\s*[Bb]y\s+(?:[A-Z][\w’'.-]+\s*){1,4}", " ", rest)  # a byline sharing the line
    rest = _TRAILING_BYLINE.sub(" ", rest)  # "Posted on April 4 2017 by Asharq Al-Awsat English"
    rest = _LEADING_AGENCY.sub(" ", rest)  # "AFP Sunday 30 Oct 2016"
    if _FILLER.sub("", rest).strip():
        return None
    day = _parse_date(date_match.group(0), order)
    if day is None:
        return None
    if not time_ok:
        return day.date().isoformat()
    hour, minute = int(time_match.group("h")), int(time_match.group("m") or 0)
    ampm = (time_match.group("ampm") or "").lower().replace(".", "")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    if hour > 23 or minute > 59:
        return day.date().isoformat()
    stamp = day.replace(hour=hour, minute=minute, second=int(time_match.group("s") or 0)).isoformat()
    offset = re.search(r"([+-]\d{2}):?(\d{2})(?!\d)", rest)
    if offset:
        return f"{stamp}{offset.group(1)}:{offset.group(2)}"
    zone = re.search(r"\b(" + "|".join(_TZ_OFFSETS) + r")\b", rest, re.IGNORECASE)
    return stamp + (_TZ_OFFSETS[zone.group(1).lower()] if zone else "")


def is_byline(line: str) -> bool:
    """ "By Jane Doe", "By Jane Doe and John Roe, Reuters" """
    return bool(re.match(r"^\s*by\s+[A-Z][\w’'.-]+(?:[\s,]+(?:and\s+)?[A-Z][\w’'.-]+){0,6}\s*$", line, re.I)) and (
        word_count(line) <= 10
    )
