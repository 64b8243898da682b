"""Time grounding: every time expression -> a TimeRef with a TimeML-style value, grain and anchor.

Three modules: time_grammar.py recognises expressions (what they say), time_calendar.py does the calendar
arithmetic (which date they mean given an anchor and a direction), and this one anchors them: it reads the
direction from the parse, picks the anchor (publication, a dated quotation, the previous time) and builds
the TimeRefs. Recognition and the parse work run once per article (`recognise_times`); anchoring
(`anchor_times`) is cheap and is redone only for the expressions inside dated quotations.

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

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Span, Token

from eventwire.ground.time_calendar import (Direction, _in_year, _resolve, _Resolved, _shift_year_back)
from eventwire.ground.time_grammar import load_holidays
from eventwire.ground.time_recognition import Candidate, recognise
from eventwire.numeric_dates import date_order
from eventwire.read import Parsed, Sentence, doc_text
from eventwire.record import Mention, Quote, TimeRef

__all__ = ["resolve_times", "recognise_times", "anchor_times", "anchor_all", "AnchoredTimes", "RecognisedTime",
           "attached_token", "load_holidays"]

log = logging.getLogger(__name__)

# Verbs that move something to a later date: what they attach is ahead of the anchor.
_DEFERRALS = {"postpone", "delay", "adjourn", "extend", "defer", "reschedule", "push", "prolong"}
# Verbs whose infinitive complement lies ahead of them ("plans to meet on Friday").
_FUTURE_HEADS = {"go", "plan", "intend", "expect", "hope", "aim", "want", "schedule", "set", "due",
                 "agree", "promise", "threaten", "vow", "pledge", "prepare", "seek", "decide", "arrange",
                 "propose", "wish", "need", "suppose", "supposed", "hope", "ready", "likely", "expected", "scheduled", "poised"}
_FUTURE_MODALS = {"will", "'ll", "’ll", "shall", "wo", "would", "'d", "could", "can", "may", "might",
                  "should", "must", "ca", "sha"}


# ------------------------------------------------------------------ tense and attachment
def _attach(span: Span) -> Token:
    """The head an expression attaches to: climb through prepositions and modifiers to a verb."""
    token = span.root
    for _ in range(12):  # parse trees are shallow; the bound only guards against odd parses
        if token.head.i == token.i:
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
            if head.i != verb.i and head.pos_ in ("VERB", "AUX", "ADJ"):
                verb = head
                continue
        if verb.tag_ == "VBN" and verb.dep_ in ("amod", "acl") and verb.head.i != verb.i:
            return "past"
        if verb.tag_ == "VBN" and verb.dep_ in ("ccomp", "xcomp", "conj", "advcl") and verb.head.i != verb.i:
            verb = verb.head
            continue
        if verb.pos_ == "NOUN" or verb.pos_ == "PROPN":
            return "nearest"
        break
    return "nearest"


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
@dataclass(frozen=True)
class RecognisedTime:
    """One expression as recognised in the parse, before it is anchored on a date."""

    cand: Candidate
    sentence: Sentence
    mention: Mention
    direction: Direction


def recognise_times(parsed: Parsed) -> tuple[RecognisedTime, ...]:
    """Every time expression of the article with its sentence and its direction (past, future, nearest)
    read from the parse: the work that does not depend on the anchor, done once per article."""
    out: list[RecognisedTime] = []
    document = parsed.document
    order = date_order(document.url, document.text)  # how the source writes numeric dates
    for paragraph in parsed.paragraphs:
        sentences = [s for s in parsed.sentences if s.paragraph is paragraph]
        if not sentences:
            continue
        text = doc_text(paragraph.doc)
        for cand in recognise(paragraph.doc, order):
            sentence = _sentence_at(sentences, cand.start)
            if sentence is None:
                continue
            span = paragraph.doc.char_span(cand.start, cand.end, alignment_mode="expand")
            direction = _direction(span) if span is not None and len(span) else "nearest"
            if cand.prep == "since":
                direction = "past"  # "since December" started before the anchor, whatever the verb
            elif cand.prep in ("until", "by") and not _simple_past(span):
                direction = "future"  # "until Thursday", "by May": forward unless told in the past tense
            elif _SCHEDULED_BEFORE.search(text[max(0, cand.start - 40):cand.start]):
                direction = "future"  # "a hearing set for May 5", "scheduled for Thursday"
            out.append(RecognisedTime(cand, sentence, sentence.mention(cand.start, cand.end), direction))
    return tuple(out)


# "scheduled for", "set for", "slated for", "due on", "planned for": what follows lies ahead.
_SCHEDULED_BEFORE = re.compile(
    r"(?i:\b(?:scheduled|rescheduled|set|slated|due|planned|pencil(?:l)?ed\s+in|timed|expected)"
    r"\s+(?:to\s+\w+\s+)?(?:for|on|in|at|until|till)\s+(?:the\s+)?)$")


def _simple_past(span: Span | None) -> bool:
    """The expression's clause is told in the simple past ("stayed until Thursday"), not a deferral."""
    if span is None or not len(span):
        return False
    verb = _attach(span)
    if verb.lemma_.lower() in _DEFERRALS:
        return False
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    if auxes & _FUTURE_MODALS:
        return False
    return verb.tag_ == "VBD" or (verb.tag_ == "VBN" and bool(auxes & {"had", "was", "were", "has", "have"}))


