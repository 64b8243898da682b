"""WARC (and ARC) archive -> Documents: one article per HTML response, through the HTML ingester.

Only `response` records with HTTP status 200 and an HTML content type are read (requests,
metadata, revisits, redirects, images and feeds are skipped). The page's charset comes from the
HTTP Content-Type header, then the page's own <meta> declaration, then UTF-8, then detection.
The record's WARC-Target-URI becomes the document url; each document is named
"<file>#<offset>" (the record's byte offset in the file, compressed when the file is).

The archive is streamed by warcio, never gunzipped whole: a .warc.gz is many gzip members, one per
record. A truncated or corrupt archive is reported once, as an InputError naming the offset where
reading stopped and why, and the records read before it are kept.
"""
from __future__ import annotations

import codecs
import io
import logging
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

from eventwire.errors import InputError, InputNotice
from eventwire.ingest.dates import with_fallback_date
from eventwire.record import Document

__all__ = ["parse_warc", "is_warc", "page_charset", "decode_page"]

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# Declared charsets whose superset is what servers actually send (as browsers decode them).
_SUPERSETS = {"iso8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030",
              "gbk": "gb18030", "iso8859-9": "cp1254", "euc_kr": "cp949", "shift_jis": "cp932"}
_MAX_PAGE_BYTES = 10 * 1024 * 1024


def is_warc(head: bytes) -> bool:
    """Whether these first bytes (already decompressed) start a WARC or ARC file."""
    return head.startswith(b"WARC/") or head.startswith(b"filedesc://")


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        canonical = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def page_charset(content_type: str | None, body: bytes) -> tuple[str | None, str]:
    """(codec, where it came from): 'http', 'meta', or (None, 'undeclared')."""
    if content_type and (m := _HEADER_CHARSET.search(content_type)) and (codec := _codec(m.group(1))):
        return codec, "http"
    m = _META_CHARSET.search(body[:4096])
    if m and (codec := _codec(m.group(1).decode("ascii", "replace"))):
        return codec, "meta"
    return None, "undeclared"


def decode_page(body: bytes, content_type: str | None) -> str:
    """An HTML response body -> text, by the declared charset, else UTF-8, else detection."""
    codec, _ = page_charset(content_type, body)
    if codec:
        try:
            return body.decode(codec)
        except UnicodeDecodeError:
            log.info("page does not decode as its declared %s; detecting", codec)
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    detected = _codec(best.encoding if best is not None else None) or "cp1252"
    return body.decode(detected, errors="replace")


def _is_html_ok(record) -> bool:
    if record.rec_type != "response" or record.http_headers is None:
        return False
    if record.http_headers.get_statuscode() != "200":
        return False
    content_type = (record.http_headers.get_header("Content-Type") or "").lower()
    return content_type.split(";")[0].strip() in _HTML_TYPES


def _read_payload(record, where: str) -> bytes:
    stream = record.content_stream()  # undoes chunked transfer and gzip/br content encoding
    body = stream.read(_MAX_PAGE_BYTES + 1)
    if len(body) > _MAX_PAGE_BYTES:
        raise InputError(where, f"HTML response too large (> {_MAX_PAGE_BYTES // 1_000_000} MB)")
    return body


def _missing(record) -> int:
    """Bytes of the record's declared length that the file does not have (after reading it all)."""
    while record.raw_stream.read(65536):
        pass
    return getattr(record.raw_stream, "limit", 0) or 0


def _incomplete_member(stream: BinaryIO, start: int, begin: int) -> int | None:
    """The offset (from `start`, where the archive starts in the stream) of a gzip member that the
    file cuts off, or None when every member is whole; the members before `begin` (where the last
    record warcio read starts) are known whole.

    warcio reads a cut member as far as it goes and then stops as if the file ended there; this
    pass over the last record and whatever follows it (output discarded, memory bounded) tells a
    cut from an end without inflating the archive a second time."""
    stream.seek(start + begin)
    offset = begin
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    member_start = begin
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            break
        pending = chunk
        while pending:
            try:
                inflater.decompress(pending, 1 << 20)
                while inflater.unconsumed_tail:
                    inflater.decompress(inflater.unconsumed_tail, 1 << 20)
            except zlib.error:
                return member_start
            if inflater.eof:
                used = len(pending) - len(inflater.unused_data)
                offset += used
                pending = inflater.unused_data
                member_start = offset
                inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            else:
                offset += len(pending)
                pending = b""
    return member_start if offset > member_start else None


