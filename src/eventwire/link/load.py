"""ArticleRecords back from their JSON form (record.to_json), for linking what a store holds.

Only what linking reads must round-trip, but every field is restored so the records compare equal to
the ones that were stored.
"""
from __future__ import annotations

import dataclasses
from typing import Any

from eventwire.record import (
    AcledType,
    Actor,
    ArticleRecord,
    Caption,
    Document,
    Event,
    Evidence,
    Mention,
    Place,
    Quantity,
    Quote,
    RelatedLink,
    TimeRef,
)

__all__ = ["record_from_json", "LINKED_PARTS"]

# What linking reads of a record: the rest (times, quantities, quotes, captions, related links) can be
# left out when records are only being linked (record_from_json(data, LINKED_PARTS)).
LINKED_PARTS = frozenset({"document", "actors", "places", "events"})
_UNLINKED_DOCUMENT_PARTS = ("captions", "related")

# Nested record fields: field name -> the dataclass of the value (or of each item of a tuple).
_NESTED: dict[type, dict[str, type]] = {
    Document: {"captions": Caption, "related": RelatedLink},
    Actor: {"mentions": Mention, "evidence": Evidence},
    Place: {"mentions": Mention, "evidence": Evidence},
    TimeRef: {"evidence": Evidence},
    Quantity: {"evidence": Evidence},
    Quote: {"evidence": Evidence},
    Event: {"evidence": Evidence, "acled": AcledType},
    ArticleRecord: {"document": Document, "actors": Actor, "places": Place, "times": TimeRef,
                    "quantities": Quantity, "quotes": Quote, "events": Event},
}


_FIELDS: dict[type, tuple[str, ...]] = {}


def _build(cls: type, data: dict[str, Any]) -> Any:
    nested = _NESTED.get(cls, {})
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls))
    values = {}
    for name in names:
        if name not in data:
            continue  # a field added after the record was written keeps its default
        value = data[name]
        if name in nested and value is not None:
            inner = nested[name]
            value = tuple(_build(inner, v) for v in value) if isinstance(value, list) else _build(inner, value)
        elif isinstance(value, list):
            value = tuple(value)
        values[name] = value
    return cls(**values)


def record_from_json(data: dict[str, Any], parts: frozenset[str] | None = None) -> ArticleRecord:
    """The ArticleRecord of `data` as produced by eventwire.record.to_json; with `parts`, only those
    top-level parts (the others keep their empty defaults; LINKED_PARTS also leaves out the document's
    captions and related links)."""
    if parts is not None:
        data = {k: v for k, v in data.items() if k in parts}
        if parts == LINKED_PARTS and "document" in data:
            data["document"] = {k: v for k, v in data["document"].items() if k not in _UNLINKED_DOCUMENT_PARTS}
    return _build(ArticleRecord, data)
