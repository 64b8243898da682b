"""Scraped plain text -> Document: title, timestamp, captions, cross-links and furniture separated.

A scraper's text keeps the page's furniture: UI words, the site's tagline, the headline, a
timestamp line, photo captions with credits and "READ:" cross-links between paragraphs. They are
told apart by line shape and position, never by any one site's strings:

- header: the lines before the first body paragraph (a full sentence of some length);
- the title is the header line just before the timestamp (or byline), else the last header line
  of three or more words; the other header lines are furniture;
- a line ending in a credit ("[Name/Agency]", "(Photo: ...)") is a caption wherever it stands;
- a prefix-and-title line ("READ: ...", "Related: ...") is a cross-link wherever it stands.

An optional front-matter block ("key: value" lines closed by a line "---") gives metadata.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from eventwire.errors import InputError
from eventwire.ingest.lines import (
    ends_like_sentence,
    is_boilerplate,
    is_byline,
    related_link,
    split_credit,
    timestamp_of,
    word_count,
)
from eventwire.numeric_dates import DAY_FIRST, DateOrder, date_order
from eventwire.record import Caption, Document, RelatedLink, document_id

__all__ = ["parse_text", "clean_body_lines", "BodyParts"]

log = logging.getLogger(__name__)

_FRONT_KEY = re.compile(r"^(?P<key>[A-Za-z][\w-]{0,40}):\s*(?P<value>.*)$")
_TITLE_KEYS = ("title", "headline")
_URL_KEYS = ("url", "link", "source-url")
_PUBLISHED_KEYS = ("published", "published-as-stated", "date", "pubdate", "published-at")
_OUTLET_KEYS = ("outlet", "site", "publisher", "source")


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading "key: value" block closed by '---' from the text."""
    lines = text.split("\n")
    meta: dict[str, str] = {}
    for i, line in enumerate(lines[:60]):
        if line.strip() == "---" and meta:
            return meta, "\n".join(lines[i + 1:])
        m = _FRONT_KEY.match(line.strip())
        if not m:
            break
        meta[m.group("key").lower()] = m.group("value").strip()
    return {}, text


def _units(text: str) -> list[str]:
    """Paragraph units: blank lines separate; inside a block, a line is joined to the previous one
    only when it continues a hard-wrapped sentence (previous line unfinished, this one lower case)."""
    units: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        current = ""
        for raw in block.split("\n"):
            line = " ".join(raw.split())
            if not line:
                continue
            if current and not ends_like_sentence(current) and line[0].islower():
                current = f"{current} {line}"
            else:
                if current:
                    units.append(current)
                current = line
        if current:
            units.append(current)
    return units


_STAMP_LEAD = re.compile(r"^(?:(?:published|posted|updated)\s*:?\s+)?", re.IGNORECASE)


def _leading_stamp(unit: str, order: DateOrder = DAY_FIRST) -> tuple[str | None, str]:
    """A dateline run into the first paragraph ("Sun 16 Apr 2017 Death toll rises ...",
    "Published July 5 2016 A bomber ..."): (ISO date, the rest) when the prefix is a full date with
    a year and the rest starts a sentence; else (None, unit)."""
    words = unit.split()
    if words and words[0].lower() in ("on", "in", "by", "since", "until", "from", "before", "after", "as", "at"):
        return None, unit  # "On 5 March 2020 troops ...": a date in the sentence, not a dateline
    for n in range(min(7, len(words) - 3), 1, -1):
        prefix, rest = " ".join(words[:n]), " ".join(words[n:])
        if not re.search(r"\b\d{4}$", prefix) or not rest[:1].isupper():
            continue
        stamp = timestamp_of(_STAMP_LEAD.sub("", prefix), order)
        if stamp:
            return stamp, rest
    return None, unit


def _is_body_paragraph(unit: str) -> bool:
    words = word_count(unit)
    return (words >= 12 and ends_like_sentence(unit)) or words >= 30


@dataclass(frozen=True)
class BodyParts:
    paragraphs: tuple[str, ...]
    captions: tuple[Caption, ...]
    related: tuple[RelatedLink, ...]
    boilerplate: tuple[str, ...]


