"""JSON Lines -> Documents: one article per line, {url, title, published, text} or {url, html}.

A broken line is reported with its line number and skipped; the other lines still become articles.
"""
from __future__ import annotations

import json
from collections.abc import Iterator

from eventwire.errors import InputError
from eventwire.record import Document

__all__ = ["parse_jsonl", "document_from_object"]

_TEXT_KEYS = ("text", "body", "content", "articleBody")
_HTML_KEYS = ("html", "raw_html")
_PUBLISHED_KEYS = ("published", "date", "datePublished", "published_at", "pubdate")


def document_from_object(obj: dict, source: str) -> Document:
    """One JSON article object -> Document (HTML goes through the HTML ingester)."""
    from eventwire.ingest.html import parse_html
    from eventwire.ingest.lines import timestamp_of
    from eventwire.ingest.text import parse_text

    if not isinstance(obj, dict):
        raise InputError(source, f"expected a JSON object, got {type(obj).__name__}")
    url = obj.get("url") or None
    published = next((str(obj[k]) for k in _PUBLISHED_KEYS if obj.get(k)), None)
    if published:
        published = timestamp_of(published) or published
    html = next((obj[k] for k in _HTML_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
    text = next((obj[k] for k in _TEXT_KEYS if isinstance(obj.get(k), str) and obj[k].strip()), None)
    if html is not None and text is None:
        doc = parse_html(html, source, url=url)
        if published and not doc.published:
            from dataclasses import replace

            doc = replace(doc, published=published, published_from="jsonl")
        return doc
    if text is None:
        raise InputError(source, f"no text or html field (expected one of {', '.join(_TEXT_KEYS + _HTML_KEYS)})")
    return parse_text(
        text,
        source,
        url=url,
        title=obj.get("title") or None,
        published=published,
        outlet=obj.get("outlet") or obj.get("source") or None,
        input_kind="jsonl",
    )


def parse_jsonl(text: str, source: str) -> Iterator[Document | InputError]:
    """Yield a Document or an InputError (named "source:line") for every non-empty line."""
    # Only "\n" ends a JSON line: str.splitlines() would also split inside text at U+2028 and the like.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"broken JSON line ({exc.msg} at column {exc.colno})")
            continue
        try:
            yield document_from_object(obj, where)
        except InputError as exc:
            yield exc