def _unread_tail(stream: BinaryIO, end: int) -> int | None:
    """Where the unread bytes after the last whole record start (an uncompressed archive whose
    last record is cut inside its header), or None when only blank lines follow it."""
    stream.seek(end)
    while chunk := stream.read(1 << 16):
        if chunk.strip():
            return end
    return None


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def parse_warc(data: bytes | BinaryIO, source: str) -> Iterator[Document | InputError]:
    """Documents for the HTML responses of one WARC/ARC file; InputErrors for unusable records.

    A truncated record is reported by its offset ("<file>#<offset>"), and every whole record
    before it is kept."""
    from eventwire.ingest.html import parse_html

    stream = io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data
    start = stream.tell()
    gzipped = stream.read(2) == b"\x1f\x8b"
    stream.seek(start)
    iterator = ArchiveIterator(stream, arc2warc=True)
    kinds: Counter[str] = Counter()
    html_responses = 0
    offset = 0
    broken = False
    truncated: set[int] = set()  # offsets of records already reported as cut
    records = iter(iterator)
    while True:
        try:
            record = next(records)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - warcio raises anything on a cut header (AttributeError, ...)
            # Reading cannot resume after a broken record: keep what was read, report where it stopped.
            where = f"{source}#{getattr(iterator, 'offset', offset)}"
            yield InputError(where, f"truncated or malformed WARC record, reading stopped ({_reason(exc)})")
            broken = True
            break
        # The record's start (get_record_offset() would read the record away before we do).
        offset = iterator.offset
        where = f"{source}#{offset}"
        kinds[record.rec_type or "unknown"] += 1
        try:
            if not record.rec_type or not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
                truncated.add(offset)
                raise InputError(where, "truncated or malformed record header (no WARC-Type or Content-Length)")
            body = None
            if _is_html_ok(record):
                html_responses += 1
                body = _read_payload(record, where)
            missing = _missing(record)
            if missing:
                truncated.add(offset)
                raise InputError(where, f"truncated record ({missing} bytes of its declared length missing)")
            if body is None:
                continue
            if not body.strip():
                raise InputError(where, "empty HTML response")
            content_type = record.http_headers.get_header("Content-Type")
            url = record.rec_headers.get_header("WARC-Target-URI") or None
            doc = parse_html(decode_page(body, content_type), where, url=url)
            # The record's date is when the page was crawled: the last resort for an undated page.
            crawled = (record.rec_headers.get_header("WARC-Date") or "")[:10] or None
            yield with_fallback_date(replace(doc, input_kind="warc"), crawled, "warc")
        except InputError as exc:
            yield exc
            if offset in truncated:  # the file ends inside this record: nothing follows it
                broken = True
                break
        except Exception as exc:  # noqa: BLE001 - a malformed record is reported; the next one is read
            yield InputError(where, f"malformed record ({_reason(exc)})")
    if not broken:
        try:
            cut = _incomplete_member(stream, start, offset) if gzipped else _unread_tail(stream, iterator.offset)
        except OSError:
            cut = None
        if cut is not None and start + cut not in truncated and cut not in truncated:
            yield InputError(f"{source}#{start + cut}", "truncated record (the file ends inside it), reading stopped")
        broken = cut is not None
    if broken:
        return
    if not kinds:
        yield InputError(source, "no WARC records could be read")
    elif html_responses == 0:
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items()))
        yield InputError(source, f"no HTML responses with status 200 in the archive ({summary})")
    elif sum(kinds.values()) > html_responses:
        passed = kinds.copy()
        passed["response"] -= html_responses
        summary = ", ".join(f"{n} {kind}" for kind, n in sorted(passed.items()) if n)
        yield InputNotice(source, f"{sum(passed.values())} records skipped, not HTML pages with status 200 "
                                  f"({summary})", "skipped",
                          count=sum(passed.values()), label="WARC records not HTML pages")
