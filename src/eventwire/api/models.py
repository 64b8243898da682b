"""The API's request and response shapes; they are what the OpenAPI spec publishes."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ActorRef", "PlaceRef", "DocumentRef", "EventItem", "EventPage", "EventDetail", "Span",
           "TimelineBucket", "Timeline", "MapPoint", "Dyad", "ActorCount", "ActorPage", "DocumentItem",
           "DocumentPage", "DocumentDetail", "Facets", "FacetValue", "FacetCounts", "Totals", "ActorPeriod",
           "Counterpart", "ActorDetail", "ArticleIn", "IngestResult", "Problem"]


class Problem(BaseModel):
    detail: Any = Field(description="What was wrong with the request")


class ActorRef(BaseModel):
    id: str
    name: str | None = None
    code: str | None = None


class PlaceRef(BaseModel):
    id: str
    name: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None


class DocumentRef(BaseModel):
    id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None


class EventItem(BaseModel):
    doc_id: str
    event_id: str
    date: str | None = None  # ISO: YYYY-MM-DD, YYYY-MM or YYYY
    date_grain: str | None = None  # day | week | month | quarter | half | season | year | decade | century
    timex: str | None = None  # the TimeML value the date comes from
    date_range: list[str | None] | None = None
    date_anchor: str | None = None
    cameo: str
    cameo_name: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover: str | None = None
    plover_mode: str | None = None
    acled_type: str | None = Field(None, description="ACLED event type (Battles, Protests, ...)")
    acled_sub_type: str | None = Field(None, description="ACLED sub-event type (Armed clash, Peaceful protest, ...)")
    modality: list[str] = []
    source: list[ActorRef] = []
    target: list[ActorRef] = []
    place: PlaceRef | None = None
    trigger: str | None = None
    evidence: str | None = None
    section: str | None = None
    caption_index: int | None = None
    document: DocumentRef
    arrival_id: int | None = Field(None, description="With since_id: the order in which the event was stored")


class EventPage(BaseModel):
    total: int = Field(description="Events matching the filters")
    limit: int
    offset: int
    next_cursor: str | None = Field(None, description="Pass as `cursor` for the next page; null on the last")
    items: list[EventItem]
    last_id: int | None = Field(None, description="With since_id: pass it as since_id to get only later events")


class Span(BaseModel):
    kind: Literal["source", "target", "time", "place", "quantity", "trigger"]
    start: int = Field(description="Offset inside the evidence sentence")
    end: int
    text: str
    ref: str | None = Field(None, description="Id of the actor, place, time or quantity in the record")
    label: str | None = None


class EventDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    event_id: str
    cameo: str
    cameo_name: str | None = None
    quad_class: int | None = None
    goldstein: float | None = None
    plover: str | None = None
    plover_mode: str | None = None
    plover_context: str | None = None
    acled: dict[str, Any] | None = Field(None, description="ACLED event_type, sub_event_type and the table row")
    date: dict[str, Any] | None = None
    modality: list[str] = []
    rule: str | None = None
    trigger: str | None = None
    source: list[dict[str, Any]] = []
    target: list[dict[str, Any]] = []
    place: dict[str, Any] | None = None
    quantities: list[dict[str, Any]] = []
    evidence: dict[str, Any] = Field(description="The sentence: text, section, caption_index, start, end")
    spans: list[Span]
    document: dict[str, Any]


class TimelineBucket(BaseModel):
    period: str = Field(description="First day of the period (ISO date)")
    total: int
    quad_class: dict[str, int] = Field(description="Events per QuadClass 1..4")


class Timeline(BaseModel):
    grain: str
    series: list[TimelineBucket]
    undated: int = Field(description="Matching events whose date could not be placed")


class MapPoint(BaseModel):
    lat: float
    lon: float
    name: str | None = Field(None, description="The most frequent place name at these coordinates, the smallest on a tie")
    events: int
    material_conflict: int


class Dyad(BaseModel):
    source: str | None = None
    target: str | None = None
    plover: str | None = None
    example: str | None = None
    quad_class: int | None = None
    events: int


class ActorCount(BaseModel):
    code: str | None = None
    name: str | None = None
    names: list[str] = []
    country: str | None = None
    kind: str | None = None
    as_source: int
    as_target: int
    events: int
    documents: int


class ActorPage(BaseModel):
    total: int
    items: list[ActorCount]


class DocumentItem(BaseModel):
    id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    outlet: str | None = None
    source: str | None = None
    input_kind: str | None = None
    events: int


class DocumentPage(BaseModel):
    total: int
    items: list[DocumentItem]


class DocumentDetail(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str
    title: str | None = None
    published: str | None = None
    url: str | None = None
    text: str | None = None
    captions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []


class Facets(BaseModel):
    plover: dict[str, int]
    modality: dict[str, int]
    cameo_root: dict[str, int]
    first_date: str | None = None
    last_date: str | None = None
    documents: int
    events: int


class FacetValue(BaseModel):
    value: str | None = None
    events: int


class FacetCounts(BaseModel):
    country: list[FacetValue]
    actor: list[FacetValue]
    cameo_root: list[FacetValue]
    quad_class: list[FacetValue]
    modality: list[FacetValue]
    plover: list[FacetValue]
    language: list[FacetValue]


class Totals(BaseModel):
    events: int
    documents: int
    killed: int = Field(description="People reported killed in the matching events (each stated figure once)")
    injured: int
    displaced: int
    arrested: int


class ActorPeriod(BaseModel):
    period: str
    source: int = 0
    target: int = 0


class Counterpart(BaseModel):
    code: str | None = None
    name: str | None = None
    role: str = Field(description="The counterpart's role in the shared events: source or target")
    events: int


class ActorDetail(BaseModel):
    code: str
    name: str | None = None
    names: list[str] = []
    country: str | None = None
    sector: str | None = None
    kind: str | None = None
    documents: int
    as_source: int
    as_target: int
    grain: str
    series: list[ActorPeriod]
    undated: int
    counterparts: list[Counterpart]


class ArticleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    content: str = Field(min_length=1, description="The article: plain text (title, blank line, body) or HTML")
    kind: Literal["auto", "text", "html"] = Field("auto", description="auto detects HTML from the content")
    source: str | None = Field(None, max_length=300, description="A name for where it came from")
    published: str | None = Field(None, pattern=r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$",
                                  description="Publication date when the content does not state it")


class IngestResult(BaseModel):
    doc_id: str
    status: Literal["stored", "replaced", "unchanged"]
    events: int
