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
from dataclasses import replace
from pathlib import Path

from eventwire.errors import InputError
from eventwire.ingest.decode import MAX_EXPANDED_BYTES, MAX_INPUT_BYTES, decode_text, maybe_gunzip
from eventwire.record import Document

__all__ = ["detect_kind", "entity_problem", "read_bytes", "read_path", "expand_paths", "InputError"]

log = logging.getLogger(__name__)

# What may come before an XML or HTML document's root element: a byte-order mark, the XML
# declaration and other processing instructions, comments, and a DOCTYPE (with or without an
# internal subset). RSS 0.91 carries a DOCTYPE; XHTML starts with <?xml ...?>.
_PROLOG = r"^\ufeff?\s*(?:<\?[^>]*>\s*|<!--.*?-->\s*|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>\s*)*"
_HTML_START = re.compile(_PROLOG + r"<(?:html|head|body|meta|div|article|p|title)\b", re.I | re.S)
_HTML_DOCTYPE = re.compile(_PROLOG + r"<!DOCTYPE\s+html\b", re.I | re.S)
_FEED_START = re.compile(_PROLOG + r"<(?:rss|feed|rdf:RDF)\b", re.I | re.S)
# An internal DTD subset that declares entities: the shape of "billion laughs" (nested expansion)
# and of external-entity reads (SYSTEM "file:///..."). No news article or feed needs one.
_ENTITY_DECLARATION = re.compile(r"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.I | re.S)
_HEAD_CHARS = 65536
_JSON_KEY_START = re.compile(r'\{\s*"(?:[^"\\\n]|\\.)*"\s*:')
_XML_ENCODING = re.compile(r"""^(\ufeff?\s*<\?xml[^>]*?\bencoding\s*=\s*)["'][^"']*["']""")


def detect_kind(text: str) -> str:
    """'jsonl', 'html', 'feed' or 'text', from the first characters of the (decoded) content.

    WARC/ARC archives are recognised on the bytes, before decoding (see read_bytes)."""
    head = text.lstrip("\ufeff \t\r\n")[:_HEAD_CHARS]
    if head.startswith("{"):
        first = head.split("\n", 1)[0]
        try:
            json.loads(first)
            return "jsonl"
        except json.JSONDecodeError:
            # A first line cut off at the head (one article's page can be longer) or broken: an
            # object's first key, or keys further on, still say JSON Lines. No text, page or feed
            # starts with `{"key":`.
            if _JSON_KEY_START.match(head) or head.count('":') >= 2:
                return "jsonl"
    if _FEED_START.match(head):
        return "feed"
    if _HTML_START.match(head) or _HTML_DOCTYPE.match(head) or len(re.findall(r"</?(?:p|div|a|span|br)\b", head, re.I)) >= 5:
        return "html"
    return "text"


def entity_problem(text: str) -> str | None:
    """Why a document is refused for declaring XML entities, or None. Entities are never expanded
    (feedparser drops the DOCTYPE, lxml's HTML parser ignores it); a document that declares them is
    refused outright, so that its declarations are not read as article text either."""
    if _ENTITY_DECLARATION.search(text[:_HEAD_CHARS]):
        return ("declares XML entities in its DOCTYPE (entity expansion is disabled: "
                "refused as a possible 'billion laughs' or external-entity attack)")
    return None


def _decompressed_head(data: bytes, size: int = 64) -> bytes:
    """The first bytes of the content, through one gzip member when the data is gzipped."""
    if data[:2] != b"\x1f\x8b":
        return data[:size]
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], size)
    except zlib.error:
        return b""


def _looks_jsonl(data: bytes) -> bool:
    return data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _with_note(doc: Document, note: str | None) -> Document:
    return replace(doc, notes=doc.notes + (note,)) if note else doc


# Feed entries and WARC records are dated by their own parsers, which know the entry's or the
# record's date (ingest/dates.with_fallback_date): the fallback runs once per document.
_DATED_BY_PARSER = ("feed", "warc")


