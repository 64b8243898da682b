"""The typed records that flow through the pipeline, and their JSON form.

Every stage returns new records of these types; nothing edits another stage's output in place.
The JSON form is documented in docs/record-format.md and validated by schema/record.schema.json.
Bump RECORD_VERSION (semver) whenever a field is added (minor) or changed/removed (major).
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "RECORD_VERSION",
    "EVIDENCE_WINDOW_AFTER",
    "EVIDENCE_WINDOW_MARGIN",
    "Section",
    "Caption",
    "RelatedLink",
    "Document",
    "Evidence",
    "Mention",
    "Actor",
    "Place",
    "TimeRef",
    "Quantity",
    "Quote",
    "AcledType",
    "Event",
    "ArticleRecord",
    "document_id",
    "to_json",
    "record_schema",
    "validate_record",
]

RECORD_VERSION = "1.2.0"

# Evidence is the whole sentence up to this many characters; a longer sentence gives a window of about
# EVIDENCE_WINDOW_MARGIN characters either side of the fact (read.Sentence.evidence).
EVIDENCE_WINDOW_AFTER = 1_000
EVIDENCE_WINDOW_MARGIN = 200

Section = Literal["title", "body", "caption"]


@dataclass(frozen=True)
class Caption:
    text: str
    credit: str | None = None


@dataclass(frozen=True)
class RelatedLink:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """One article as ingested: its parts separated, no language analysis yet."""

    id: str
    source: str  # where it was read from: a path, a URL, "path:line" for JSONL, "<stdin>"
    input_kind: str  # text | html | jsonl
    title: str
    text: str  # the body: paragraphs separated by one blank line
    url: str | None = None
    outlet: str | None = None
    published: str | None = None  # ISO 8601, with the time (and offset) when known
    published_from: str | None = None  # which signal gave `published` (timestamp-line, metadata, htmldate, url,
    # feed, warc, ...); "none-found" when no signal gave a date
    language: str = "en"  # ISO 639-1 code from language identification; "und" when it could not be told
    language_confidence: float | None = None  # the identifier's probability of `language` (0..1)
    captions: tuple[Caption, ...] = ()
    related: tuple[RelatedLink, ...] = ()
    boilerplate: tuple[str, ...] = ()
    content_hash: str = ""
    # What was repaired or cut on the way in (bad bytes replaced, a giant paragraph split), in words.
    notes: tuple[str, ...] = ()

    def section_text(self, section: Section, caption_index: int | None = None) -> str:
        if section == "title":
            return self.title
        if section == "body":
            return self.text
        return self.captions[caption_index or 0].text


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact comes from; start/end index the text of `section`.

    A sentence longer than EVIDENCE_WINDOW_AFTER characters (number-dense page furniture, mostly)
    gives a window of it around the fact instead: `text`/`start`/`end` are then the window's, and
    `sentence_span` is the whole sentence's (start, end) (None when `text` is the whole sentence)."""

    text: str
    start: int
    end: int
    section: Section
    caption_index: int | None = None
    sentence_span: tuple[int, int] | None = None

    @property
    def sentence_key(self) -> tuple[str, int | None, int]:
        """Which sentence this is evidence from: (section, caption_index, the sentence's start); the
        same for every fact of one sentence, windowed or not."""
        return self.section, self.caption_index, self.sentence_span[0] if self.sentence_span else self.start


@dataclass(frozen=True)
class Mention:
    """One occurrence of an item in the article; start/end index the text of `section`."""

    text: str
    start: int
    end: int
    section: Section
    caption_index: int | None = None
    sentence: int | None = None  # index of the sentence in Parsed.sentences


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    code: str  # CAMEO actor code: country (ISO-3) or transnational prefix + sector, e.g. RUSGOV, NGO
    country: str | None
    sector: str | None
    kind: str  # state | person | organisation | group
    mentions: tuple[Mention, ...]
    evidence: Evidence
    resolved_by: str  # which rule or dictionary entry gave the code
    role: str | None = None
    wikidata: str | None = None
    media_only: bool = False  # named only as a photo credit or byline: never an event participant

    @property
    def plover(self) -> dict[str, str | None]:
        return {"country": self.country, "sector": self.sector}


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    kind: str  # country | admin1 | admin2 | city | locality | other
    country: str | None
    lat: float | None
    lon: float | None
    mentions: tuple[Mention, ...]
    evidence: Evidence
    resolved_by: str
    admin1: str | None = None
    geonames_id: int | None = None


@dataclass(frozen=True)
class TimeRef:
    id: str
    text: str
    value: str | None
    start: int
    end: int
    grain: str  # day | week | month | year | range | duration | time | unknown
    anchor: str  # published | speech:<quote id> | previous | absolute
    evidence: Evidence
    range_start: str | None = None
    range_end: str | None = None


@dataclass(frozen=True)
class Quantity:
    id: str
    text: str
    value: float | None
    low: float | None
    high: float | None
    approximate: bool
    subject: str | None
    category: str  # a count's (killed | injured | ... | other), or money | area | distance
    evidence: Evidence
    scope: str = "event"  # event | cumulative
    period: str | None = None
    source: str | None = None  # actor id it is attributed to
    unit: str | None = None  # money: ISO 4217 code (value in units of it); area: km2; distance: km


