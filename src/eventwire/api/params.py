"""What a request over events may ask: the filters every event endpoint takes (validated once, as
EventFilters), the enumerations of its query parameters, and the opaque cursors of event pages."""

import base64
import binascii
import dataclasses
import json
from enum import Enum
from typing import Annotated, Any

from fastapi import HTTPException, Query

from eventwire.api import views

__all__ = ["EventFilters", "event_filters", "encode_cursor", "decode_cursor", "Grain", "Order", "SortColumn",
           "PloverType", "Modality", "MODALITIES", "DATE_PATTERN"]

MODALITIES = ("asserted", "intended", "threatened", "conditional", "hedged", "negated", "reported", "historical")


def _plover_types() -> list[str]:
    from eventwire.coding.codebook import load_codebook

    return sorted({c.plover for c in load_codebook().codes.values() if c.plover})


PloverType = Enum("PloverType", {t: t for t in _plover_types()}, type=str)
Modality = Enum("Modality", {m: m for m in MODALITIES}, type=str)


class Grain(str, Enum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


class Order(str, Enum):
    desc = "desc"
    asc = "asc"


SortColumn = Enum("SortColumn", {c: c for c in views.SORT_COLUMNS}, type=str)


# A date bound is compared as text with the events' ISO dates, so any well-formed YYYY[-MM[-DD]] works.
DATE_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$"
LON = r"-?(180(\.0+)?|(1[0-7]\d|\d{1,2})(\.\d+)?)"
LAT = r"-?(90(\.0+)?|[1-8]?\d(\.\d+)?)"
BBOX_PATTERN = rf"^{LON},{LAT},{LON},{LAT}$"


def _parse_bbox(value: str | None) -> tuple[tuple[float, float, float, float], ...]:
    """The box as one or two (min_lon, min_lat, max_lon, max_lat) boxes: a west edge east of the east
    edge crosses the antimeridian (170,-20,-170,20 is the Pacific around Fiji); the two latitudes
    may come in either order."""
    if value is None:
        return ()
    west, lat_a, east, lat_b = (float(v) for v in value.split(","))
    if abs(west) > 180 or abs(east) > 180:
        raise HTTPException(422, "bbox: longitudes must be within -180..180")
    if abs(lat_a) > 90 or abs(lat_b) > 90:
        raise HTTPException(422, "bbox: latitudes must be within -90..90")
    south, north = min(lat_a, lat_b), max(lat_a, lat_b)
    if west <= east:
        return ((west, south, east, north),)
    return ((west, south, 180.0, north), (-180.0, south, east, north))


@dataclasses.dataclass(frozen=True)
class EventFilters:
    """The filters every event endpoint takes (the same query parameters, validated once here)."""

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: str | None = None
    cameo: str | None = None
    plover: str | None = None
    modality: str | None = None
    quad_class: int | None = None
    since: str | None = None
    until: str | None = None
    bbox: tuple[tuple[float, float, float, float], ...] = ()
    q: str | None = None
    doc_id: str | None = None
    lang: str | None = None
    acled: str | None = None
    acled_type: str | None = None

    def as_kwargs(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def event_filters(
    actor: Annotated[str | None, Query(max_length=100, description="Actor (source or target): CAMEO code prefix (RUSGOV) or part of a name")] = None,
    source: Annotated[str | None, Query(max_length=100, description="Source actor: code prefix or part of a name")] = None,
    target: Annotated[str | None, Query(max_length=100, description="Target actor: code prefix or part of a name")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=100, description="Country of an actor or of the event's place: ISO-3 (SYR), ISO-2 (SY), FIPS 10-4 (SY) or a name (Syria); iso:XX / fips:XX when the two-letter systems disagree")] = None,
    cameo: Annotated[str | None, Query(pattern=r"^\d{2,4}$", description="CAMEO code or prefix: 19 is the root 'Fight', 193 one code")] = None,
    plover: Annotated[PloverType | None, Query(description="PLOVER event type")] = None,
    modality: Annotated[Modality | None, Query(description="Events with this modality")] = None,
    quad_class: Annotated[int | None, Query(ge=1, le=4, description="1 verbal cooperation .. 4 material conflict")] = None,
    since: Annotated[str | None, Query(pattern=DATE_PATTERN, description="Earliest event date, YYYY[-MM[-DD]]")] = None,
    until: Annotated[str | None, Query(pattern=DATE_PATTERN, description="Latest event date, YYYY[-MM[-DD]]")] = None,
    bbox: Annotated[str | None, Query(pattern=BBOX_PATTERN, description="Place bounding box: west,south,east,north in degrees; west > east crosses the antimeridian")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words in the evidence sentence (case-insensitive)")] = None,
    doc_id: Annotated[str | None, Query(max_length=64, description="Events of one document")] = None,
    lang: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}$", description="Language of the event's document (ISO 639-1, e.g. en)")] = None,
    acled: Annotated[str | None, Query(max_length=60, description="ACLED sub-event type, e.g. Armed clash, Peaceful protest (case-insensitive)")] = None,
    acled_type: Annotated[str | None, Query(max_length=60, description="ACLED event type, e.g. Battles, Protests (case-insensitive)")] = None,
) -> EventFilters:
    from eventwire.filters import FilterConflict, FilterError, event_filters as check_filters

    try:  # the checks the CLI makes too: real calendar dates in order, countries by code or name
        checked = check_filters(country=country, since=since, until=until)
    except FilterConflict as exc:  # each value valid, the pair not: a bad request rather than a bad value
        raise HTTPException(400, str(exc)) from None
    except FilterError as exc:
        raise HTTPException(422, str(exc)) from None
    return EventFilters(actor=actor or None, source=source or None, target=target or None,
                        country=checked.get("country"), cameo=cameo, plover=plover.value if plover else None,
                        modality=modality.value if modality else None, quad_class=quad_class, since=since,
                        until=until, bbox=_parse_bbox(bbox), q=q or None, doc_id=doc_id or None,
                        lang=lang.lower() if lang else None, acled=acled or None, acled_type=acled_type or None)


def encode_cursor(order: str, key: tuple) -> str:
    return base64.urlsafe_b64encode(json.dumps([order, *key]).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, order: str) -> tuple[str, str, str]:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not (isinstance(data, list) and len(data) == 4 and all(isinstance(v, str) for v in data)):
            raise ValueError
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise HTTPException(400, "cursor: not a cursor returned by this API") from None
    if data[0] != order:
        raise HTTPException(400, f"cursor: it was made for order={data[0]}, not order={order}")
    return data[1], data[2], data[3]
