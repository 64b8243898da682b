"""eventwire: news articles in, structured, evidence-backed event data out.

    >>> from eventwire import extract_text, to_json
    >>> record = extract_text(open("article.txt").read())
    >>> to_json(record)["actors"]
"""
from __future__ import annotations

from eventwire.config import Settings, load_settings
from eventwire.errors import InputError
from eventwire.pipeline import extract_bytes, extract_documents, extract_paths
from eventwire.record import RECORD_VERSION, ArticleRecord, Document, to_json, validate_record

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
    "to_json",
    "validate_record",
]

__version__ = "0.1.0"


def extract_text(text: str, source: str = "<text>", settings: Settings | None = None) -> ArticleRecord:
    """One article's text (scraped text, HTML or a JSON line) -> its record; InputError if refused."""
    for item in extract_bytes(text.encode("utf-8"), source, settings):
        if isinstance(item, InputError):
            raise item
        return item
    raise InputError(source, "no article found")
