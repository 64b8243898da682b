"""Bytes to text: size limit, binary detection, gzip, and encoding detection."""
from __future__ import annotations

import gzip
import logging
import zlib

from charset_normalizer import from_bytes

from eventwire.errors import InputError

__all__ = ["MAX_INPUT_BYTES", "decode_bytes", "maybe_gunzip"]

log = logging.getLogger(__name__)

# A single news article, even as a full HTML page, is well under this; larger inputs are refused
# rather than parsed for minutes. JSONL files are split into lines before this limit applies.
MAX_INPUT_BYTES = 10 * 1024 * 1024

# Control bytes that never occur in text (tab, LF, CR, FF and ESC excepted).
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


def maybe_gunzip(data: bytes, source: str) -> bytes:
    if data[:2] != b"\x1f\x8b":
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(source, f"truncated or corrupt gzip data ({exc})") from None


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    controls = sum(sample.count(bytes([b])) for b in _BINARY_BYTES)
    return controls > len(sample) * 0.05


def decode_bytes(data: bytes, source: str, limit: int = MAX_INPUT_BYTES) -> str:
    """Decode one input to text, or raise InputError naming `source` and why."""
    if len(data) > limit:
        raise InputError(
            source, f"too large for one article ({len(data) / 1e6:.1f} MB > {limit / 1e6:.1f} MB limit)"
        )
    if not data.strip():
        raise InputError(source, "empty input")
    if _looks_binary(data):
        raise InputError(source, "binary data, not text, HTML or JSON")
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data[:200_000]).best()
    encoding = best.encoding if best is not None else "cp1252"
    # Latin-1 family guesses for Western news text are nearly always Windows-1252 in practice:
    # it is a superset of ISO-8859-1 that also has curly quotes and dashes.
    if encoding in ("latin_1", "iso8859_1", "iso8859_15", "ascii"):
        encoding = "cp1252"
    log.info("%s: not UTF-8, decoding as %s", source, encoding)
    return data.decode(encoding, errors="replace")
