"""The article links a source lists: feed entries, sitemap <loc>s, or the page itself.

URLs are normalised only as far as it is safe (fragment dropped, scheme and host lower-cased), so
that the same article listed by two feeds is fetched once.
"""
from __future__ import annotations

import logging
from urllib.parse import urljoin, urlsplit, urlunsplit

import feedparser
from lxml import etree

__all__ = ["normalise_url", "feed_links", "sitemap_links", "links_of"]

log = logging.getLogger(__name__)


def normalise_url(url: str, base: str | None = None) -> str | None:
    """An absolute http(s) URL without its fragment, or None when `url` is not one."""
    url = urljoin(base, url.strip()) if base else url.strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def feed_links(content: bytes, base: str) -> list[str]:
    """The entry links of an RSS/Atom/RDF feed, in feed order. ValueError when it is no feed."""
    parsed = feedparser.parse(content)
    entries = parsed.get("entries", []) or []
    if not entries and not parsed.get("version"):
        raise ValueError("not an RSS/Atom feed")
    links = []
    for entry in entries:
        link = entry.get("link") or next((l.get("href") for l in entry.get("links", []) if l.get("href")), None)
        url = normalise_url(link, base) if link else None
        if url:
            links.append(url)
    return links


def sitemap_links(content: bytes, base: str) -> tuple[list[str], list[str]]:
    """(page URLs, nested sitemap URLs) of a sitemap or sitemap index. ValueError when it is neither."""
    try:
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False, no_network=True,
                                                                 huge_tree=False, recover=True))
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not a sitemap ({exc})") from None
    if root is None:
        raise ValueError("not a sitemap (empty document)")
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a sitemap (root element <{tag}>)")
    locs = [normalise_url(el.text or "", base) for el in root.iter() if isinstance(el.tag, str)
            and etree.QName(el).localname == "loc" and el.text]
    locs = [u for u in locs if u]
    return (locs, []) if tag == "urlset" else ([], locs)


def links_of(kind: str, content: bytes, url: str) -> tuple[list[str], list[str]]:
    """(article URLs, further sitemaps to read) listed by a source of this kind."""
    if kind == "feed":
        return feed_links(content, url), []
    if kind == "sitemap":
        return sitemap_links(content, url)
    return [normalise_url(url) or url], []
