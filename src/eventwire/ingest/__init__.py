"""Ingestion: any supported input -> Documents. The kind is detected from content, not the name."""
from __future__ import annotations

import glob
import json
import logging
import os
import re
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from eventwire.errors import InputError
from eventwire.ingest.decode import MAX_INPUT_BYTES, decode_bytes, maybe_gunzip
from eventwire.record import Document

__all__ = ["detect_kind", "read_bytes", "read_path", "expand_paths", "InputError"]

log = logging.getLogger(__name__)

_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|article|p|title)\b", re.I | re.S)
_FEED_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:rss|feed|rdf:RDF)\b", re.I | re.S)


def detect_kind(text: str) -> str:
    """'jsonl', 'html', 'feed' or 'text', from the first characters of the content."""
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


def read_bytes(data: bytes, source: str, kind: str | None = None) -> Iterator[Document | InputError]:
    """Turn one input's bytes into Documents; refused inputs come out as InputError items."""
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
            raise InputError(source, "RSS/Atom feeds are not supported yet")
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
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_INPUT_BYTES * 64 + 1)
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
