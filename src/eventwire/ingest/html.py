"""HTML page -> Document: trafilatura finds the article, our own lxml pass finds what it drops.

trafilatura (settings measured on the extraction dev set, eval/extraction.py) gives the main text
and the page metadata (title, canonical URL, site name). It drops <figure> captions and keeps
"READ: ..." cross-link paragraphs as text, so a pass over the same parsed tree collects the
photo captions with their credits (eventwire.ingest.captions) and the page's anchors (for the
cross-links' hrefs). The body
lines are then sorted by the shared line shapes (eventwire.ingest.lines): cross-links, captions
with an explicit credit, furniture, bylines and timestamp lines leave the body.

The publication date comes from the most explicit signal the page carries (`published_from`):
"json-ld" datePublished, a published-time "meta", an "itemprop" datePublished, a "time-element"
in the article header; then a "timestamp-line" at the top of the body, a full date in the "url";
only then "htmldate"'s search of the page (date only). Explicit stamps keep their time and offset.
"""
from __future__ import annotations

import json
import logging
import re
from datetime import date, datetime
from urllib.parse import urljoin, urlsplit

import trafilatura
from lxml import etree
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from eventwire.errors import InputError
from eventwire.ingest.captions import find_captions
from eventwire.ingest.dates import date_in_url, plausible_day
from eventwire.ingest.lines import (
    ends_like_sentence,
    is_boilerplate,
    is_byline,
    related_link,
    split_credit,
    timestamp_of,
)
from eventwire.numeric_dates import date_order
from eventwire.record import Caption, Document, RelatedLink, document_id

__all__ = ["parse_html"]

log = logging.getLogger(__name__)

# trafilatura settings, chosen by measuring token F1 on the extraction dev set (eval/extraction.py):
# favor_precision and no comments cut sidebars and reader comments at almost no cost in recall;
# tables stay in (dropping them lost more article text than it removed furniture); deduplicate
# stays off (its cache lives across pages, so one page's text hid the next page's).
_EXTRACT_OPTIONS = dict(
    favor_precision=True,
    include_comments=False,
    include_tables=True,
    include_images=False,
    include_links=False,
    include_formatting=False,
    deduplicate=False,
)
# htmldate as the last resort: the page's original (not last-modified) date. Its extensive search
# measured worse on the pubdate dev set: on pages with no date it guesses one (often 1 January).
_HTMLDATE_OPTIONS = {"original_date": True, "extensive_search": False}
_STUB_WORDS = 50  # below this, a favor_precision reading may be a stub (see _extract)
# A full date in a URL path: /2020/01/13/, 2020-01-13, or eight digits standing alone (-20200113-).
_UPDATED = re.compile(r"\W*(?:last\s+)?(?:updated|modified|edited)\b", re.I)

_WS = re.compile(r"\s+")
_ISO_PREFIX = re.compile(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*(?:Z|[+-]\d{2}:?\d{2}))?)?")
_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "dc.date.issued",
    "dcterms.issued",
    "dcterms.created",
    "dc.date",
)  # not a bare "date": sites use it for the last change as often as for publication


def _norm(text: str | None) -> str:
    return _WS.sub(" ", text or "").strip()


def _text_of(element: HtmlElement) -> str:
    return _norm(" ".join(element.itertext()))


def _load(html: str, source: str) -> HtmlElement:
    if not html or not html.strip():
        raise InputError(source, "empty HTML")
    try:
        tree = load_html(html)
    except (ValueError, etree.ParserError) as exc:  # load_html catches most; be safe on odd input
        raise InputError(source, f"unparseable HTML ({exc})") from None
    if tree is None:
        raise InputError(source, "unparseable HTML")
    return tree


# --- anchors ------------------------------------------------------------------------------


def _anchors(tree: HtmlElement) -> dict[str, str]:
    """Anchor text -> href (the first one on the page)."""
    out: dict[str, str] = {}
    for a in tree.iter("a"):
        href = a.get("href")
        text = _text_of(a)
        if href and text and not href.startswith(("#", "javascript:")):
            out.setdefault(text.lower(), href)
    return out


def _link_for(title: str, anchors: dict[str, str]) -> str | None:
    key = title.lower()
    if key in anchors:
        return anchors[key]
    # The anchor may carry the title with a prefix, quotes or an arrow around it.
    around = [text for text in anchors if key in text]
    return anchors[min(around, key=len)] if around else None


