"""The event filters shared by the CLI, the HTTP API, the exports and eventwire.to_frame, checked
in one place so that a filter means the same everywhere.

`country` matches an event whose source or target actor has that country, or whose place is in
it. It accepts ISO 3166 alpha-3 (SYR), alpha-2 (SY) and FIPS 10-4 (SY) codes and country names
(countries.to_iso3, which reads watchlist countries too). Dates are YYYY, YYYY-MM or YYYY-MM-DD and
must be real calendar dates; `since` and `until` are inclusive and compare with the event's day (a
month-grain event "2020-03" falls in 2020-03); an `until` before `since` is refused (FilterConflict).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from eventwire.countries import to_iso3

__all__ = ["FilterError", "FilterConflict", "check_date", "check_cameo", "event_filters", "FILTER_NAMES"]

FILTER_NAMES = ("actor", "source", "target", "country", "cameo", "plover", "modality", "quad_class", "since",
                "until", "q", "doc_id", "lang", "acled", "acled_type")
_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


class FilterError(ValueError):
    """A filter value that cannot be used; the message names the filter and the value."""


class FilterConflict(FilterError):
    """Two filters, each valid alone, that no event can meet together (until before since)."""


def check_date(value: str, name: str = "date") -> str:
    """`value` when it is YYYY, YYYY-MM or YYYY-MM-DD naming a real date; else FilterError."""
    m = _DATE.fullmatch(value.strip())
    if m is None:
        raise FilterError(f"{name}: {value!r} is not a date: give YYYY, YYYY-MM or YYYY-MM-DD")
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        date(year, month, day)
    except ValueError as exc:
        raise FilterError(f"{name}: {value!r} is not a calendar date ({exc})") from None
    return value.strip()


def check_cameo(value: str) -> str:
    if not re.fullmatch(r"\d{2,4}", value.strip()):
        raise FilterError(f"cameo: {value!r} is not a CAMEO event code or prefix (2 to 4 digits, e.g. 19 or 193)")
    return value.strip()


def event_filters(**given: Any) -> dict[str, Any]:
    """The given filters checked and normalised (empty values dropped): the keywords of
    Store._api_where. Raises FilterError naming the first bad filter."""
    out: dict[str, Any] = {}
    for name, value in given.items():
        if name not in FILTER_NAMES and name != "bbox":
            raise FilterError(f"{name}: no such filter")
        if value is None or value == "" or value == ():
            continue
        if name == "country":
            try:
                value = to_iso3(str(value))
            except ValueError as exc:
                raise FilterError(f"country: {exc}") from None
        elif name in ("since", "until"):
            value = check_date(str(value), name)
        elif name == "cameo":
            value = check_cameo(str(value))
        elif name == "lang":
            if not re.fullmatch(r"[A-Za-z]{2,3}", str(value)):
                raise FilterError(f"lang: {value!r} is not a language code (ISO 639-1, e.g. en)")
            value = str(value).lower()
        elif name == "quad_class":
            if int(value) not in (1, 2, 3, 4):
                raise FilterError(f"quad_class: {value!r} is not 1, 2, 3 or 4")
            value = int(value)
        out[name] = value
    if out.get("since") and out.get("until") and out["until"] < out["since"][:len(out["until"])]:
        raise FilterConflict(f"until: {out['until']} is before since {out['since']}: no event can match")
    return out