def clean_body_lines(units: list[str]) -> BodyParts:
    """Sort body units into paragraphs, captions, cross-links and furniture (any position)."""
    paragraphs: list[str] = []
    captions: list[Caption] = []
    related: list[RelatedLink] = []
    boilerplate: list[str] = []
    for unit in units:
        link = related_link(unit)
        if link is not None:
            related.append(link)
            continue
        if is_boilerplate(unit):
            boilerplate.append(unit)
            continue
        caption_text, credit = split_credit(unit)
        if credit is not None and not ends_like_sentence(caption_text):
            captions.append(Caption(caption_text, credit))
            continue
        paragraphs.append(unit)
    return BodyParts(tuple(paragraphs), tuple(captions), tuple(related), tuple(boilerplate))


def _split_header(units: list[str]) -> tuple[list[str], list[str]]:
    """The header ends at the first body paragraph; a short article's first full sentence will do."""
    def plain(unit: str) -> bool:
        return split_credit(unit)[1] is None and related_link(unit) is None and not timestamp_of(unit)

    for starts_body in (_is_body_paragraph, ends_like_sentence):
        for i, unit in enumerate(units):
            if starts_body(unit) and plain(unit):
                return units[:i], units[i:]
    return [], units


def parse_text(
    text: str,
    source: str,
    *,
    url: str | None = None,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    input_kind: str = "text",
) -> Document:
    """Read one scraped article's text. Metadata given by the caller wins over what the text says."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    meta, text = _front_matter(text)
    url = url or next((meta[k] for k in _URL_KEYS if meta.get(k, "").startswith("http")), None)
    title = title or next((meta[k] for k in _TITLE_KEYS if meta.get(k)), None)
    outlet = outlet or next((meta[k] for k in _OUTLET_KEYS if meta.get(k)), None)
    order = date_order(url, text)  # how this source writes numeric dates (numeric_dates.py)
    published_from = "caller" if published else None
    if not published:
        for key in _PUBLISHED_KEYS:
            stamp = timestamp_of(meta.get(key, ""), order)
            if stamp:
                published, published_from = stamp, "front-matter"
                break

    units = _units(text)
    if not published and units:
        stamp, rest = _leading_stamp(units[0], order)
        if stamp:
            published, published_from, units[0] = stamp, "leading-timestamp", rest
    header, body = _split_header(units)
    header_captions: list[Caption] = []
    header_related: list[RelatedLink] = []
    header_furniture: list[str] = []
    candidates: list[tuple[int, str]] = []  # (index in header, line) of possible titles
    stamp_index: int | None = None
    for i, unit in enumerate(header):
        stamp = timestamp_of(unit, order)
        if stamp:
            if stamp_index is None:
                stamp_index = i
                if not published:
                    published, published_from = stamp, "timestamp-line"
            continue
        link = related_link(unit)
        if link is not None:
            header_related.append(link)
            continue
        caption_text, credit = split_credit(unit)
        if credit is not None:
            header_captions.append(Caption(caption_text, credit))
            continue
        if is_byline(unit):
            header_furniture.append(unit)
            continue
        if is_boilerplate(unit):
            header_furniture.append(unit)
            continue
        candidates.append((i, unit))

    chosen: str | None = None
    if not title and candidates:
        before_stamp = [c for c in candidates if stamp_index is not None and c[0] < stamp_index]
        if before_stamp:
            chosen = before_stamp[-1][1]
        else:
            long_enough = [c for c in candidates if word_count(c[1]) >= 3]
            chosen = (long_enough or candidates)[-1][1]
        title = chosen
    for _, unit in candidates:
        if unit != chosen:
            header_furniture.append(unit)

    parts = clean_body_lines(body)
    if not parts.paragraphs and not title:
        raise InputError(source, "no article text found")
    body_text = "\n\n".join(parts.paragraphs)
    title = title or ""
    doc_id, content_hash = document_id(url, title, body_text)
    return Document(
        id=doc_id,
        source=source,
        input_kind=input_kind,
        title=title,
        text=body_text,
        url=url,
        outlet=outlet,
        published=published,
        published_from=published_from,
        captions=tuple(header_captions) + parts.captions,
        related=tuple(header_related) + parts.related,
        boilerplate=tuple(header_furniture) + parts.boilerplate,
        content_hash=content_hash,
    )