@dataclass(frozen=True)
class Quote:
    id: str
    text: str
    kind: str  # direct | indirect
    speaker: str | None  # actor id
    evidence: Evidence
    cue: str | None = None
    spoken: str | None = None  # ISO date the speaker spoke, when stated


@dataclass(frozen=True)
class AcledType:
    """An event's ACLED event type and sub-event type (or a CASE 2021 type outside ACLED)."""

    event_type: str  # Battles, Explosions/Remote violence, Protests, ... Disasters, Organised crime
    sub_event_type: str  # Armed clash, Air/drone strike, Peaceful protest, ... Natural disaster
    rule: str  # the row of data/codebook/acled.tsv that gave it


@dataclass(frozen=True)
class Event:
    id: str
    cameo: str  # CAMEO event code, 2-4 digits; "" for an incident outside CAMEO (a disaster, organised crime)
    source: tuple[str, ...]  # actor ids
    target: tuple[str, ...]
    date: dict[str, str | None]  # value (TIMEX), start, end, grain, anchor (anchor "assumed-published" when no date
    # was stated), and the calendar form for users: "date" (YYYY-MM-DD | YYYY-MM | YYYY) and "date_grain"
    # (day | week | month | quarter | half | season | year | decade | century); see ground/event_dates.py
    modality: tuple[str, ...]
    evidence: Evidence
    rule: str  # the dictionary entry and pattern that fired, so an analyst can see why
    cameo_name: str = ""
    plover: str | None = None  # PLOVER event type (the current 16)
    plover_mode: str | None = None
    plover_context: str | None = None
    quad_class: int | None = None  # 1 verbal cooperation .. 4 material conflict
    goldstein: float | None = None
    place: str | None = None  # place id
    place_how: str | None = None  # how the place was chosen: preposition, sentence, dominant
    quantities: tuple[str, ...] = ()  # quantity ids
    trigger: str | None = None  # the trigger words as written
    acled: AcledType | None = None  # ACLED event and sub-event type, when the ACLED table gives one


@dataclass(frozen=True)
class ArticleRecord:
    document: Document
    actors: tuple[Actor, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeRef, ...] = ()
    quantities: tuple[Quantity, ...] = ()
    quotes: tuple[Quote, ...] = ()
    events: tuple[Event, ...] = ()
    record_version: str = RECORD_VERSION

    # Events keep actor ids (the JSON form is flat); these resolve them to the Actor objects.
    def actor(self, actor_id: str) -> Actor | None:
        """The actor with this id, or None."""
        return next((a for a in self.actors if a.id == actor_id), None)

    def sources(self, event: Event) -> tuple[Actor, ...]:
        """The event's source actors as Actor objects (event.source keeps their ids)."""
        return tuple(a for i in event.source if (a := self.actor(i)) is not None)

    def targets(self, event: Event) -> tuple[Actor, ...]:
        """The event's target actors as Actor objects (event.target keeps their ids)."""
        return tuple(a for i in event.target if (a := self.actor(i)) is not None)


def document_id(url: str | None, title: str, text: str) -> tuple[str, str]:
    """Return (id, content_hash): the id follows the URL when known, else the content.

    Re-ingesting the same article (same URL, else same title and body) therefore yields the same id.
    """
    content_hash = hashlib.sha256(f"{title}\n\n{text}".encode("utf-8")).hexdigest()
    basis = f"url:{url}" if url else f"content:{content_hash}"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16], content_hash


_SCALARS = frozenset({str, int, float, bool, type(None)})
_FIELD_NAMES: dict[type, tuple[str, ...] | None] = {}  # a type -> its dataclass fields' names, or None


def _field_names(kind: type) -> tuple[str, ...] | None:
    """The names of the fields of the dataclass `kind` in order, or None for another type (cached:
    dataclasses.fields and is_dataclass per value were most of the cost of a record's JSON)."""
    try:
        return _FIELD_NAMES[kind]
    except KeyError:
        names = tuple(f.name for f in dataclasses.fields(kind)) if dataclasses.is_dataclass(kind) else None
        _FIELD_NAMES[kind] = names
        return names


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _SCALARS:
        return value
    if kind is tuple or kind is list:
        return [_jsonable(v) for v in value]
    names = _field_names(kind)
    if names is not None:
        out = {name: _jsonable(getattr(value, name)) for name in names}
        if isinstance(value, Evidence) and value.sentence_span is None:
            del out["sentence_span"]  # only a window names its sentence (since 1.2.0)
        if isinstance(value, Actor):
            out["plover"] = value.plover
        return out
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def to_json(record: ArticleRecord) -> dict[str, Any]:
    """The record's JSON form (plain dicts and lists), as documented in docs/record-format.md."""
    out = _jsonable(record)
    return {"record_version": out.pop("record_version"), **out}


def record_schema() -> dict[str, Any]:
    """The JSON Schema of the record's JSON form (schema/record.schema.json)."""
    import json
    from importlib import resources

    return json.loads(resources.files("eventwire").joinpath("schema", "record.schema.json").read_text("utf-8"))


def validate_record(data: dict[str, Any]) -> None:
    """Raise jsonschema.ValidationError when `data` is not a valid record."""
    import jsonschema

    jsonschema.validate(data, record_schema())