def _dated(items: Iterable[Document | InputError]) -> Iterator[Document | InputError]:
    """Documents whose text and metadata gave no date: dated from their URL, else marked as undated."""
    from eventwire.ingest.dates import with_fallback_date

    for item in items:
        if isinstance(item, Document) and not item.published and item.input_kind not in _DATED_BY_PARSER:
            item = with_fallback_date(item)
        yield item


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
        # JSONL carries many articles: it may expand further, and the per-article limit applies
        # to each line instead.
        many = kind in (None, "jsonl") and _looks_jsonl(_decompressed_head(data))
        data = maybe_gunzip(data, source, MAX_EXPANDED_BYTES if many else MAX_INPUT_BYTES)
        if many and (kind == "jsonl" or detect_kind(data[:_HEAD_CHARS].decode("utf-8", "replace")) == "jsonl"):
            yield from _jsonl(data, source)
            return
        decoded = decode_text(data, source, MAX_INPUT_BYTES)
        text = decoded.text
        problem = entity_problem(text)
        if problem:
            raise InputError(source, problem)
        kind = kind or detect_kind(text)
        if kind == "jsonl":  # reached only when the lines were not plain UTF-8 (UTF-16 with a BOM ...)
            yield from _jsonl(text, source)
            return
        if kind == "html":
            from eventwire.ingest.html import parse_html

            yield _with_note(parse_html(text, source), decoded.note)
            return
        if kind == "feed":
            from eventwire.ingest.feeds import parse_feed

            # feedparser reads the bytes itself: it honours the XML encoding declaration and falls
            # back to Windows-1252. UTF-16/32 and repaired UTF-8 go as the text decoded here.
            repaired = decoded.encoding.startswith(("utf-16", "utf-32")) or (
                decoded.encoding == "utf-8" and decoded.note is not None)
            if repaired:  # now UTF-8 whatever the declaration said: the declaration must say so too
                data = _XML_ENCODING.sub(r'\1"utf-8"', text, count=1).encode("utf-8")
            for item in parse_feed(bytes(data), source):
                yield _with_note(item, decoded.note) if repaired and isinstance(item, Document) else item
            return
        from eventwire.ingest.text import parse_text

        yield _with_note(parse_text(text, source), decoded.note)
    except InputError as exc:
        yield exc


def _jsonl(data: bytes | str, source: str) -> Iterator[Document | InputError]:
    from eventwire.ingest.jsonl import parse_jsonl

    yield from parse_jsonl(data, source, max_line_bytes=MAX_INPUT_BYTES)


def read_path(path: str) -> Iterator[Document | InputError]:
    """One file (or '-' for standard input) -> Documents and InputErrors."""
    if path == "-":
        data = sys.stdin.buffer.read(MAX_EXPANDED_BYTES + 1)
        if len(data) > MAX_EXPANDED_BYTES:
            yield InputError("<stdin>", f"input too large (over {MAX_EXPANDED_BYTES / 1e6:.0f} MB): split it")
            return
        yield from read_bytes(data, "<stdin>")
        return
    from eventwire.ingest.warc import is_warc, parse_warc

    try:
        with open(path, "rb") as handle:
            head = handle.read(65536)
            if is_warc(_decompressed_head(head)):
                # Archives run to gigabytes: streamed record by record, never read whole.
                handle.seek(0)
                yield from parse_warc(handle, path)  # dated by parse_warc (the record's date last)
                return
            data = head + handle.read(max(0, MAX_EXPANDED_BYTES + 1 - len(head)))
    except OSError as exc:
        yield InputError(path, exc.strerror or str(exc))
        return
    if len(data) > MAX_EXPANDED_BYTES:
        yield InputError(path, f"file too large (over {MAX_EXPANDED_BYTES / 1e6:.0f} MB): split it into smaller files")
        return
    yield from read_bytes(data, path)


# Not articles: hidden files, documentation, and code (an example script or notebook beside the articles).
_SKIP_NAMES = re.compile(r"^(?:\.|README|LICENSE|CLUSTER\.md$|INDEX\.tsv$)|.*\.(?:py|ipynb)$", re.I)


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
