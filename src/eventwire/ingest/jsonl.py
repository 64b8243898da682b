"""JSON Lines -> Documents: one article per line, {url, title, published, text} or {url, html}.

A broken line is reported with its line number and skipped; the other lines still become articles.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace

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


def _lines(data: bytes | bytearray | str) -> Iterator[tuple[int, int, int]]:
    """(line number, start, end) of each line, without copying the input. Only "\n" ends a JSON
    line: str.splitlines() would also split inside text at U+2028 and the like."""
    newline = "\n" if isinstance(data, str) else b"\n"
    start, number = 0, 0
    while start <= len(data):
        end = data.find(newline, start)
        end = len(data) if end < 0 else end
        number += 1
        yield number, start, end
        start = end + 1


def parse_jsonl(data: bytes | bytearray | str, source: str, *, max_line_bytes: int | None = None) -> Iterator[Document | InputError]:
    """Yield a Document or an InputError (named "source:line") for every non-empty line.

    Lines are taken one at a time; a line over `max_line_bytes` is refused unread, so one giant line
    costs no more than its own bytes and the good lines around it are kept."""
    from eventwire.ingest.decode import decode_text

    for number, start, end in _lines(data):
        where = f"{source}:{number}"
        if max_line_bytes is not None and end - start > max_line_bytes:
            # Refused before it is copied out of the input.
            yield InputError(where, f"line too large for one article ({(end - start) / 1e6:.1f} MB > "
                                    f"{max_line_bytes / 1e6:.1f} MB limit)")
            continue
        line = data[start:end]
        if not line.strip():
            continue
        note = None
        if isinstance(line, (bytes, bytearray)):
            try:
                decoded = decode_text(line, where, limit=len(line))
            except InputError as exc:
                yield exc
                continue
            line, note = decoded.text, decoded.note
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputError(where, f"broken JSON line ({exc.msg} at column {exc.colno})")
            continue
        try:
            doc = document_from_object(obj, where)
        except InputError as exc:
            yield exc
            continue
        yield replace(doc, notes=doc.notes + (note,)) if note else doc
