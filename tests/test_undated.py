"""Publication dates for articles that state none in their metadata: other formats, URL, feed/WARC, or none."""
from __future__ import annotations

import pytest

from eventwire.ingest import read_bytes
from eventwire.ingest.dates import NO_DATE, date_in_url, with_fallback_date
from eventwire.ingest.lines import timestamp_of
from eventwire.ingest.text import parse_text


@pytest.mark.parametrize("line, expected", [
    ("27-07-2016", "2016-07-27"),
    ("27/07/2016", "2016-07-27"),
    ("2016.07.27", "2016-07-27"),
    ("Published 27-07-2016 10:15", "2016-07-27T10:15:00"),
    ("AFP Sunday 30 Oct 2016", "2016-10-30"),
    ("Posted on April 4 2017 by Asharq Al-Awsat English", "2017-04-04"),
    ("The agency said on 4 May 2016 that it would leave.", None),
])
def test_visible_dates_in_other_formats(line, expected):
    assert timestamp_of(line) == expected


def test_date_in_url():
    assert date_in_url("https://news.example/2016/07/27/story") == "2016-07-27"
    assert date_in_url("https://news.example/world-20160727-story.html") == "2016-07-27"
    assert date_in_url("https://news.example/2016/99/27/story", None) is None


def test_order_text_then_url_then_carrier_else_none():
    shown = parse_text("Army shells town\n\n27-07-2016\n\nThe army shelled the town.", "a.txt",
                       url="https://news.example/2016/07/20/a")
    assert (shown.published, shown.published_from) == ("2016-07-27", "timestamp-line")
    plain = parse_text("Army shells town\n\nThe army shelled the town on Monday.", "b.txt",
                       url="https://news.example/2016/07/20/b")
    from_url = with_fallback_date(plain, "2016-07-25", "feed")
    assert (from_url.published, from_url.published_from) == ("2016-07-20", "url")
    carried = with_fallback_date(parse_text("Army shells town\n\nThe army shelled the town.", "c.txt"),
                                 "2016-07-25", "warc")
    assert (carried.published, carried.published_from) == ("2016-07-25", "warc")
    (none,) = list(read_bytes(b"Army shells town\n\nThe army shelled the town on Monday.", "d.txt"))
    assert none.published is None and none.published_from == NO_DATE
