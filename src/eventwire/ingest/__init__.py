"""Ingestion: any supported input -> Documents. The kind is detected from content, not the name."""
from __future__ import annotations

import glob
import json
import logging
import os
import re
import sys
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

from eventwire.errors import InputError
from eventwire.ingest.decode import MAX_INPUT_BYTES, decode_bytes, maybe_gunzip
from eventwire.record import Document

__all__ = ["detect_kind", "read_bytes", "read_path", "expand_paths", "InputError"]

log = logging.getLogger(__name__)

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|article|p|title)\b", re.I | re.S)
# Any number of processing instructions (<?xml ...?>, <?xml-stylesheet ...?>) and comments first.
_FEED_START = re.compile(r"^\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.I | re.S)


def detect_kind(text: str) -> str:
    """'jsonl', 'html', 'feed' or 'text', from the first characters of the (decoded) content.

    WARC/ARC archives are recognised on the bytes, before decoding (see read_bytes)."""
    head = text.lstrip()[:4096]
    if head.startswith("{"):
        first = text.lstrip().split("\n", 1)[0]
        try:
            json.loads(first)
            return "jsonl"
        except json.JSONDecodeError:
            if head.count('":') >= 2:
                return "jsonl"  # a JSONL file whose first line is the broken one
    if _FEED_START.match(head):
        return "feed"
    if _HTML_START.match(head) or len(re.findall(r"</?(?:p|div|a|span|br)\b", head, re.I)) >= 5:
        return "html"
    return "text"


def _decompressed_head(data: bytes, size: int = 64) -> bytes:
    """The first bytes of the content, through one gzip member when the data is gzipped."""
    if data[:2] != b"\x1f\x8b":
        return data[:size]
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], size)
    except zlib.error:
        return b""


def _dated(items: Iterable[Document | InputError]) -> Iterator[Document | InputError]:
    """Documents whose text and metadata gave no date: dated from their URL, else marked as undated."""
    from eventwire.ingest.dates import with_fallback_date

    for item in items:
        yield with_fallback_date(item) if isinstance(item, Document) and not item.published else item


def read_bytes(data: bytes, source: str, kind: str | None = None) -> Iterator[Document | InputError]:
    """Turn one input's bytes into Documents; refused inputs come out as InputError items."""
    return _dated(_read_bytes(data, source, kind))


def _read_bytes(data: bytes, source: str, kind: str | None = None) -> Iterator[Document | InputError]:
    from eventwire.ingest.warc import is_warc

    if kind == "warc" or (kind is None and is_warc(_decompressed_head(data))):
        # A .warc.gz is one gzip member per record: warcio streams it (and survives a truncated
        # tail), so it must not be gunzipped whole here.
        from eventwire.ingest.warc import parse_warc

        yield from parse_warc(data, source)
        return
    try:
        data = maybe_gunzip(data, source)
        # JSONL carries many articles: the per-article size limit applies to each line instead.
        looks_jsonl = data.lstrip()[:1] == b"{"
        text = decode_bytes(data, source, limit=sys.maxsize if looks_jsonl else MAX_INPUT_BYTES)
        kind = kind or detect_kind(text)
        if kind == "jsonl":
            yield from _jsonl(text, source)
            return
        if kind == "html":
            from eventwire.ingest.html import parse_html

            yield parse_html(text, source)
            return
        if kind == "feed":
            from eventwire.ingest.feeds import parse_feed

            # feedparser reads the bytes itself: it honours the XML encoding declaration.
            yield from parse_feed(data, source)
            return
        from eventwire.ingest.text import parse_text

        yield parse_text(text, source)
    except InputError as exc:
        yield exc


def _jsonl(text: str, source: str) -> Iterator[Document | InputError]:
    from eventwire.ingest.jsonl import parse_jsonl

    for item in parse_jsonl(text, source):
        if isinstance(item, Document) and len(item.text.encode("utf-8")) > MAX_INPUT_BYTES:
            yield InputError(item.source, "article text too large")
        else:
            yield item


def read_path(path: str) -> Iterator[Document | InputError]:
    """One file (or '-' for standard input) -> Documents and InputErrors."""
    if path == "-":
        yield from read_bytes(sys.stdin.buffer.read(), "<stdin>")
        return
    from eventwire.ingest.warc import is_warc, parse_warc

    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
            if is_warc(_decompressed_head(head)):
                # Archives run to gigabytes: streamed record by record, never read whole.
                handle.seek(0)
                yield from _dated(parse_warc(handle, path))
                return
            data = head + handle.read(MAX_INPUT_BYTES * 64 + 1 - len(head))
    except OSError as exc:
        yield InputError(path, exc.strerror or str(exc))
        return
    yield from read_bytes(data, path)


_SKIP_NAMES = re.compile(r"^(?:\.|README|LICENSE|CLUSTER\.md$|INDEX\.tsv$)", re.I)


def expand_paths(patterns: Iterable[str]) -> Iterator[str]:
    """Files named directly, found under folders (recursively, sorted), or matched by globs."""
    for pattern in patterns:
        if pattern == "-":
            yield pattern
        elif os.path.isdir(pattern):
            for found in sorted(Path(pattern).rglob("*")):
                if found.is_file() and not _SKIP_NAMES.match(found.name):
                    yield str(found)
        elif any(ch in pattern for ch in "*?["):
            matches = sorted(glob.glob(pattern, recursive=True))
            if not matches:
                log.warning("%s: no file matches", pattern)
            yield from (m for m in matches if os.path.isfile(m))
        else:
            yield pattern