def _absolute(href: str | None, base: str | None) -> str | None:
    return urljoin(base, href) if href and base else href


# --- publication date -----------------------------------------------------------------------


def _iso(value: object) -> str | None:
    """An ISO 8601 stamp (with time and offset when the value has them), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    m = _ISO_PREFIX.match(value)
    if m:
        stamp = m.group(0).replace(" ", "T", 1).replace(" ", "")
        stamp = re.sub(r"(\.\d{6})\d+", r"\1", stamp)  # fromisoformat takes at most microseconds
        try:
            parsed = datetime.fromisoformat(stamp)
        except ValueError:
            return None
        if not plausible_day(parsed.date()):
            return None
        return parsed.date().isoformat() if len(stamp) == 10 else parsed.replace(microsecond=0).isoformat()
    # Markup that is not ISO ("Tue, Sep 15 2020 10:01:41 EDT") is read like a timestamp line.
    stamp = timestamp_of(value) if len(value) <= 60 else None
    return stamp if stamp and plausible_day(date.fromisoformat(stamp[:10])) else None


def _jsonld_objects(tree: HtmlElement):
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(reversed(item))
            elif isinstance(item, dict):
                yield item
                stack.extend(v for v in item.values() if isinstance(v, (list, dict)))


def _metadata_date(tree: HtmlElement) -> tuple[str, str] | None:
    """(ISO stamp, signal) from the page's explicit publication-date markup, most explicit first."""
    for item in _jsonld_objects(tree):
        stamp = _iso(item.get("datePublished"))
        if stamp:
            return stamp, "json-ld"
    metas = {}
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        if key in _META_PUBLISHED and key not in metas:
            metas[key] = meta.get("content")
    for key in _META_PUBLISHED:
        stamp = _iso(metas.get(key))
        if stamp:
            return stamp, "meta"
    for el in tree.xpath('//*[@itemprop="datePublished"]'):
        stamp = _iso(el.get("content") or el.get("datetime") or _text_of(el))
        if stamp:
            return stamp, "itemprop"
    for el in tree.xpath("//article//header//time[@datetime] | //time[@pubdate][@datetime]"):
        stamp = _iso(el.get("datetime"))
        if stamp:
            return stamp, "time-element"
    return None


def _url_date(tree: HtmlElement, url: str | None) -> str | None:
    """The date in the article's URL ("/2020/01/13/", "-20200113", "/news/20200113/"), if whole."""
    return date_in_url(url, tree.xpath('string(//link[@rel="canonical"]/@href)'))


# --- the body -----------------------------------------------------------------------------


def _cased(text: str) -> bool:
    return any(c.lower() != c.upper() for c in text)


def _body_caption(unit: str) -> Caption | None:
    """A caption left in the body text, told by an explicit credit tail ("[Name/Agency]", "Photo: X").

    Stricter than for scraped text, because in HTML real captions sit in <figcaption>: a sentence
    with a citation "(10, 11)." or a product line "(4K Ultra HD)" is body text. Credits are names.
    """
    text, credit = split_credit(unit)
    if credit is None or ends_like_sentence(unit) or re.search(r"\d", credit) or not credit[0].isalpha():
        return None
    return Caption(text, credit)


def _headline_link(unit: str, anchors: dict[str, str]) -> RelatedLink | None:
    """A line that is wholly the text of a link to another page, headline-shaped: a teaser."""
    href = anchors.get(unit.lower())
    if href is None or len(unit.split()) < 4 or ends_like_sentence(unit):
        return None
    return RelatedLink(unit, href)


def _sort_units(
    units: list[str], anchors: dict[str, str]
) -> tuple[list[str], list[Caption], list[RelatedLink], list[str]]:
    """Body lines -> (paragraphs, captions, cross-links, furniture), by the shared line shapes."""
    paragraphs: list[str] = []
    captions: list[Caption] = []
    related: list[RelatedLink] = []
    furniture: list[str] = []
    for unit in units:
        link = related_link(unit) or _headline_link(unit, anchors)
        caption = None if link else _body_caption(unit)
        if link is not None:
            related.append(link)
        elif caption is not None:
            captions.append(caption)
        # The "short lower-case fragment" rule means nothing for scripts without case (CJK).
        elif (_cased(unit) and is_boilerplate(unit)) or is_byline(unit) or timestamp_of(unit):
            furniture.append(unit)
        else:
            paragraphs.append(unit)
    return paragraphs, captions, related, furniture


