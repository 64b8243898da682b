"""Publication dates for articles that state none in their metadata.

In order (issue 15): a date visible in the article's header lines in any common format (timestamp_of in
lines.py: "30 Oct 2016", "27-07-2016", "27/07/2016", "2016.07.27", with a credit or byline on the line),
then a whole date in the URL ("/2016/07/27/", "-20160727"), then the date of the feed entry or of the WARC
record the article came in. With none of these the article has no date and `published_from` says so
("none-found").
"""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from eventwire.record import Document

__all__ = ["date_in_url", "with_fallback_date", "NO_DATE"]

NO_DATE = "none-found"

_URL_DATE = re.compile(r"(?<![\w.])(?P<y>(?:19|20)\d{2})(?P<sep>[/_-]?)(?P<m>\d{2})(?P=sep)(?P<d>\d{2})(?![\w.])")


def plausible_day(day: date) -> bool:
    """Online news: not before 1995, not after tomorrow."""
    return date(1995, 1, 1) <= day <= datetime.now(timezone.utc).date() + timedelta(days=1)


def date_in_url(*urls: str | None) -> str | None:
    """The first whole, plausible date written in one of the URLs, as YYYY-MM-DD."""
    for url in urls:
        for m in _URL_DATE.finditer(url or ""):
            try:
                day = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            except ValueError:
                continue
            if plausible_day(day):
                return day.isoformat()
    return None


def with_fallback_date(doc: Document, carried: str | None = None, carried_from: str | None = None) -> Document:
    """The document with a publication date from the URL, else from what carried it (the feed entry's or
    the WARC record's date, `carried_from` naming which), when its own text and metadata gave none;
    `published_from` is NO_DATE when nothing did."""
    if doc.published:
        return doc
    in_url = date_in_url(doc.url)
    if in_url:
        return replace(doc, published=in_url, published_from="url")
    if carried:
        return replace(doc, published=carried, published_from=carried_from)
    return replace(doc, published_from=NO_DATE)
