"""Bytes to text: size limits, bounded gzip, binary detection, byte-order marks and encodings.

Work per input is bounded before it is done: gzip data is expanded in slices and refused as soon
as it passes its limit (a compression bomb never reaches memory whole); a byte-order mark decides
UTF-8/16/32 outright; text that is mostly valid UTF-8 stays UTF-8 with U+FFFD for the bad bytes
(and a note saying how many), since guessing another charset for a few bad bytes garbles every
accented letter instead of a few.
"""
from __future__ import annotations

import codecs
import logging
import re
import zlib
from dataclasses import dataclass

from charset_normalizer import from_bytes

from eventwire.errors import InputError

__all__ = ["MAX_INPUT_BYTES", "MAX_EXPANDED_BYTES", "Decoded", "decode_bytes", "decode_text", "gunzip_limited",
           "maybe_gunzip"]

log = logging.getLogger(__name__)

# A single news article, even as a full HTML page, is well under this; larger inputs are refused
# rather than parsed for minutes. JSONL files are split into lines before this limit applies.
MAX_INPUT_BYTES = 10 * 1024 * 1024
# A gzipped JSONL file (many articles) may expand to this much; one gzipped article to MAX_INPUT_BYTES.
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
_SLICE = 1024 * 1024  # gzip is expanded this much at a time

# Control bytes that never occur in text (tab, LF, CR, FF and ESC excepted).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
# Longest first: the UTF-32 LE mark starts with the UTF-16 LE one.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_ESCAPED = re.compile("[\udc80-\udcff]+")  # bytes that were not UTF-8, as surrogateescape keeps them


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    note: str | None = None  # what was repaired, for the document's notes


def gunzip_limited(data: bytes, source: str, limit: int) -> bytearray:
    """Expand gzip data (any number of members), refusing it once the output passes `limit` bytes.
    The output is the bytearray it was built in: copying it to bytes would double the peak."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        pending = rest
        try:
            while pending and not inflater.eof:
                out += inflater.decompress(pending, _SLICE)
                if len(out) > limit:
                    raise InputError(source, f"gzip data expands beyond the {limit / 1e6:.0f} MB limit "
                                             f"({len(data) / 1e6:.1f} MB compressed): refused as a possible "
                                             "compression bomb")
                pending = inflater.unconsumed_tail
        except zlib.error as exc:
            raise InputError(source, f"truncated or corrupt gzip data ({exc})") from None
        if not inflater.eof:
            raise InputError(source, "truncated or corrupt gzip data (the stream ends early)")
        rest = inflater.unused_data.lstrip(b"\x00")  # members may be padded with zeros
    return out


def maybe_gunzip(data: bytes, source: str, limit: int = MAX_INPUT_BYTES) -> bytes | bytearray:
    return gunzip_limited(data, source, limit) if data[:2] == b"\x1f\x8b" else data


def _bom(data: bytes) -> tuple[str, int] | None:
    for mark, codec in _BOMS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    return controls > len(sample) * 0.05


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with U+FFFD in place of the bad bytes, when most of the non-ASCII bytes are valid
    UTF-8 sequences; None when they mostly are not (a legacy 8-bit charset)."""
    escaped = data.decode("utf-8", "surrogateescape")
    bad = sum(len(m) for m in _ESCAPED.findall(escaped))
    good = sum(len(ch.encode("utf-8")) for ch in escaped if ch > "\x7f" and not "\udc80" <= ch <= "\udcff")
    if good <= bad:
        return None
    text = _ESCAPED.sub(lambda m: "\ufffd" * len(m.group(0)), escaped)
    return Decoded(text, "utf-8", f"{bad} bytes are not valid UTF-8: decoded as UTF-8 with U+FFFD in their place")


def decode_text(data: bytes, source: str, limit: int = MAX_INPUT_BYTES) -> Decoded:
    """Decode one input to text, or raise InputError naming `source` and why."""
    if len(data) > limit:
        raise InputError(
            source, f"too large for one article ({len(data) / 1e6:.1f} MB > {limit / 1e6:.1f} MB limit)"
        )
    found = _bom(data)
    if found:
        codec, skip = found
        text = data[skip:].decode(codec, errors="replace")
        if not text.strip():
            raise InputError(source, "empty input")
        return Decoded(text, codec)
    if not data.strip():
        raise InputError(source, "empty input")
    if _looks_binary(data):
        raise InputError(source, "binary data, not text, HTML or JSON")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    repaired = _mostly_utf8(data)
    if repaired is not None:
        log.warning("%s: %s", source, repaired.note)
        return repaired
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # Latin-1 family guesses for Western news text are nearly always Windows-1252 in practice:
    # it is a superset of ISO-8859-1 that also has curly quotes and dashes.
    if encoding in ("latin_1", "iso8859_1", "iso8859_15", "ascii"):
        encoding = "cp1252"
    log.info("%s: not UTF-8, decoding as %s", source, encoding)
    return Decoded(data.decode(encoding, errors="replace"), encoding, f"not UTF-8: decoded as {encoding}")


def decode_bytes(data: bytes, source: str, limit: int = MAX_INPUT_BYTES) -> str:
    """The text of decode_text, without what was repaired."""
    return decode_text(data, source, limit).text
