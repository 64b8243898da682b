"""Event dates for the exports: one calendar day, a grain, and a clock time when one was stated.

Stored event dates are TimeML-style values (YYYY-MM-DD, YYYY-MM, YYYY, YYYY-Www, YYYY-Www-WE,
YYYY-MM-DDTHH:MM, YYYY-MM-DDTMO, YYYY-SU, decades ...) or a range (start, end). Exports need a
calendar day: a month or year stands for its first day, an ISO week for its Monday, a range for its
start; the grain says how precise the day is. Values with no calendar day (a season, a decade
without a range) give no day rather than a made-up one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

__all__ = ["EventDay", "event_day", "parse_day", "last_day"]

_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}:\d{2})(?::\d{2})?)?")
_MONTH = re.compile(r"(\d{4})-(\d{2})")
_YEAR = re.compile(r"(\d{4})")
_WEEK = re.compile(r"(\d{4})-W(\d{2})(?:-(WE|[1-7]))?")


@dataclass(frozen=True)
class EventDay:
    day: date
    grain: str  # day | week | month | year | range
    time: str | None = None  # HH:MM when the text gave a clock time


def parse_day(value: str | None) -> tuple[date, str, str | None] | None:
    """(first calendar day, grain, HH:MM or None) of one TimeML-style value, or None."""
    if not value:
        return None
    value = value.strip()
    try:
        if m := _DAY.match(value):
            return date(int(m[1]), int(m[2]), int(m[3])), "day", m[4]
        if m := _WEEK.fullmatch(value):
            weekday = 6 if m[3] == "WE" else int(m[3] or 1)
            return date.fromisocalendar(int(m[1]), int(m[2]), weekday), "week", None
        if m := _MONTH.fullmatch(value):
            return date(int(m[1]), int(m[2]), 1), "month", None
        if m := _YEAR.fullmatch(value):
            return date(int(m[1]), 1, 1), "year", None
    except ValueError:  # month 13, week 54: not a calendar day
        return None
    return None


def event_day(value: str | None, start: str | None = None) -> EventDay | None:
    """The event's day: its value, else the start of its range (grain "range")."""
    parsed = parse_day(value)
    if parsed is not None:
        day, shape, clock = parsed
        return EventDay(day, shape, clock)  # the value's own shape: a "time" grain is a day with a clock
    parsed = parse_day(start)
    if parsed is not None:
        return EventDay(parsed[0], "range", None)
    return None


def last_day(value: str | None) -> date | None:
    """The last calendar day of a value (a month's last day, a year's 31 December, a week's Sunday)."""
    parsed = parse_day(value)
    if parsed is None:
        return None
    day, grain, _ = parsed
    if grain == "month":
        following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    if grain == "year":
        return date(day.year, 12, 31)
    if grain == "week" and day.isoweekday() == 1:
        return date.fromordinal(day.toordinal() + 6)
    return day