def resolve_times(parsed: Parsed, quotes: Sequence[Quote] = ()) -> tuple[TimeRef, ...]:
    """Every time expression in the article (title, body, captions) as TimeRefs, in reading order."""
    return anchor_times(recognise_times(parsed), parsed.document.published, quotes)


@dataclass(frozen=True)
class AnchoredTimes:
    """An article's anchored times, with what each expression left as "the previous time" for the
    next one (None: it left it as it was), so that a second anchoring can take them over."""

    times: tuple[TimeRef, ...]
    previous_after: tuple[_Resolved | None, ...]


def anchor_times(recognised: Sequence[RecognisedTime], published_at: str | None,
                 quotes: Sequence[Quote] = ()) -> tuple[TimeRef, ...]:
    """The recognised expressions put on the calendar: anchored on the publication date, or inside a
    quotation whose speaking date is known, on that date; "then", "two days later" on the previous time."""
    return anchor_all(recognised, published_at, quotes).times


def anchor_all(recognised: Sequence[RecognisedTime], published_at: str | None, quotes: Sequence[Quote] = (),
               earlier: AnchoredTimes | None = None) -> AnchoredTimes:
    """anchor_times, keeping what a second anchoring needs. Given `earlier` (the same expressions
    anchored before the quotes were known), only the expressions inside a dated quotation are anchored
    again, and after them those that lean on the previous time; the rest are taken over as they were."""
    published = _published_date(published_at)
    quote_spans = [q for q in _quote_spans(quotes) if _speech_date(q.quote) is not None]
    times: list[TimeRef] = []
    left: list[_Resolved | None] = []
    previous: _Resolved | None = None
    changed = False  # an expression anchored again came out otherwise than before
    for index, item in enumerate(recognised):
        cand, sentence, mention, direction = item.cand, item.sentence, item.mention, item.direction
        anchor, anchor_kind = published, "published"
        for qs in quote_spans:
            if (qs.section == mention.section and qs.caption_index == mention.caption_index
                    and qs.start <= mention.start and mention.end <= qs.end):
                anchor, anchor_kind = _speech_date(qs.quote), f"speech:{qs.quote.id}"
                break
        if earlier is not None and anchor_kind == "published" and not (
                changed and _leans_on_previous(item, earlier.times[index])):
            times.append(earlier.times[index])
            left.append(earlier.previous_after[index])
            previous = earlier.previous_after[index] or previous
            continue
        base = previous
        if cand.spec.kind == "offset" and cand.spec.span_base == "following":
            base = _following_base(recognised, index, anchor, direction)
        try:
            resolved, used = _resolve(cand.spec, anchor, direction, base)
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
        elif cand.spec.d2 is not None and resolved.first is not None and resolved.last is not None:
            range_start, range_end = resolved.first.isoformat(), resolved.last.isoformat()
        if used == "published":
            used = anchor_kind  # the speech date when the expression lies inside a dated quote
        time_ref = TimeRef(
            id=f"time{len(times) + 1}",
            text=mention.text,
            value=value,
            start=mention.start,
            end=mention.end,
            grain=grain,
            anchor=used,
            evidence=sentence.evidence(mention),
            range_start=range_start,
            range_end=range_end,
        )
        times.append(time_ref)
        if earlier is not None and time_ref != earlier.times[index]:
            changed = True
        sets_previous = resolved.first is not None and cand.spec.kind not in ("duration", "set", "ref")
        left.append(resolved if sets_previous else None)
        if sets_previous:
            previous = resolved
    return AnchoredTimes(tuple(times), tuple(left))


def _leans_on_previous(item: RecognisedTime, before: TimeRef) -> bool:
    """Whether an expression's value may follow the previous time: it took it ("then", "a year
    later", a year carried over in its sentence), or one of its parts may ("between X and Y", a clock
    time on a day)."""
    return before.anchor == "previous" or item.cand.prep == "between" or item.cand.spec.kind == "clock"


def _following_base(recognised: Sequence[RecognisedTime], index: int, anchor: date | None,
                    direction: Direction) -> _Resolved | None:
    """What "N years after/before" counts from: the next calendar time in the same sentence, within a
    clause's reach ("18 years after Washington invaded Afghanistan in 2001" -> 2001); None when there
    is none (the expression is then a length, as TimeML reads "two days after the attack")."""
    here = recognised[index]
    for item in recognised[index + 1:index + 3]:
        if item.sentence is not here.sentence or item.mention.start - here.mention.end > 80:
            break
        if item.cand.spec.kind in ("duration", "set", "ref", "offset", "previous"):
            continue
        try:
            found, _ = _resolve(item.cand.spec, anchor, item.direction, None)
        except (ValueError, OverflowError):
            return None
        return found if found.first is not None else None
    return None


def _year_in_sentence(times: list[TimeRef], sentence: Sentence) -> int | None:
    """The year of the last explicitly dated expression earlier in the same sentence."""
    for earlier in reversed(times):
        if not sentence.holds(earlier.evidence):
            break
        if earlier.anchor == "absolute" and earlier.value and re.fullmatch(r"\d{4}(?:-\d{2}){0,2}", earlier.value):
            return int(earlier.value[:4])
    return None


def _sentence_at(sentences: list[Sentence], char: int) -> Sentence | None:
    for sentence in sentences:
        if sentence.span.start_char <= char < sentence.span.end_char:
            return sentence
    return None
