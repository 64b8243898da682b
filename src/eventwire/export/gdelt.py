"""GDELT 2.0-style events TSV: the 61 columns of a GDELT 2.0 event export in GDELT's order, then ours.

Column meanings, and where we differ from GDELT (country codes are ISO 3166 alpha-3, feature ids
are GeoNames ids, tone is not computed, counts are per article until events are linked), are in
docs/gdelt-export.md. Like GDELT's own files, the output has no header row unless asked for.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date
from typing import Any, TextIO

from eventwire.export.rows import event_rows

__all__ = ["GDELT_COLUMNS", "EXTRA_COLUMNS", "gdelt_rows", "write_gdelt", "global_event_id"]

_ACTOR = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
          "Type1Code", "Type2Code", "Type3Code")
_GEO = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")

GDELT_COLUMNS: tuple[str, ...] = (
    ("GlobalEventID", "Day", "MonthYear", "Year", "FractionDate")
    + tuple(f"Actor1{c}" for c in _ACTOR)
    + tuple(f"Actor2{c}" for c in _ACTOR)
    + ("IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
       "NumMentions", "NumSources", "NumArticles", "AvgTone")
    + tuple(f"Actor1Geo_{c}" for c in _GEO)
    + tuple(f"Actor2Geo_{c}" for c in _GEO)
    + tuple(f"ActionGeo_{c}" for c in _GEO)
    + ("DATEADDED", "SOURCEURL")
)
assert len(GDELT_COLUMNS) == 61

EXTRA_COLUMNS: tuple[str, ...] = (
    "EW_DocID", "EW_EventID", "EW_PloverType", "EW_PloverMode", "EW_PloverContext", "EW_Modality",
    "EW_DateValue", "EW_DateGrain", "EW_DateAnchor", "EW_Actor1Codes", "EW_Actor2Codes", "EW_Trigger",
    "EW_Rule", "EW_Evidence", "EW_EvidenceSection", "EW_EvidenceStart", "EW_EvidenceEnd", "EW_Title",
    "EW_Outlet", "EW_Published", "EW_Input", "EW_StoryID", "EW_AcledEventType", "EW_AcledSubEventType",
)

# GDELT geo types: 1 country, 2 US state, 3 US city, 4 world city, 5 world state (ADM1).
_US = "USA"


def global_event_id(doc_id: str, event_id: str) -> int:
    """A stable positive integer (< 2**60) for an event, as GDELT's GlobalEventID is an integer."""
    return int(hashlib.sha256(f"{doc_id}/{event_id}".encode()).hexdigest()[:15], 16)


def _clean(value: Any) -> str:
    """A TSV cell: no tabs or line breaks inside; None as empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return str(value) if value == value else ""  # NaN as empty
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def _day(row: dict[str, Any]) -> date | None:
    """The event's day: its date, else the start of its range (a month or year starts on day 1)."""
    for value in (row["date_value"], row["date_start"]):
        if not value:
            continue
        parts = value[:10].split("-")
        try:
            year = int(parts[0])
            month = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 1
            day = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else 1
            return date(year, month, day)
        except (ValueError, IndexError):
            continue
    return None


def _actor_cells(actor: dict[str, Any] | None) -> list[Any]:
    if actor is None:
        return [""] * len(_ACTOR)
    # CAMEO actor codes: country (or transnational prefix) + sector; the sector is GDELT's Type1Code.
    return [actor["code"], actor["name"], actor["country"], "", "", "", "", actor["sector"], "", ""]


def _geo_type(kind: str | None, country: str | None) -> int | None:
    if kind is None:
        return None
    if kind == "country":
        return 1
    if kind == "admin1":
        return 2 if country == _US else 5
    return 3 if country == _US else 4


def _geo_cells(row: dict[str, Any]) -> list[Any]:
    if not row["place_name"]:
        return [""] * len(_GEO)
    name = row["place_name"]
    full = ", ".join([name] + [x for x in (row["place_admin1"], row["place_country"]) if x and x != name])
    return [_geo_type(row["place_kind"], row["place_country"]), full, row["place_country"], "", "",
            row["place_lat"], row["place_lon"], row["place_geonames_id"]]


def _is_root(row: dict[str, Any]) -> int:
    """GDELT's IsRootEvent: the event is told in the lead (the title or the first paragraph)."""
    if row["section"] == "title":
        return 1
    if row["section"] == "body" and row["sent_start"] is not None:
        return int(row["lead_end"] == 0 or row["sent_start"] < row["lead_end"])
    return 0


def gdelt_rows(store) -> Iterator[list[str]]:
    """One list of cells (61 GDELT columns, then EXTRA_COLUMNS) per stored event with a CAMEO code
    (an incident outside CAMEO, such as a flood, has no GDELT EventCode and is left out)."""
    stories = store.story_counts()
    for row in event_rows(store):
        if not row["cameo"]:
            continue
        story = stories.get((row["doc_id"], row["event_id"]))
        mentions, sources, articles = story[1:] if story else (1, 1, 1)
        sources = [a for a in row["actors"] if a["role"] == "source"]
        targets = [a for a in row["actors"] if a["role"] == "target"]
        day = _day(row)
        cameo = row["cameo"] or ""
        added = row["ingested_at"]
        cells: list[Any] = [
            global_event_id(row["doc_id"], row["event_id"]),
            day.strftime("%Y%m%d") if day else "",
            day.strftime("%Y%m") if day else "",
            day.year if day else "",
            f"{day.year + (day.timetuple().tm_yday - 1) / (366 if day.year % 4 == 0 and (day.year % 100 or day.year % 400 == 0) else 365):.4f}" if day else "",
            *_actor_cells(sources[0] if sources else None),
            *_actor_cells(targets[0] if targets else None),
            _is_root(row), cameo, cameo[:3], cameo[:2], row["quad_class"], row["goldstein"],
            # One article, one mention, until `eventwire link` groups the same event across articles.
            mentions, sources, articles, "",
            *([""] * len(_GEO)), *([""] * len(_GEO)),  # actor locations are not resolved, only the event's
            *_geo_cells(row),
            added.strftime("%Y%m%d%H%M%S") if added else "",
            row["url"] or row["input"],
        ]
        cells += [
            row["doc_id"], row["event_id"], row["plover_type"], row["plover_mode"], row["plover_context"],
            ";".join(row["modality"] or ()), row["date_value"] or row["date_start"], row["date_grain"],
            row["date_anchor"], ";".join(a["code"] or "" for a in sources), ";".join(a["code"] or "" for a in targets),
            row["trigger"], row["rule"], row["evidence_text"], row["section"], row["sent_start"], row["sent_end"],
            row["title"], row["outlet"], row["published"], row["input"], story[0] if story else "",
            row["acled_type"], row["acled_sub_type"],
        ]
        yield [_clean(c) for c in cells]


def write_gdelt(store, sink: TextIO, header: bool = False) -> int:
    """Write the TSV to `sink`; returns the number of events written."""
    if header:
        sink.write("\t".join(GDELT_COLUMNS + EXTRA_COLUMNS) + "\n")
    n = 0
    for cells in gdelt_rows(store):
        sink.write("\t".join(cells) + "\n")
        n += 1
    return n
