"""parse_html on small hand-written pages: captions, cross-links, dates, and bad input."""
from __future__ import annotations

import pytest

from eventwire.errors import InputError
from eventwire.ingest import read_bytes
from eventwire.ingest.html import parse_html
from eventwire.record import Caption, Document, RelatedLink

URL = "https://news.example.org/world/2020/protest-in-the-capital"

P1 = (
    "Thousands of people marched through the centre of the capital on Monday to protest against "
    "the new pension law, which the government pushed through parliament last week without a vote."
)
P2 = (
    "Police said the march was largely peaceful, although officers used tear gas near the parliament "
    "building late in the afternoon after a small group threw bottles at the security cordon."
)
P3 = (
    "Union leaders said they would call a general strike next month if the law is not withdrawn, and "
    "opposition parties have promised to challenge it in the constitutional court."
)


def page(head: str = "", body: str = "") -> str:
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Protest in the capital - Example News</title>"
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article><h1>Protest in the capital</h1>{body}</article>"
        "<footer>Example News, all rights reserved.</footer></body></html>"
    )


def test_figure_caption_and_credit_leave_the_body() -> None:
    html = page(body=(
        f"<p>{P1}</p>"
        "<figure><img src='/a.jpg'><figcaption>Protesters gather in the main square on Monday."
        " <cite>Jane Doe/Reuters</cite></figcaption></figure>"
        f"<p>{P2}</p>"
        "<figure><img src='/b.jpg'><figcaption>Smoke rises over the parliament (Photo: John Roe)</figcaption></figure>"
        f"<p>{P3}</p>"
    ))
    doc = parse_html(html, "page.html", url=URL)
    assert doc.input_kind == "html"
    assert doc.captions == (
        Caption("Protesters gather in the main square on Monday.", "Jane Doe/Reuters"),
        Caption("Smoke rises over the parliament", "John Roe"),
    )
    assert "Protesters gather" not in doc.text and "Jane Doe" not in doc.text and "Smoke rises" not in doc.text
    assert doc.text == f"{P1}\n\n{P2}\n\n{P3}"


def test_credit_class_element_gives_the_credit_without_its_label() -> None:
    html = page(body=(
        f"<p>{P1}</p><figure><img src='/c.jpg'><figcaption>Riot police stand guard outside parliament"
        " <span class='image-credit'>(Image credit: Example Agency)</span></figcaption></figure><p>{P2}</p>"
    ))
    doc = parse_html(html, "page.html", url=URL)
    assert doc.captions == (Caption("Riot police stand guard outside parliament", "Example Agency"),)
    assert "Riot police" not in doc.text


def test_read_cross_link_keeps_its_href_and_leaves_the_body() -> None:
    html = page(body=(
        f"<p>{P1}</p>"
        "<p><strong>READ:</strong> <a href='/world/2020/government-resigns'>"
        "Government resigns after a week of protests</a></p>"
        f"<p>{P2}</p><p>{P3}</p>"
    ))
    doc = parse_html(html, "page.html", url=URL)
    href = "https://news.example.org/world/2020/government-resigns"
    assert doc.related == (RelatedLink("Government resigns after a week of protests", href),)
    assert "READ" not in doc.text and "Government resigns" not in doc.text
    assert doc.text.count("\n\n") == 2 and "\n\n\n" not in doc.text


def test_title_url_and_headline_not_repeated_in_body() -> None:
    doc = parse_html(page(body=f"<p>{P1}</p><p>{P2}</p>"), "page.html", url=URL)
    assert doc.title == "Protest in the capital"
    assert doc.url == URL
    assert not doc.text.startswith("Protest in the capital")
    assert doc.id and len(doc.content_hash) == 64


def test_json_ld_date_with_time_and_offset() -> None:
    head = (
        '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle",'
        ' "headline": "Protest in the capital", "datePublished": "2020-02-24T09:25:00+03:00",'
        ' "dateModified": "2020-02-25T10:00:00+03:00"}</script>'
        '<meta property="article:published_time" content="2020-02-23T01:00:00Z">'
    )
    doc = parse_html(page(head, f"<p>{P1}</p><p>{P2}</p>"), "page.html", url=URL)
    assert doc.published == "2020-02-24T09:25:00+03:00"
    assert doc.published_from == "json-ld"


def test_json_ld_graph_and_non_iso_value() -> None:
    head = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "Example"},'
        ' {"@type": "NewsArticle", "datePublished": "Tue, Sep 15 2020 10:01:41 EDT"}]}</script>'
    )
    doc = parse_html(page(head, f"<p>{P1}</p><p>{P2}</p>"), "page.html", url=URL)
    assert doc.published == "2020-09-15T10:01:41-04:00"


def test_meta_article_published_time() -> None:
    head = '<meta property="article:published_time" content="2020-02-24T06:25:00Z">'
    doc = parse_html(page(head, f"<p>{P1}</p><p>{P2}</p>"), "page.html", url=URL)
    assert doc.published == "2020-02-24T06:25:00+00:00"
    assert doc.published_from == "meta"


