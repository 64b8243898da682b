"""RSS/Atom feed -> Documents: one article per entry, from the entry's own content or summary.

Each entry keeps its title, its link (as the document url), its publication date (ISO 8601) and
the feed's title (as the outlet). The entry HTML is reduced to paragraphs here and then goes
through the plain-text ingester, whose line rules drop bylines and "Continue reading..." lines.

No page is fetched: feeds carry the text we read. A `fetcher` (url -> HTML or None) can be
passed to read the linked page instead; it is off by default, and when it fails the entry's own
text is used.

Malformed feeds: feedparser recovers what it can from broken XML (its "bozo" flag). We keep the
recovered entries and report the file once, as an InputError naming the parser's complaint; a
feed with nothing recoverable is one InputError. Each entry is named "<file>#<n>" (n from 1).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime, timezone

import feedparser
import lxml.html
from lxml import etree

from eventwire.errors import InputError, InputNotice
from eventwire.ingest.dates import with_fallback_date
from eventwire.record import Document

__all__ = ["Fetcher", "parse_feed", "entry_text"]

log = logging.getLogger(__name__)

Fetcher = Callable[[str], "str | None"]
"""Fetch a linked page: url -> its HTML, or None when it cannot be had."""

_BLOCKS = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
           "table", "section", "article", "figure", "figcaption", "pre", "hr"}
_DROP = ("script", "style", "img", "iframe", "object", "embed", "noscript", "video", "audio", "source")
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")
_TAGLIKE = re.compile(r"<[a-zA-Z/!]")


def entry_text(html: str) -> str:
    """Feed entry HTML (or plain text) -> paragraphs separated by one blank line."""
    if not html or not html.strip():
        return ""
    if not _TAGLIKE.search(html):
        paragraphs = [_SPACES.sub(" ", p).strip() for p in re.split(r"\n\s*\n", html)]
        return "\n\n".join(p for p in paragraphs if p)
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return _SPACES.sub(" ", re.sub(r"<[^>]+>", " ", html)).strip()
    etree.strip_elements(root, *_DROP, with_tail=False)
    etree.strip_elements(root, etree.Comment, with_tail=False)
    # A newline pair after every block element: paragraphs survive text_content().
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n\n" + (element.tail or "")
    text = root.text_content()
    paragraphs = [_SPACES.sub(" ", p.replace("\n", " ")).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def _published(entry) -> str | None:
    from eventwire.ingest.lines import timestamp_of

    for key in ("published", "updated", "created"):
        # dict.get: FeedParserDict.get maps a missing "published" to "updated" with a warning.
        raw = dict.get(entry, key)
        if raw:
            stamp = timestamp_of(raw)
            if stamp:
                return stamp
        parsed = dict.get(entry, f"{key}_parsed")
        if parsed:
            # feedparser normalises to UTC; the original offset is lost, the instant is not.
            return datetime(*parsed[:6], tzinfo=timezone.utc).isoformat()
    return None


def _best_html(entry) -> str:
    """The longest of the entry's content values and its summary, by their text."""
    candidates = [c.get("value", "") for c in entry.get("content", []) or []]
    candidates.append(entry.get("summary", "") or "")
    texts = [entry_text(c) for c in candidates]
    return max(texts, key=len) if texts else ""


def _entry_document(entry, where: str, outlet: str | None, fetcher: Fetcher | None) -> Document:
    from eventwire.ingest.text import parse_text

    title = _SPACES.sub(" ", entry_text(entry.get("title", "") or "").replace("\n\n", " ")).strip()
    url = entry.get("link") or None
    published = _published(entry)
    if fetcher is not None and url:
        try:
            page = fetcher(url)
        except Exception as exc:  # a fetcher is user code: its failure falls back to the entry text
            log.info("%s: fetching %s failed (%s); using the entry text", where, url, exc)
            page = None
        if page:
            from eventwire.ingest.html import parse_html

            try:
                doc = parse_html(page, where, url=url)
                doc = replace(doc, input_kind="feed", title=doc.title or title, outlet=doc.outlet or outlet)
                return with_fallback_date(doc, published, "feed")
            except InputError as exc:
                log.info("%s: linked page unusable (%s); using the entry text", where, exc.reason)
    body = _best_html(entry)
    if not body and not title:
        raise InputError(where, "feed entry has no title and no text")
    doc = parse_text(body or "", where, url=url, title=title or None, outlet=outlet, input_kind="feed")
    # A date the entry's text shows, then the URL's, then the feed entry's own.
    return with_fallback_date(doc, published, "feed")


def parse_feed(data: bytes | str, source: str, *, fetcher: Fetcher | None = None) -> Iterator[Document | InputError]:
    """One RSS/Atom/RDF feed -> a Document per entry, InputErrors for bad entries and a broken feed."""
    parsed = feedparser.parse(data)
    entries = parsed.get("entries", []) or []
    problem = None
    if parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        problem = f"{type(exc).__name__}: {exc}" if exc is not None else "malformed feed"
        problem = problem.splitlines()[0] if problem else "malformed feed"
    if not entries:
        if problem:
            yield InputError(source, f"malformed feed, no entries recovered ({problem})")
        elif not parsed.get("version"):
            yield InputError(source, "not an RSS/Atom feed")
        else:
            yield InputError(source, "empty feed (no entries)")
        return
    outlet = _SPACES.sub(" ", parsed.get("feed", {}).get("title", "") or "").strip() or None
    for number, entry in enumerate(entries, start=1):
        try:
            yield _entry_document(entry, f"{source}#{number}", outlet, fetcher)
        except InputError as exc:
            yield exc
    if problem:
        # Reported after the entries so that they are stored even though the file is flagged.
        yield InputNotice(source, f"malformed feed, {len(entries)} entries recovered ({problem})", "recovered")