# --- the document ---------------------------------------------------------------------------


_TITLE_SEPARATOR = re.compile(r"\s+[|–—·:»-]{1,2}\s+")


def _site_words(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def _without_site_name(title: str, site: str, url: str | None) -> str:
    """"Headline | Al Bawaba" -> "Headline": a first or last title segment naming the site (its name,
    or its domain without the www and suffix) is the page's branding, not the headline."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    names = {_site_words(site)} if site else set()
    if url:
        host = re.sub(r"^www\d?\.", "", urlsplit(url).hostname or "")
        names |= {_site_words(host), _site_words(host.rsplit(".", 1)[0])}
    names.discard("")
    for edge in (-1, 0):
        if _site_words(parts[edge]) in names:
            kept = parts[:-1] if edge == -1 else parts[1:]
            # the rest is rejoined with the first separator the title used
            return _TITLE_SEPARATOR.search(title).group(0).join(kept).strip()
    return title


def _extract(tree: HtmlElement, url: str | None, source: str):
    """trafilatura's reading of the page (text and metadata), or None."""
    try:
        extracted = trafilatura.bare_extraction(
            tree, url=url, with_metadata=True, date_extraction_params={**_HTMLDATE_OPTIONS}, **_EXTRACT_OPTIONS
        )
        words = len((extracted.text or "").split()) if extracted is not None else 0
        if words < _STUB_WORDS:
            # favor_precision now and then prunes an article down to a stub (a notice, a teaser):
            # then the default settings' reading wins if it is much longer.
            fuller = trafilatura.bare_extraction(tree, url=url, **{**_EXTRACT_OPTIONS, "favor_precision": False})
            if fuller is not None and len((fuller.text or "").split()) >= 4 * max(words, 1):
                log.info("%s: precise extraction is a stub (%d words); using the default one", source, words)
                if extracted is None:
                    return fuller
                extracted.text = fuller.text
        return extracted
    except Exception as exc:  # noqa: BLE001 - a page trafilatura trips on is refused, not a crash
        log.warning("%s: extraction failed (%s: %s)", source, type(exc).__name__, exc)
        return None


def parse_html(html: str, source: str, *, url: str | None = None) -> Document:
    """Read one article page. Raises InputError(source, reason) when no article text is found."""
    tree = _load(html, source)
    extracted = _extract(tree, url, source)
    if extracted is None or not (extracted.text or "").strip():
        raise InputError(source, "no article text found in the HTML")

    url = url or extracted.url
    title = _without_site_name(_norm(extracted.title), _norm(extracted.sitename), url)
    captions = find_captions(tree)
    caption_texts = {c.text for c, _ in captions} | {full for _, full in captions}
    units = [_norm(line) for line in extracted.text.split("\n")]
    units = [u for u in units if u and u not in caption_texts]
    furniture: list[str] = []
    if units and title and units[0].lower() == title.lower():
        furniture.append(units.pop(0))  # the headline repeated at the top of the body
    # A dateline at the top of the body ("January 18, 2020", "Published 18 Jan 2020 09:25 GMT").
    order = date_order(url, extracted.text)  # how this source writes numeric dates (numeric_dates.py)
    stated = next((stamp for u in units[:3] if not _UPDATED.match(u) and (stamp := timestamp_of(u, order))), None)
    anchors = _anchors(tree)
    paragraphs, body_captions, related, boilerplate = _sort_units(units, anchors)
    if not paragraphs:
        raise InputError(source, "no article text found in the HTML")
    related = [RelatedLink(link.title, _absolute(link.url or _link_for(link.title, anchors), url)) for link in related]

    found = _metadata_date(tree)
    if found:
        published, published_from = found
    elif stated:
        published, published_from = stated, "timestamp-line"
    elif (in_url := _url_date(tree, url)) is not None:
        published, published_from = in_url, "url"
    else:
        published = _iso(extracted.date)
        published_from = "htmldate" if published else None

    body = "\n\n".join(paragraphs)
    doc_id, content_hash = document_id(url, title, body)
    return Document(
        id=doc_id,
        source=source,
        input_kind="html",
        title=title,
        text=body,
        url=url,
        outlet=_norm(extracted.sitename) or None,
        published=published,
        published_from=published_from,
        captions=tuple(c for c, _ in captions) + tuple(body_captions),
        related=tuple(related),
        boilerplate=tuple(furniture + boilerplate),
        content_hash=content_hash,
    )
