"""Time grounding on hand-written sentences: recognition, values, grains, anchors and direction."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventwire.ground.times import attached_token, resolve_times
from eventwire.ingest.text import parse_text
from eventwire.read import read
from eventwire.record import Quote, TimeRef

WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December"]
NUMBER_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
                9: "nine", 10: "ten", 12: "twelve", 20: "twenty"}


def _parsed(nlp, body: str, published: str | None = "2021-06-16T10:00:00"):
    # An explicit title keeps the body whole (the scraped-text heuristics never see a header).
    return read(parse_text(body, "t.txt", title="Test article", published=published), nlp)


def _times(nlp, body: str, published: str | None = "2021-06-16T10:00:00", quotes=()):
    return resolve_times(_parsed(nlp, body, published), quotes)


def _one(times: tuple[TimeRef, ...], text: str) -> TimeRef:
    hits = [t for t in times if text in t.text]
    assert hits, f"no time containing {text!r} in {[t.text for t in times]}"
    return hits[0]


# 2021-06-16 is a Wednesday.

def test_weekday_with_past_tense_looks_back(nlp):
    t = _one(_times(nlp, "On Monday, the governor signed the budget into law."), "Monday")
    assert (t.value, t.grain, t.anchor) == ("2021-06-14", "day", "published")
    assert t.evidence.text.startswith("On Monday")


def test_weekday_with_future_looks_ahead(nlp):
    t = _one(_times(nlp, "The governor will sign the budget on Monday, her office said."), "Monday")
    assert t.value == "2021-06-21"


@pytest.mark.parametrize("body, value", [
    ("Thousands of people marched through the capital this weekend.", "2021-W23-WE"),    # told on Wednesday
    ("Thousands of people will march through the capital this weekend.", "2021-W24-WE"),
])
def test_this_weekend_follows_the_tense(nlp, body, value):
    assert _one(_times(nlp, body), "weekend").value == value


@pytest.mark.parametrize("published, value", [
    ("2021-06-14T10:00:00", "2021-W23-WE"),  # a Monday: the weekend just past is the nearer
    ("2021-06-15T10:00:00", "2021-W23-WE"),  # a Tuesday
    ("2021-06-16T10:00:00", "2021-W24-WE"),  # a Wednesday: a tie goes to the coming one
    ("2021-06-18T10:00:00", "2021-W24-WE"),  # a Friday
    ("2021-06-20T10:00:00", "2021-W24-WE"),  # a Sunday: the weekend it falls in
])
def test_this_weekend_without_a_tense_is_the_nearer_weekend(nlp, published, value):
    body = "Clashes in the capital this weekend: three dead, dozens hurt."
    assert _one(_times(nlp, body, published), "weekend").value == value


@pytest.mark.parametrize("body, value", [
    ("Thousands of people marched through the capital this weekend.", "2021-W24-WE"),
    ("Thousands of people will march through the capital this weekend.", "2021-W24-WE"),
    ("Thousands of people marched through the capital last weekend.", "2021-W23-WE"),
    ("Thousands of people will march through the capital next weekend.", "2021-W25-WE"),
])
def test_a_weekend_told_on_a_sunday_is_the_one_it_falls_in(nlp, body, value):
    assert _one(_times(nlp, body, "2021-06-20T10:00:00"), "weekend").value == value


@pytest.mark.parametrize("body, value", [
    ("The drought began in the summer of 2019. Two months later, the harvest failed.", "2019-08"),
    ("The drought began last summer. Two months later, the harvest failed.", "2020-08"),
    ("The war began in the 1990s. A year later, the capital fell.", "1991"),
])
def test_a_season_or_decade_is_a_span_later_times_count_from(nlp, body, value):
    t = _one(_times(nlp, body, "2021-06-14T10:00:00"), "later")
    assert (t.value, t.anchor) == (value, "previous")


def test_weekday_same_day_in_past_is_the_anchor_day(nlp):
    t = _one(_times(nlp, "The council voted on Wednesday to close the mine."), "Wednesday")
    assert t.value == "2021-06-16"


def test_last_and_next_weekday_skip_the_anchor_day(nlp):
    times = _times(nlp, "The council met last Wednesday and it will meet again next Wednesday.")
    assert [t.value for t in times] == ["2021-06-09", "2021-06-23"]


def test_yesterday_and_offsets(nlp):
    times = _times(nlp, "Police arrested two men yesterday. The first protest began two days ago. "
                        "Talks will resume in three weeks, the minister said.")
    assert _one(times, "yesterday").value == "2021-06-15"
    ago = _one(times, "two days ago")
    assert (ago.value, ago.grain) == ("2021-06-14", "day")
    ahead = _one(times, "three weeks")  # TimeML reads "in three weeks" as the length, not a date
    assert (ahead.value, ahead.grain) == ("P3W", "duration")


def test_next_month_last_week_this_year(nlp):
    times = _times(nlp, "Elections are due next month. Troops left the town last week. "
                        "Prices have risen this year.")
    assert _one(times, "next month").value == "2021-07"
    assert _one(times, "next month").grain == "month"
    assert _one(times, "last week").value == "2021-W23"
    assert _one(times, "this year").value == "2021"


def test_year_alone_is_absolute(nlp):
    t = _one(_times(nlp, "The uprising began in 2011 in the south."), "2011")
    assert (t.text, t.value, t.grain, t.anchor) == ("2011", "2011", "year", "absolute")


def test_count_of_people_is_not_a_year(nlp):
    assert not [t for t in _times(nlp, "Some 1800 soldiers crossed the river at dawn.") if t.text == "1800"]


def test_full_dates_in_common_formats(nlp):
    times = _times(nlp, "The treaty was signed on 12 March 2019, ratified on April 3, 2019, "
                        "published on 2019-05-01 and amended on 7/4/2020.")
    assert [t.value for t in times] == ["2019-03-12", "2019-04-03", "2019-05-01", "2020-04-07"]
    assert {t.anchor for t in times} == {"absolute"}


@pytest.mark.parametrize("body, url, value", [
    ("The law was amended on 7/4/2020.", None, "2020-04-07"),                          # day first
    ("The law was amended on 7/4/2020.", "https://apnews.com/article/x", "2020-07-04"),  # a US wire
    ("The law was amended on 7/4/2020.", "https://news.example.us/x", "2020-07-04"),     # a .us site
    ("The law was amended on 7/4/2020.", "https://edition.cnn.com/x", "2020-07-04"),     # a subdomain
    ("The law was amended on 7/25/2020 and again on 8/4/2020.", None, "2020-08-04"),     # the text shows it
    ("The law was amended on 25/7/2020 and again on 8/4/2020.", None, "2020-04-08"),
    ("The law was amended on 13/4/2020.", "https://apnews.com/article/x", "2020-04-13"),  # one reading only
])
def test_numeric_dates_are_day_first_unless_the_source_writes_month_first(nlp, body, url, value):
    parsed = read(parse_text(body, "t.txt", title="Test article", url=url, published="2021-06-16"), nlp)
    assert resolve_times(parsed)[-1].value == value


def test_month_and_year(nlp):
    t = _one(_times(nlp, "In October 2017, the two sides agreed to a ceasefire."), "October 2017")
    assert (t.value, t.grain) == ("2017-10", "month")


def test_month_without_year_takes_tense_direction(nlp):
    past = _one(_times(nlp, "Rebels seized the airport in September."), "September")
    future = _one(_times(nlp, "Rebels will try to seize the airport in February."), "February")
    assert past.value == "2020-09"
    assert future.value == "2022-02"


def test_day_month_future_from_would(nlp):
    t = _one(_times(nlp, "The president said he would travel to Brussels on 2 June."), "2 June")
    assert t.value == "2022-06-02"
    t = _one(_times(nlp, "The president said he travelled to Brussels on 2 June."), "2 June")
    assert t.value == "2021-06-02"


def test_year_of_the_sentence_carries_over_to_a_bare_date(nlp):
    t = _one(_times(nlp, "The law was passed on 5 January 2014 and took effect on 1 July."), "1 July")
    assert (t.value, t.anchor) == ("2014-07-01", "previous")


def test_names_and_ordinals_are_not_times(nlp):
    body = ("Officials may meet again. The March on Washington drew crowds. A quarter of the population "
            "fled. The army launched a second offensive. The Sunday Times published a 55-year old letter.")
    assert _times(nlp, body) == ()


def test_since_month_is_an_open_range_to_the_anchor(nlp):
    t = _one(_times(nlp, "Thousands have fled the region since December."), "December")
    assert t.text == "since December"
    assert (t.grain, t.value, t.range_start, t.range_end) == ("range", "2020-12", "2020-12", "2021-06-16")


def test_between_months_is_a_closed_range(nlp):
    t = _one(_times(nlp, "The rains fell between March and May."), "March")
    assert t.text == "between March and May"
    assert (t.grain, t.range_start, t.range_end) == ("range", "2021-03", "2021-05")
    assert t.value == "2021-03/2021-05"


def test_deadline_end_of_this_month(nlp):
    t = _one(_times(nlp, "The government must pay the debt by the end of this month."), "end of this month")
    assert (t.value, t.grain, t.range_end) == ("2021-06-30", "day", "2021-06-30")


def test_duration_for_three_days(nlp):
    t = _one(_times(nlp, "The curfew lasted for three days."), "three days")
    assert (t.text, t.value, t.grain) == ("three days", "P3D", "duration")


def test_then_takes_the_previous_time(nlp):
    times = _times(nlp, "In March 2015, the ministers signed an accord. Since then, 300 people have died.")
    then = _one(times, "then")
    assert then.anchor == "previous"
    assert then.value == "2015-03"
    assert (then.grain, then.range_start, then.range_end) == ("range", "2015-03", "2021-06-16")


def test_times_of_day(nlp):
    times = _times(nlp, "The polls closed at 8 p.m. on Sunday and counting began on Monday morning.")
    clock = _one(times, "8 p.m.")
    assert (clock.text, clock.value, clock.grain) == ("8 p.m. on Sunday", "2021-06-13T20:00", "time")
    assert _one(_times(nlp, "The curfew starts at 21:30 tonight."), "21:30").value == "2021-06-16T21:30"
    assert _one(times, "Monday morning").value == "2021-06-14TMO"
    assert _one(times, "Monday morning").grain == "time"


def test_holiday_from_the_data_file(nlp):
    t = _one(_times(nlp, "The prisoners were freed on Christmas Day 2019."), "Christmas")
    assert t.value == "2019-12-25"


def test_offsets_index_the_section_text(nlp):
    parsed = _parsed(nlp, "Aid arrived on Friday.\n\nThe convoy left on 3 May 2021 from the capital.")
    times = resolve_times(parsed)
    for t in times:
        assert parsed.document.section_text(t.evidence.section)[t.start:t.end] == t.text
    assert [t.id for t in times] == ["time1", "time2"]


def test_no_publication_date_leaves_relative_values_empty(nlp):
    times = _times(nlp, "Troops withdrew yesterday after talks in 2019.", published=None)
    assert _one(times, "yesterday").value is None
    assert _one(times, "yesterday").anchor == "published"
    assert _one(times, "2019").value == "2019"


def test_yesterday_inside_a_quote_is_anchored_on_the_speech_date(nlp):
    body = ('On Sunday, the minister said: "I spoke to the rebels yesterday and they agreed."')
    parsed = _parsed(nlp, body)
    first = resolve_times(parsed)
    assert _one(first, "yesterday").value == "2021-06-15"  # no quotes known yet: publication anchor
    sunday = _one(first, "Sunday")
    assert sunday.value == "2021-06-13"
    sentence = parsed.sentences[-1]
    quote = Quote(id="quote1", text="I spoke to the rebels yesterday and they agreed.", kind="direct",
                  speaker=None, evidence=sentence.evidence(), spoken=sunday.value)
    second = resolve_times(parsed, [quote])
    y = _one(second, "yesterday")
    assert (y.value, y.anchor) == ("2021-06-12", "speech:quote1")
    assert _one(second, "Sunday").anchor == "published"  # outside the quoted words


@pytest.mark.parametrize("body", [
    'On Monday, the army shelled the town. On Sunday, the minister said: "I spoke to the rebels yesterday '
    'and we meet again on Friday." Talks resumed in March.',
    'On Sunday, the minister said: "We met the rebels yesterday." Two days later, the talks collapsed. '
    'The truce had held since January.',
])
def test_only_the_times_inside_a_dated_quote_are_anchored_again(nlp, monkeypatch, body):
    from eventwire.ground import times as times_module

    parsed = _parsed(nlp, body)
    recognised = times_module.recognise_times(parsed)
    first = times_module.anchor_all(recognised, parsed.document.published)
    sunday = _one(first.times, "Sunday")
    quoted = body[body.index('"') + 1: body.rindex('"')]
    sentence = next(s for s in parsed.sentences if quoted[:20] in s.evidence().text)
    quote = Quote(id="quote1", text=quoted, kind="direct", speaker=None, evidence=sentence.evidence(),
                  spoken=sunday.value)
    whole = times_module.anchor_times(recognised, parsed.document.published, [quote])

    calls = []
    original = times_module._resolve
    monkeypatch.setattr(times_module, "_resolve", lambda spec, *rest: calls.append(spec) or original(spec, *rest))
    again = times_module.anchor_all(recognised, parsed.document.published, [quote], earlier=first).times
    assert again == whole  # the same as anchoring everything again
    inside = [t for t in whole if t.anchor == "speech:quote1"]
    leaning = [t for t in whole if t.anchor == "previous" and t not in first.times]
    assert inside and len(calls) == len(inside) + len(leaning) < len(whole)


def test_quote_without_spoken_date_keeps_the_publication_anchor(nlp):
    parsed = _parsed(nlp, 'The minister said: "I spoke to the rebels yesterday."')
    quote = Quote(id="quote1", text="I spoke to the rebels yesterday.", kind="direct", speaker=None,
                  evidence=parsed.sentences[-1].evidence(), spoken=None)
    assert _one(resolve_times(parsed, [quote]), "yesterday").anchor == "published"


def test_attached_token(nlp):
    parsed = _parsed(nlp, "On Saturday, the minister said the army intensified its attacks in December.")
    times = resolve_times(parsed)
    assert attached_token(parsed, _one(times, "Saturday")).text == "said"
    assert attached_token(parsed, _one(times, "December")).text == "intensified"


# ------------------------------------------------------------------ properties
_anchors = st.dates(min_value=date(1990, 1, 1), max_value=date(2035, 12, 31))


def _iso(d: date) -> str:
    return f"{d.isoformat()}T12:00:00"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anchor=_anchors, weekday=st.sampled_from(WEEKDAYS), future=st.booleans())
def test_weekday_resolves_within_seven_days_in_the_tense_direction(nlp, anchor, weekday, future):
    body = (f"The envoy will visit the camp on {weekday}." if future
            else f"The envoy visited the camp on {weekday}.")
    value = date.fromisoformat(_one(_times(nlp, body, _iso(anchor)), weekday).value)
    assert value.strftime("%A") == weekday
    delta = (value - anchor).days
    assert (0 <= delta <= 6) if future else (-6 <= delta <= 0)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anchor=_anchors, n=st.sampled_from(sorted(NUMBER_WORDS)), digits=st.booleans())
def test_days_ago_is_a_date_and_in_days_a_length(nlp, anchor, n, digits):
    written = str(n) if digits else NUMBER_WORDS[n]
    times_ago = _times(nlp, f"The ceasefire collapsed {written} days ago.", _iso(anchor))
    times_in = _times(nlp, f"The ceasefire will expire in {written} days.", _iso(anchor))
    before = date.fromisoformat(_one(times_ago, "ago").value)
    assert anchor - before == timedelta(days=n)
    assert _one(times_in, "days").value == f"P{n}D"  # TimeML: "in N days" is the length N days


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(anchor=_anchors, month=st.sampled_from(MONTHS), future=st.booleans())
def test_month_names_never_jump_a_year_the_wrong_way(nlp, anchor, month, future):
    body = (f"The army will attack the town in {month}." if future
            else f"The army attacked the town in {month}.")
    value = _one(_times(nlp, body, _iso(anchor)), month).value
    year, number = int(value[:4]), int(value[5:7])
    assert number == MONTHS.index(month) + 1
    months_from_anchor = (year * 12 + number) - (anchor.year * 12 + anchor.month)
    assert (0 <= months_from_anchor <= 11) if future else (-11 <= months_from_anchor <= 0)


@pytest.mark.parametrize("text", ["", "No dates here at all, only words."])
def test_empty_and_dateless_text(nlp, text):
    parsed = read(parse_text(text or "x", "t.txt", title="Title", published="2021-06-16"), nlp)
    assert resolve_times(parsed) == ()


def test_year_arithmetic_counts_from_the_year_it_names(nlp):
    times = _times(nlp, "The war ended 18 years after the army invaded the country in 2001. "
                        "Seven years after the war began, the city is still divided. "
                        "The bridge could be finished in 14 years. Two years later, the talks resumed.",
                   published="2019-12-30")
    assert _one(times, "18 years").value == "2019"
    assert (_one(times, "Seven years").value, _one(times, "Seven years").grain) == ("P7Y", "duration")
    assert _one(times, "14 years").value == "P14Y"
    assert _one(times, "Two years later").value == "2003"  # counted from the last time told: 2001


@pytest.mark.parametrize("body, published, text, value", [
    ("Revenue rose in the third quarter of 2009.", "2013-03-22", "the third quarter of 2009", "2009-Q3"),
    ("Revenue rose in Q3 2010 and fell in 2011-Q1.", "2013-03-22", "Q3 2010", "2010-Q3"),
    ("Sales fell in the fourth quarter.", "2013-03-22", "the fourth quarter", "2012-Q4"),
    ("Sales will rise in the fourth quarter.", "2013-03-22", "the fourth quarter", "2013-Q4"),
    ("Output grew in the second half of 2009.", "2013-03-22", "the second half of 2009", "2009-H2"),
    ("Talks will resume in the summer.", "2013-03-22", "the summer", "2013-SU"),
    ("Crops failed in summer 2009.", "2013-03-22", "summer 2009", "2009-SU"),
    ("The droughts of the 1990s were worse.", "2013-03-22", "the 1990s", "199"),
    ("Famines of the 19th century were worse.", "2013-03-22", "the 19th century", "18"),
    ("The law takes effect on June 1st.", "2013-03-22", "June 1st", "2013-06-01"),
    ("A hearing was set for May 5.", "2013-03-22", "May 5", "2013-05-05"),
    ("The curfew lasts until Thursday.", "2013-03-22", "until Thursday", "2013-03-28"),
    ("He remained in custody until Thursday.", "2013-03-22", "until Thursday", "2013-03-21"),
    ("Protests erupted on Wednesday, March 6, in the capital.", "2019-03-04", "Wednesday, March 6", "2019-03-06"),
    ("Such tests take weeks to finish.", "2013-03-22", "weeks", "PXW"),
    ("The debt will be paid eight years from now.", "2013-03-22", "eight years", "P8Y"),
    ("The debt will be paid eight years from now.", "2013-03-22", "now", "PRESENT_REF"),
    ("She finished the marathon in 3:07:35 last year.", "2013-03-22", "3:07:35", "PT3H7M35S"),
    ("It was calm in the next two decades.", "2013-03-22", "the next two decades", "P20Y"),
])
def test_quarters_halves_seasons_decades_and_forward_readings(nlp, body, published, text, value):
    assert _one(_times(nlp, body, published=published), text).value == value


@pytest.mark.parametrize("body", ["The leaders will meet in Hanoi on 27-28 February.",
                                  "The leaders will meet in Hanoi on 27-8 February.",
                                  "The leaders will meet in Hanoi on February 27-28."])
def test_day_ranges(nlp, body):
    (t,) = _times(nlp, body, published="2019-02-24")
    assert (t.value, t.grain, t.range_start, t.range_end) == ("2019-02-27", "range", "2019-02-27", "2019-02-28")


def test_ages_are_no_durations(nlp):
    assert _times(nlp, "All children ages 6 months and older should be vaccinated.") == ()


def test_the_next_year_counts_from_the_story_not_the_publication(nlp):
    times = _times(nlp, "The group was kidnapped in 2016. The next year, the kidnappers released a video.",
                   published="2019-11-19")
    assert _one(times, "The next year").value == "2017"


def test_count_of_a_noun_spelt_inside_a_unit_word_is_not_a_year(nlp):
    # "ears" is spelt inside "years": only a whole time-unit word keeps a counted number's year reading.
    times = _times(nlp, "Farmers in the valley harvested 2000 ears of corn on the estate.")
    assert not [t for t in times if t.text == "2000"]
