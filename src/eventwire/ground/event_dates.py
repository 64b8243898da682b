"""Event dates for users: a TIMEX value -> an ISO calendar date (YYYY-MM-DD, YYYY-MM or YYYY) and its grain.

TimeML values say more than a date column can hold ("2019-W46", "2009-Q3", "2009-SU", "199", "2019-05-08TMO",
"2019-03/2019-05"). Users sort and filter by date, so every event also carries the value's first day on the
calendar at the precision the value has, and the grain that says how much it covers:

    2019-05-08, 2019-05-08T14:30, 2019-05-08TMO -> 2019-05-08  day
    2019-W46 (2019-W46-WE)                     -> 2019-11-11 (2019-11-16)  week
    2019-05                                    -> 2019-05     month
    2009-Q3                                    -> 2009-07     quarter
    2009-H2                                    -> 2009-07     half
    2009-SU (SP, FA, WI)                       -> 2009-06 (03, 09, 12)  season
    2009                                       -> 2009        year
    199 / 19                                   -> 1990 / 1900 decade / century
    X/Y (an interval)                          -> X's date and grain

Anything else (durations, PRESENT_REF, unknown parts "XXXX-") has no calendar date: None, None. The TIMEX
value itself stays in the event's `value`.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

__all__ = ["calendar_date", "with_calendar_date", "first_day", "last_day", "SEASON_START_MONTH"]

# The month a season starts in (meteorological seasons, northern hemisphere, as TimeML's SP/SU/FA/WI);
# a season covers three months from it. The one season table (time_calendar.py reads it too).
SEASON_START_MONTH = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}


def calendar_date(value: str | None) -> tuple[str | None, str | None]:
    """(ISO date at the value's precision, grain) for a TIMEX value, or (None, None)."""
    if not value:
        return None, None
    value = value.strip().upper()
    if "/" in value:
        return calendar_date(value.split("/", 1)[0])
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:T.*)?", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat(), "day"
        except ValueError:
            return None, None
    m = re.fullmatch(r"(\d{4})-W(\d{2})(-WE)?", value)
    if m:
        try:
            first = date.fromisocalendar(int(m[1]), int(m[2]), 6 if m[3] else 1)
        except ValueError:
            return None, None
        return first.isoformat(), "week"
    m = re.fullmatch(r"(\d{4})-(\d{2})", value)
    if m and 1 <= int(m[2]) <= 12:
        return f"{m[1]}-{m[2]}", "month"
    m = re.fullmatch(r"(\d{4})-Q([1-4])", value)
    if m:
        return f"{m[1]}-{3 * (int(m[2]) - 1) + 1:02d}", "quarter"
    m = re.fullmatch(r"(\d{4})-H([12])", value)
    if m:
        return f"{m[1]}-{1 if m[2] == '1' else 7:02d}", "half"
    m = re.fullmatch(r"(\d{4})-(SP|SU|FA|WI)", value)
    if m:
        return f"{m[1]}-{SEASON_START_MONTH[m[2]]:02d}", "season"
    if re.fullmatch(r"\d{4}", value):
        return value, "year"
    if re.fullmatch(r"\d{3}", value):
        return f"{value}0", "decade"
    if re.fullmatch(r"\d{2}", value):
        return f"{value}00", "century"
    return None, None


def with_calendar_date(when: dict[str, str | None]) -> dict[str, str | None]:
    """An event's date dict with `date` and `date_grain` added from its value (else its range's start)."""
    iso, grain = calendar_date(when.get("value"))
    if iso is None:
        iso, grain = calendar_date(when.get("start"))
    return {**when, "date": iso, "date_grain": grain}


def first_day(iso: str | None) -> date | None:
    """The first calendar day of an ISO date at any precision (YYYY, YYYY-MM, YYYY-MM-DD)."""
    if not iso:
        return None
    parts = iso.split("-")
    try:
        return date(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1, int(parts[2]) if len(parts) > 2 else 1)
    except (ValueError, IndexError):
        return None


def last_day(iso: str | None, grain: str | None) -> date | None:
    """The last calendar day an ISO date of `grain` covers (a week: six days on; a season: three months)."""
    first = first_day(iso)
    if first is None:
        return None
    months = {"month": 1, "quarter": 3, "season": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}
    if grain in ("day", None):
        return first
    if grain == "week":
        # a week is dated by its Monday and runs to Sunday; a weekend ("-WE") by its Saturday, to Sunday
        return first + timedelta(days=6 if first.isoweekday() == 1 else 7 - first.isoweekday())
    total = first.year * 12 + first.month - 1 + months.get(grain, 1)
    try:
        return date(total // 12, total % 12 + 1, 1) - timedelta(days=1)
    except ValueError:
        return None
