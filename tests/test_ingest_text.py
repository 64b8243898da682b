"""The scraped-text ingester on hand-written variants of the shapes scrapers leave behind."""
import pytest

from eventwire.errors import InputError
from eventwire.ingest.text import parse_text

BODY = (
    "Government troops shelled the northern town on Monday, killing at least four civilians, "
    "local officials said.\n\n"
    "The army said it had targeted positions held by armed groups in the hills above the town."
)


def test_header_furniture_title_and_timestamp():
    text = (
        "close\n\nNews you can rely on since 1999\n\nTroops shell northern town\n\n"
        "Tuesday 3 March 2020 14:05 GMT\n\n" + BODY
    )
    doc = parse_text(text, "t.txt")
    assert doc.title == "Troops shell northern town"
    assert doc.published == "2020-03-03T14:05:00+00:00"
    assert doc.published_from == "timestamp-line"
    assert doc.boilerplate == ("close", "News you can rely on since 1999")
    assert doc.text == BODY


@pytest.mark.parametrize("stamp, expected", [
    ("February 24, 2020 at 9:25 am", "2020-02-24T09:25:00"),
    ("Published: 24 Feb 2020 | 21:25", "2020-02-24T21:25:00"),
    ("24/02/2020 - 12:00 am", "2020-02-24T00:00:00"),
    ("Mon, Feb. 24th, 2020", "2020-02-24"),
    ("2020-02-24T09:25:00+03:00", "2020-02-24T09:25:00+03:00"),
    ("By Jane Roe | March 3, 2021", "2021-03-03"),
    ("Posted on March 3 2021 by Gulf Daily English", "2021-03-03"),   # a byline after the date
    ("DPA Wednesday 3 Mar 2021", "2021-03-03"),                      # an agency's acronym first
    ("Last updated at Mar 32021", "2021-03-03"),                     # day and year run together
])
def test_timestamp_line_shapes(stamp, expected):
    doc = parse_text(f"A headline of some words\n\n{stamp}\n\n{BODY}", "t.txt")
    assert doc.published == expected
    assert doc.title == "A headline of some words"


@pytest.mark.parametrize("url, expected", [(None, "2020-04-07"), ("https://www.nytimes.com/2020/x.html", "2020-07-04")])
def test_a_numeric_timestamp_line_is_read_as_the_body_reads_it(nlp, url, expected):
    from eventwire.ground.times import resolve_times
    from eventwire.read import read

    doc = parse_text("A headline of some words\n\n07/04/2020\n\nThe council met on 07/04/2020 and voted.", "t.txt",
                     url=url)
    assert doc.published == expected
    (said,) = resolve_times(read(doc, nlp))
    assert said.value == doc.published  # one policy for header lines and the body (numeric_dates.py)


@pytest.mark.parametrize("line", ["Kabul Sunday 30 Oct 2016", "Rebels advance on Aleppo Sunday 30 Oct 2016"])
def test_a_headline_ending_in_a_date_is_no_timestamp(line):
    doc = parse_text(f"{line}\n\n{BODY}", "t.txt")
    assert doc.title == line


def test_title_without_timestamp_is_last_header_line():
    doc = parse_text(f"World\n\nBreaking: troops shell northern town\n\n{BODY}", "t.txt")
    assert doc.title == "Breaking: troops shell northern town"
    assert "World" in doc.boilerplate


def test_captions_with_credit_shapes_anywhere():
    text = (
        "Troops shell northern town\n\n"
        "Smoke rises over the town on 2 March 2020 [Ali Example/Some Agency]\n\n"
        + BODY.split("\n\n")[0] + "\n\n"
        "A destroyed house in the old market (Photo: Jane Roe/AFP)\n\n"
        + BODY.split("\n\n")[1]
    )
    doc = parse_text(text, "t.txt")
    assert [(c.text, c.credit) for c in doc.captions] == [
        ("Smoke rises over the town on 2 March 2020", "Ali Example/Some Agency"),
        ("A destroyed house in the old market", "Jane Roe/AFP"),
    ]
    assert doc.text == BODY


