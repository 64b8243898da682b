"""Numeric dates ("6/12/2021", "06-12-2021"): which number is the month. One policy, used by the
header-line timestamps (ingest/lines.py) and the time grammar of the body (ground/time_grammar.py):

1. a value that can be read one way only is read that way ("25/12/2021", "12/25/2021");
2. else a source that writes month first reads it month first: a site listed in
   data/times/month_first_sites.tsv (US outlets; an analyst may add rows), a host under `.us`, or an
   article whose own numeric dates show month-first order (one reads only that way, none the other);
3. else day first, as most of the world writes dates.

`date_order(url, text)` gives a source's order once per article; `month_and_day(a, b, order)` reads one value.
"""
from __future__ import annotations

import functools
import re
from typing import Literal
from urllib.parse import urlsplit

from eventwire.datafiles import builtin_text, read_tsv

__all__ = ["DateOrder", "DAY_FIRST", "MONTH_FIRST", "date_order", "month_and_day"]

DateOrder = Literal["day-first", "month-first"]
DAY_FIRST: DateOrder = "day-first"
MONTH_FIRST: DateOrder = "month-first"

_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](?:\d{4}|\d{2})(?![\d/.-])")


@functools.lru_cache(maxsize=1)
def _month_first_sites() -> frozenset[str]:
    rows = read_tsv(builtin_text("times", "month_first_sites.tsv"), "data/times/month_first_sites.tsv")
    return frozenset(r["domain"].lower().removeprefix("www.") for r in rows if r["domain"])


def _month_first_site(url: str | None) -> bool:
    if not url:
        return False
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    if not host:
        return False
    if host.endswith(".us"):
        return True
    labels = host.split(".")
    return any(".".join(labels[i:]) in _month_first_sites() for i in range(len(labels) - 1))


def date_order(url: str | None = None, text: str = "") -> DateOrder:
    """The order in which a source writes numeric dates (the policy above, rules 2 and 3)."""
    if _month_first_site(url):
        return MONTH_FIRST
    month_first = day_first = False
    for m in _NUMERIC.finditer(text):
        a, b = int(m[1]), int(m[2])
        month_first |= a <= 12 < b <= 31
        day_first |= b <= 12 < a <= 31
    return MONTH_FIRST if month_first and not day_first else DAY_FIRST


def month_and_day(a: int, b: int, order: DateOrder = DAY_FIRST) -> tuple[int, int] | None:
    """(month, day) of a numeric date written "a/b": the only reading when there is one, else the
    source's order; None when neither reading is a date."""
    as_day_first = (b, a) if 1 <= b <= 12 and 1 <= a <= 31 else None
    as_month_first = (a, b) if 1 <= a <= 12 and 1 <= b <= 31 else None
    if as_day_first and as_month_first:
        return as_month_first if order == MONTH_FIRST else as_day_first
    return as_day_first or as_month_first
