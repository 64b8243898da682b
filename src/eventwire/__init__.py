"""eventwire: news articles in, structured, evidence-backed event data out.

    >>> from eventwire import extract_text, to_frame, to_json
    >>> record = extract_text(open("article.txt").read(), published="2024-03-01")
    >>> [(e.cameo, [a.name for a in record.sources(e)]) for e in record.events]
    >>> to_frame([record])          # one typed row per event (needs pandas)
    >>> to_frame("eventwire.duckdb", country="SY", since="2020")

examples/notebook/walkthrough.py shows the whole API on the bundled examples.
"""
from __future__ import annotations

from typing import Any

from eventwire.config import Settings, load_settings
from eventwire.errors import InputError
from eventwire.record import RECORD_VERSION, ArticleRecord, Document, to_json, validate_record

# Imported on first use (PEP 562), so that commands and processes that never analyse text (the
# ingest driver, export, serve) do not import spaCy and the coding tables with the package.
_LAZY = {"extract_bytes": "eventwire.pipeline", "extract_documents": "eventwire.pipeline",
         "extract_paths": "eventwire.pipeline", "to_frame": "eventwire.frame"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'eventwire' has no attribute {name!r}")

__all__ = [
    "ArticleRecord",
    "Document",
    "InputError",
    "RECORD_VERSION",
    "Settings",
    "extract_bytes",
    "extract_documents",
    "extract_paths",
    "extract_text",
    "load_settings",
    "to_frame",
    "to_json",
    "validate_record",
]

__version__ = "0.1.0"


def extract_text(text: str, *, published: "str | date | datetime | None" = None, title: str | None = None,
                 url: str | None = None, source: str = "<text>", settings: Settings | None = None) -> ArticleRecord:
    """One article -> its ArticleRecord (actors, places, times, quantities, quotes, events).

    `text` is scraped text (title on the first line), HTML, or one JSON line. `published` (an ISO
    8601 date or datetime string, or a date/datetime) anchors relative dates ("on Monday"); `title`
    and `url` are the article's when the text does not say them (and win over what it says). The
    document id follows the URL when there is one. `source` names the input in errors.
    Raises InputError (naming `source`) when the text is refused or an argument is malformed.

    Each event keeps its actors' ids (event.source, event.target); record.sources(event) and
    record.targets(event) give the Actor objects.
    """
    import dataclasses

    from eventwire.ingest import detect_kind, read_bytes
    from eventwire.ingest.text import parse_text
    from eventwire.pipeline import extract_documents
    from eventwire.record import document_id

    stamp = _iso_published(published, source)
    if detect_kind(text) == "text":
        items: list = [parse_text(text, source, url=url, title=title, published=stamp)]
    else:
        items = list(read_bytes(text.encode("utf-8"), source))
    doc = next((i for i in items if isinstance(i, Document)), None)
    if doc is None:
        raise next((i for i in items if isinstance(i, InputError)), InputError(source, "no article found"))
    if (stamp and doc.published != stamp) or (title and doc.title != title) or (url and doc.url != url):
        doc = dataclasses.replace(doc, title=title or doc.title, url=url or doc.url,
                                  published=stamp or doc.published,
                                  published_from="caller" if stamp else doc.published_from)
        doc_id, content_hash = document_id(doc.url, doc.title, doc.text)
        doc = dataclasses.replace(doc, id=doc_id, content_hash=content_hash)
    for record in extract_documents([doc], settings):
        return record
    raise InputError(source, "no article found")


def _iso_published(published: Any, source: str) -> str | None:
    """`published` as an ISO 8601 string; InputError when it is not a date or datetime."""
    from datetime import date, datetime

    if published is None or published == "":
        return None
    if isinstance(published, (date, datetime)):
        return published.isoformat()
    if isinstance(published, str):
        try:
            value = published.strip()
            (datetime if "T" in value or " " in value else date).fromisoformat(value)
            return value.replace(" ", "T")
        except ValueError:
            pass
    raise InputError(source, f"published: {published!r} is not an ISO 8601 date or datetime (2024-03-01 or "
                             "2024-03-01T09:30:00+00:00)")
