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

__all__ = ["record_from_json"]

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


def _build(cls: type, data: dict[str, Any]) -> Any:
    nested = _NESTED.get(cls, {})
    values = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue  # a field added after the record was written keeps its default
        value = data[f.name]
        if f.name in nested and value is not None:
            inner = nested[f.name]
            value = tuple(_build(inner, v) for v in value) if isinstance(value, list) else _build(inner, value)
        elif isinstance(value, list):
            value = tuple(value)
        values[f.name] = value
    return cls(**values)


def record_from_json(data: dict[str, Any]) -> ArticleRecord:
    """The ArticleRecord of `data` as produced by eventwire.record.to_json."""
    return _build(ArticleRecord, data)
