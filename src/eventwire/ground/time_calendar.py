"""Calendar arithmetic for time expressions: a recognised expression + an anchor date -> a TIMEX value.

Pure functions of dates: which year a month or a day-and-month without a year falls in, which day a
weekday or a weekend is, offsets ("three years after 2001"), weeks, quarters, halves, seasons, decades
and centuries. The first and last day a value covers (a month's end, a season's three months) come
from event_dates.py alone, the one table of calendar spans.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from eventwire.ground.event_dates import SEASON_START_MONTH, calendar_date, first_day, last_day
from eventwire.ground.time_grammar import _UNITS, _Spec

Direction = str  # "past" | "future" | "nearest"

_JUST_AFTER_DAYS = 3  # how far after the anchor a past-tense date without a year may still lie


def _iso_week(day: date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def _add_months(y: int, m: int, k: int) -> tuple[int, int]:
    total = y * 12 + (m - 1) + k
    return total // 12, total % 12 + 1


def _month_end(y: int, m: int) -> date:
    return last_day(f"{y:04d}-{m:02d}", "month")


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


def _day_month_date(anchor: date, month: int, day: int, direction: Direction,
                    weekday: int | None = None) -> date | None:
    def make(y: int) -> date | None:
        try:
            return date(y, month, day)
        except ValueError:
            return None

    options = [d for d in (make(anchor.year - 1), make(anchor.year), make(anchor.year + 1)) if d]
    if weekday is not None:
        # "Wednesday, March 6": the year in which that day is a Wednesday, whatever the tense says.
        agreeing = [d for d in options if d.weekday() == weekday and abs((d - anchor).days) <= 200]
        if len(agreeing) == 1:
            return agreeing[0]
    if not options:
        return None
    this_year = make(anchor.year)
    if direction == "past" and this_year and 0 < (this_year - anchor).days <= _JUST_AFTER_DAYS:
        # A date a few days after publication told in the past tense is this year's (a paper dated the
        # day before an event, a schedule reported as done), not the same day a year earlier.
        return this_year
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
    """First and last day of a calendar value (a day, week, month, quarter, half, season, year, decade,
    century)."""
    iso, grain = calendar_date(value)
    first = first_day(iso)
    if first is None:
        return None, None
    return first, last_day(iso, grain)


def _point(value: str | None, grain: str) -> _Resolved:
    first, last = _span_of_value(value)
    return _Resolved(value, grain, first, last)


def _resolve(spec: _Spec, anchor: date | None, direction: Direction, previous: _Resolved | None) -> tuple[_Resolved, str]:
    """(value, grain, days covered) and the anchor kind used."""
    resolved, used = _resolve_one(spec, anchor, direction, previous)
    if spec.d2 is not None and resolved.first is not None:
        # "27-28 February": the first day's value, covering the days to the last.
        try:
            last = resolved.first.replace(day=spec.d2)
        except ValueError:
            return resolved, used
        return _Resolved(resolved.value, "range", resolved.first, last), used
    return resolved, used


def _resolve_one(spec: _Spec, anchor: date | None, direction: Direction,
                 previous: _Resolved | None) -> tuple[_Resolved, str]:
    kind = spec.kind
    if kind == "date":
        try:
            return _point(date(spec.y, spec.m, spec.d).isoformat(), "day"), "absolute"
        except ValueError:
            return _Resolved(None, "unknown"), "absolute"
    if kind == "length":
        return _Resolved(spec.value, "duration"), "absolute"
    if kind == "part" and spec.y is not None:
        return _point(f"{spec.y:04d}-{spec.value}", "range"), "absolute"
    if kind == "month_year":
        if spec.edge == "end" and spec.m:
            return _point(_month_end(spec.y, spec.m).isoformat(), "day"), "absolute"
        return _point(f"{spec.y:04d}-{spec.m:02d}", "month"), "absolute"
    if kind == "year":
        return _point(f"{spec.y:04d}", "year"), "absolute"
    if kind == "decade":
        return _point(f"{spec.y:03d}", "range"), "absolute"
    if kind == "century":
        c = spec.y - 1
        return _point(f"{c:02d}", "range"), "absolute"
    if kind == "duration":
        return _Resolved(_duration_value(spec.unit or "day", spec.n), "duration"), "absolute"
    if kind == "set":
        return _Resolved(spec.value, "unknown"), "absolute"
    if kind == "ref":
        return _Resolved(spec.value, "unknown"), "published"
    if kind == "season" and spec.y is not None:
        return _point(f"{spec.y:04d}-{spec.value}", "range"), "absolute"
    if kind == "previous":
        if previous is None:
            return _Resolved(None, "unknown"), "previous"
        return previous, "previous"
    if kind == "offset" and spec.span_base == "previous":
        if previous is None or previous.first is None:
            return _Resolved(None, "unknown"), "previous"
        return _offset(spec, previous.first), "previous"
    if kind == "offset" and spec.span_base == "following":
        # `previous` is here the time the offset counts from, told after it ("18 years after ... 2001");
        # without one the expression is a length ("two years after he left": P2Y).
        if previous is None or previous.first is None:
            return _Resolved(_duration_value(spec.unit or "day", spec.n), "duration"), "absolute"
        return _offset(spec, previous.first), "absolute"

    if anchor is None:
        return _Resolved(None, "unknown"), "published"

    if kind == "day_month":
        if spec.y is not None:
            return _point(date(spec.y, spec.m, spec.d).isoformat(), "day"), "absolute"
        d = _day_month_date(anchor, spec.m, spec.d, direction, spec.wd)
        return (_point(d.isoformat(), "day") if d else _Resolved(None, "unknown")), "published"
    if kind == "month":
        y = _month_year(anchor, spec.m, direction, spec.rel)
        if spec.edge == "end":
            return _point(_month_end(y, spec.m).isoformat(), "day"), "published"
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
        base, used = anchor, "published"
        if spec.span_base == "previous" and previous is not None and previous.first is not None:
            base, used = previous.first, "previous"
        if spec.unit == "weekend":
            return _weekend(base, direction, spec.shift), used
        return _rel_unit(spec, base), used
    if kind == "season":
        season = spec.value
        y = anchor.year
        month_now = anchor.month
        start_month = SEASON_START_MONTH[season]
        if spec.rel == "last":
            y = y if start_month + 2 < month_now else y - 1
        elif spec.rel == "next":
            y = y if start_month > month_now else y + 1
        elif direction == "past":
            y = y if start_month <= month_now else y - 1
        elif direction == "future":
            y = y if start_month + 2 >= month_now else y + 1
        return _point(f"{y:04d}-{season}", "range"), "published"
    if kind == "offset":
        return _offset(spec, anchor), "published"
    if kind == "part":
        return _point(f"{_part_year(anchor, spec.value, direction):04d}-{spec.value}", "range"), "published"
    return _Resolved(None, "unknown"), "published"


def _part_year(anchor: date, part: str, direction: Direction) -> int:
    """The year of a quarter or half named without one ("the third quarter"): the anchor's, unless the
    tense puts it wholly before or after the anchor."""
    first, last = _span_of_value(f"{anchor.year:04d}-{part}")
    if direction == "past" and first > anchor:
        return anchor.year - 1
    if direction == "future" and last < anchor:
        return anchor.year + 1
    return anchor.year


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


def _weekend(anchor: date, direction: Direction, shift: int) -> _Resolved:
    """A weekend as a weekday is read: "last" / "next weekend" are the weekends of the week before /
    after the anchor's; "this weekend" is the one the anchor falls in, else by the tense the one just
    past (past) or the coming one (future), else the nearer of the two (a tie goes to the coming one)."""
    weekday = anchor.isoweekday()  # Saturday 6, Sunday 7
    if shift:
        saturday = anchor + timedelta(days=6 - weekday + 7 * shift)
    elif weekday >= 6:
        saturday = anchor - timedelta(days=weekday - 6)
    else:
        just_past, coming = anchor - timedelta(days=weekday + 1), anchor + timedelta(days=6 - weekday)
        if direction == "nearest":
            direction = "past" if weekday < 6 - weekday else "future"  # days since Sunday, days to Saturday
        saturday = just_past if direction == "past" else coming
    return _point(f"{_iso_week(saturday)}-WE", "week")


def _rel_unit(spec: _Spec, anchor: date) -> _Resolved:
    unit, shift = spec.unit, spec.shift
    if unit == "week":
        week = _iso_week(anchor + timedelta(weeks=shift))
        if spec.edge == "end":
            return _point(last_day(*calendar_date(week)).isoformat(), "day")
        return _point(week, "week")
    if unit in ("month", "quarter"):
        if unit == "quarter":
            q = (anchor.month - 1) // 3 + shift
            y = anchor.year + q // 4
            return _point(f"{y:04d}-Q{q % 4 + 1}", "range")
        y, m = _add_months(anchor.year, anchor.month, shift)
        if spec.edge == "end":
            return _point(_month_end(y, m).isoformat(), "day")
        return _point(f"{y:04d}-{m:02d}", "month")
    if unit == "decade":
        dec = anchor.year // 10 + shift
        return _point(f"{dec:03d}", "range")
    if unit == "century":
        c = anchor.year // 100 + shift
        return _point(f"{c:02d}", "range")
    y = anchor.year + shift
    if spec.edge == "end":
        return _point(date(y, 12, 31).isoformat(), "day")
    return _point(f"{y:04d}", "year")


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