def test_time_element_in_article_header() -> None:
    body = f"<header><time datetime='2020-02-24T09:25:00+01:00'>24 Feb</time></header><p>{P1}</p><p>{P2}</p>"
    doc = parse_html(page(body=body), "page.html", url=URL)
    assert (doc.published, doc.published_from) == ("2020-02-24T09:25:00+01:00", "time-element")


def test_date_in_url_when_the_page_has_no_markup() -> None:
    doc = parse_html(page(body=f"<p>{P1}</p><p>{P2}</p>"), "page.html", url="https://example.org/2020/02/24/protest/")
    assert (doc.published, doc.published_from) == ("2020-02-24", "url")


def test_unclosed_tags_are_parsed() -> None:
    html = f"<html><body><div><p>{P1}<p><b>{P2}<div><i>{P3}"
    doc = parse_html(html, "broken.html")
    assert "general strike" in doc.text and "tear gas" in doc.text


@pytest.mark.parametrize("html", ["<<<>>> <div><<p>> &&& </", "\x00\x01<html><body><p>abc\x00", "<div>" * 3000 + P1])
def test_garbage_is_parsed_or_refused_naming_the_source(html: str) -> None:
    try:
        doc = parse_html(html, "garbage.html")
    except InputError as exc:
        assert exc.source == "garbage.html" and exc.reason
    else:
        assert isinstance(doc, Document)


@pytest.mark.parametrize(
    "html",
    ["", "<html><head><title>Nothing here</title><script>var a = 1;</script></head><body></body></html>",
     "<html><body><nav><a href='/'>Home</a></nav></body></html>"],
)
def test_page_without_text_is_refused(html: str) -> None:
    with pytest.raises(InputError) as info:
        parse_html(html, "empty.html")
    assert info.value.source == "empty.html"


def test_read_bytes_dispatches_html() -> None:
    items = list(read_bytes(page(body=f"<p>{P1}</p><p>{P2}</p>").encode("utf-8"), "page.html"))
    assert len(items) == 1 and isinstance(items[0], Document) and items[0].input_kind == "html"


@pytest.mark.parametrize("markup, text, credit", [
    # a caption element named by its class, its credit a sibling in the same image container
    ("<div class='photo'><img src='/a.jpg'><div class='image-meta'><div class='image-caption'>"
     "Marchers carry banners past the parliament building on Monday.</div>"
     "<div class='image-credit'>Ana Ruiz, AP</div></div></div>",
     "Marchers carry banners past the parliament building on Monday.", "Ana Ruiz, AP"),
    # the credit inside the caption element
    ("<div class='lead wp-caption'><img src='/a.jpg' alt='marchers'><div class='wp-caption-text'>"
     "<span>Marchers near the parliament building</span><span class='credit'>AFP</span></div></div>",
     "Marchers near the parliament building", "AFP"),
    # screen-reader labels are no part of the caption or the credit
    ("<figure><div class='img'><span class='off-screen'>Image copyright</span>"
     "<span class='story-image-copyright'>EPA</span></div><figcaption><span class='off-screen'>Image caption"
     "</span><span>The union leader speaks to the crowd</span></figcaption></figure>",
     "The union leader speaks to the crowd", "EPA"),
    # only the image: a sentence-long alt with a photographer / agency credit
    ("<div class='field-image'><img src='/a.jpg' alt='A woman waves a flag near the parliament building in "
     "the capital on March 2, 2020. Police used tear gas later that day. Jon SMITH / AFP'></div>",
     "A woman waves a flag near the parliament building in the capital on March 2, 2020. "
     "Police used tear gas later that day.", "Jon SMITH/AFP"),
])
def test_caption_shapes_beyond_figcaption(markup, text, credit) -> None:
    doc = parse_html(page(body=f"<p>{P1}</p>{markup}<p>{P2}</p><p>{P3}</p>"), "t.html", url=URL)
    assert Caption(text, credit) in doc.captions
    assert text not in doc.text


@pytest.mark.parametrize("markup", [
    "<img src='/logo.png' alt='Example News logo'>",                          # a short alt is a label
    "<a href='/other'><img src='/b.jpg' alt='Read how the pension law was passed without a vote.'></a>",
    "<aside><div class='caption'>Subscribe to our newsletter for daily news.</div></aside>",
    "<div class='caption-wrapper'><div class='caption'><a href='/x'>More on the protest</a></div></div>",
])
def test_no_caption_from_labels_teasers_and_furniture(markup) -> None:
    doc = parse_html(page(body=f"<p>{P1}</p>{markup}<p>{P2}</p><p>{P3}</p>"), "t.html", url=URL)
    assert doc.captions == ()


@pytest.mark.parametrize("title, site, url, expected", [
    ("Protest in the capital | Example News", "Example News", URL, "Protest in the capital"),
    ("Example News - Protest in the capital", "", "https://www.examplenews.org/a", "Protest in the capital"),
    ("Syria: rebels advance on the capital", "Example News", URL, "Syria: rebels advance on the capital"),
    ("Protest in the capital | World", "Example News", URL, "Protest in the capital | World"),
])
def test_the_site_name_is_no_part_of_the_title(title, site, url, expected) -> None:
    from eventwire.ingest.html import _without_site_name

    assert _without_site_name(title, site, url) == expected