def test_editorial_brackets_are_not_credits():
    para = ("We will meet with Emmanuel Macron [French president] and Angela Merkel "
            "[German chancellor] next week, the minister said on Friday evening [in Ankara].")
    doc = parse_text(f"Leaders to meet\n\n{para}", "t.txt")
    assert doc.captions == ()
    assert doc.text == para


@pytest.mark.parametrize("line, title", [
    ("READ: Turkey rejects the proposal", "Turkey rejects the proposal"),
    ("Read more: Aid convoy reaches the city", "Aid convoy reaches the city"),
    ("Related: Talks stall in Geneva", "Talks stall in Geneva"),
    ("ALSO READ - Talks stall in Geneva", "Talks stall in Geneva"),
    ("See also: Talks stall in Geneva", "Talks stall in Geneva"),
])
def test_cross_link_lines_go_to_related(line, title):
    first, second = BODY.split("\n\n")
    doc = parse_text(f"Troops shell northern town\n\n{first}\n\n{line}\n\n{second}", "t.txt")
    assert [r.title for r in doc.related] == [title]
    assert line not in doc.text
    assert doc.text == BODY


def test_cross_link_url_is_kept():
    doc = parse_text(f"Headline here please\n\n{BODY}\n\nRelated: Talks stall https://news.example/a/1", "t.txt")
    assert doc.related[0].url == "https://news.example/a/1"
    assert doc.related[0].title == "Talks stall"


def test_body_furniture_removed():
    first, second = BODY.split("\n\n")
    doc = parse_text(
        f"Troops shell town\n\n{first}\n\nAdvertisement\n\n{second}\n\nShare this article\n\n"
        "Follow us on Twitter @example", "t.txt")
    assert doc.text == BODY
    assert {"Advertisement", "Share this article", "Follow us on Twitter @example"} <= set(doc.boilerplate)


def test_hard_wrapped_paragraph_is_joined():
    wrapped = ("Government troops shelled the northern town on Monday, killing at least\n"
               "four civilians, local officials said.")
    doc = parse_text(f"Troops shell town\n\n{wrapped}", "t.txt")
    assert doc.text == wrapped.replace("\n", " ")


def test_front_matter_metadata():
    text = ("title: Troops shell town\nurl: https://news.example/x\noutlet: Example News\n"
            "published-as-stated: 2016-07-05\n---\n" + BODY)
    doc = parse_text(text, "t.txt")
    assert (doc.title, doc.url, doc.outlet, doc.published) == (
        "Troops shell town", "https://news.example/x", "Example News", "2016-07-05")
    assert doc.text == BODY


def test_same_article_same_id_and_different_article_different_id():
    a = parse_text(f"Troops shell town\n\n{BODY}", "a.txt")
    b = parse_text(f"Troops shell town\n\n{BODY}", "b.txt")
    c = parse_text(f"Troops shell another town\n\n{BODY}", "c.txt")
    assert a.id == b.id != c.id
    assert parse_text(BODY, "u.txt", url="https://x.example/1").id != a.id


def test_nothing_left_is_refused():
    with pytest.raises(InputError) as err:
        parse_text("Advertisement\n\nShare this article", "ads.txt")
    assert err.value.source == "ads.txt"


@pytest.mark.parametrize("lead, stamp", [
    ("Sun 16 Apr 2017 ", "2017-04-16"),
    ("Published July 5 2016 ", "2016-07-05"),
])
def test_dateline_run_into_the_first_paragraph(lead, stamp):
    doc = parse_text(lead + BODY, "t.txt", title="Troops shell town")
    assert doc.published == stamp and doc.published_from == "leading-timestamp"
    assert doc.text == BODY


def test_a_date_that_starts_a_sentence_is_not_a_dateline():
    body = "On 5 March 2020 Government troops shelled the town, killing four civilians, officials said on Monday."
    doc = parse_text(body, "t.txt", title="Troops shell town")
    assert doc.published is None and doc.text == body
