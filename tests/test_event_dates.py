"""Event dates for users: TIMEX values -> an ISO date at their precision and its grain."""
from __future__ import annotations

import pytest

from eventwire.ground.event_dates import calendar_date, last_day, with_calendar_date


@pytest.mark.parametrize("value, expected", [
    ("2019-05-08", ("2019-05-08", "day")),
    ("2019-05-08TMO", ("2019-05-08", "day")),
    ("2019-05-08T14:30", ("2019-05-08", "day")),
    ("2019-W46", ("2019-11-11", "week")),
    ("2019-W46-WE", ("2019-11-16", "week")),
    ("2019-05", ("2019-05", "month")),
    ("2009-Q3", ("2009-07", "quarter")),
    ("2009-H2", ("2009-07", "half")),
    ("2009-SU", ("2009-06", "season")),
    ("2009-WI", ("2009-12", "season")),
    ("2009", ("2009", "year")),
    ("199", ("1990", "decade")),
    ("19", ("1900", "century")),
    ("2019-03/2019-05", ("2019-03", "month")),
    ("P3D", (None, None)),
    ("PRESENT_REF", (None, None)),
    ("XXXX-05", (None, None)),
    ("2019-02-30", (None, None)),
    (None, (None, None)),
])
def test_calendar_date(value, expected):
    assert calendar_date(value) == expected


def test_a_range_without_a_value_is_dated_by_its_start():
    when = with_calendar_date({"value": None, "start": "2018-W02", "end": "2018-03", "anchor": "published"})
    assert (when["date"], when["date_grain"]) == ("2018-01-08", "week")


def test_last_day_of_a_grain():
    assert str(last_day("2009-07", "quarter")) == "2009-09-30"
    assert str(last_day("2019-11-11", "week")) == "2019-11-17"
    assert str(last_day(*calendar_date("2019-W46-WE"))) == "2019-11-17"  # a weekend: Saturday to Sunday
    assert str(last_day("2024-02", "month")) == "2024-02-29"


def test_a_scheduled_meeting_is_intended_and_dated_by_its_day_range():
    from eventwire.ingest.text import parse_text
    from eventwire.pipeline import extract_documents

    doc = parse_text("The North Korean leader is set to meet US President Donald Trump in Hanoi on 27-8 February.",
                     "t.txt", title="Summit", published="2019-02-24")
    (record,) = list(extract_documents([doc]))
    meet = [e for e in record.events if e.trigger and "meet" in e.trigger]
    assert meet, [(e.cameo, e.trigger) for e in record.events]
    assert "intended" in meet[0].modality
    assert (meet[0].date["date"], meet[0].date["date_grain"]) == ("2019-02-27", "day")
