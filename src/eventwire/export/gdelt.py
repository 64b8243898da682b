"""GDELT 2.0 events TSV: exactly the 61 columns of the GDELT 2.0 Event codebook, in its order.

Tab-separated, one event per line, no quoting (no cell holds a tab or line break), no header unless
asked for. Geo country codes are FIPS 10-4 as in GDELT (export/geo.py); actor country codes are
CAMEO's ISO-3 based codes, as in GDELT. Our own fields (modality, evidence, rule, PLOVER type, date
grain, story id, ...) are never mixed in: they go to a separate file keyed by GlobalEventID
(`--extended FILE`) or, only when asked, to named columns after the 61 (`--extended-columns`).
Column meanings and where we differ from GDELT: docs/gdelt-export.md.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from functools import lru_cache
from typing import Any, TextIO

from eventwire.export.geo import adm1_code, country_name, fips_country
from eventwire.export.rows import event_rows
from eventwire.ground.event_dates import first_day

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

# The extended file: GlobalEventID, then ours. A column for a field the events do not carry yet
# (ACLED type) stays empty until they do: its place in the file is fixed now.
EXTRA_COLUMNS: tuple[str, ...] = (
    "EW_DocID", "EW_EventID", "EW_StoryID", "EW_PloverType", "EW_PloverMode", "EW_PloverContext",
    "EW_AcledEventType", "EW_AcledSubEventType", "EW_Modality", "EW_DateValue", "EW_DateGrain", "EW_DateAnchor", "EW_Actor1Codes",
    "EW_Actor2Codes", "EW_Trigger", "EW_Rule", "EW_Evidence", "EW_EvidenceSection", "EW_EvidenceStart",
    "EW_EvidenceEnd", "EW_Title", "EW_Outlet", "EW_Published", "EW_Language", "EW_Input", "EW_Timex",
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
        return repr(value) if value == value else ""  # NaN as empty
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


@lru_cache(maxsize=1)
def _sector_codes() -> frozenset[str]:
    from eventwire.datafiles import builtin_text, read_tsv

    codes = {r["cameo"] for r in read_tsv(builtin_text("actors", "roles.tsv"), "actors/roles.tsv")}
    codes |= {r["cameo"] for r in read_tsv(builtin_text("actors", "groups.tsv"), "actors/groups.tsv")}
    return frozenset(c for c in codes if c)


def known_group(code: str | None) -> str:
    """GDELT's KnownGroupCode: after a transnational prefix, the last 3-letter element that is not a
    sector (IGOUNO -> UNO, IGOWSTNAT -> NAT); '' otherwise."""
    from eventwire.ground.actor_kb import TRANSNATIONAL

    code = code or ""
    if len(code) < 6 or code[:3] not in TRANSNATIONAL:
        return ""
    elements = [code[i:i + 3] for i in range(3, len(code) - len(code) % 3, 3)]
    groups = [e for e in elements if e not in _sector_codes()]
    return groups[-1] if groups else ""


def _actor_cells(actor: dict[str, Any] | None) -> list[Any]:
    if actor is None:
        return [""] * len(_ACTOR)
    # CAMEO actor codes: country (or transnational prefix) + sector; the sector is GDELT's Type1Code.
    return [actor["code"], actor["name"], actor["country"], known_group(actor["code"]), "", "", "",
            actor["sector"], "", ""]


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
    fips = fips_country(row["place_country"], name, row["place_admin1"])
    full = ", ".join([name] + [x for x in (row["place_admin1"], country_name(row["place_country"])) if x and x != name])
    return [_geo_type(row["place_kind"], row["place_country"]), full, fips,
            adm1_code(fips, row["place_kind"], row["place_geonames_id"]), "",
            row["place_lat"], row["place_lon"], row["place_geonames_id"]]


def _is_root(row: dict[str, Any]) -> int:
    """GDELT's IsRootEvent: the event is told in the lead (the title or the first paragraph)."""
    if row["section"] == "title":
        return 1
    if row["section"] == "body" and row["sent_start"] is not None:
        return int(row["lead_end"] == 0 or row["sent_start"] < row["lead_end"])
    return 0


def _fraction(day) -> str:
    length = 366 if day.year % 4 == 0 and (day.year % 100 or day.year % 400 == 0) else 365
    return f"{day.year + (day.timetuple().tm_yday - 1) / length:.4f}"


def gdelt_rows(store, filters: dict[str, Any] | None = None, extended: bool = True) -> Iterator[list[str]]:
    """One list of cells per stored event with a CAMEO code: the 61 GDELT columns, then EXTRA_COLUMNS
    when `extended` (an incident outside CAMEO, such as a flood, has no GDELT EventCode and is left out)."""
    stories = store.story_counts()
    for row in event_rows(store, filters):
        if not row["cameo"]:
            continue
        story = stories.get((row["doc_id"], row["event_id"]))
        # One article, one mention, until `eventwire link` groups the same event across articles.
        num_mentions, num_sources, num_articles = (int(n) for n in story[1:]) if story else (1, 1, 1)
        sources = [a for a in row["actors"] if a["role"] == "source"]
        targets = [a for a in row["actors"] if a["role"] == "target"]
        day = first_day(row["date"])  # the stored calendar date (a week, month, ... by its first day)
        cameo = row["cameo"] or ""
        added = row["ingested_at"]
        cells: list[Any] = [
            global_event_id(row["doc_id"], row["event_id"]),
            day.strftime("%Y%m%d") if day else "",
            day.strftime("%Y%m") if day else "",
            day.year if day else "",
            _fraction(day) if day else "",
            *_actor_cells(sources[0] if sources else None),
            *_actor_cells(targets[0] if targets else None),
            _is_root(row), cameo, cameo[:3], cameo[:2], row["quad_class"], row["goldstein"],
            num_mentions, num_sources, num_articles, "",  # AvgTone: tone is not computed
            *([""] * len(_GEO)), *([""] * len(_GEO)),  # actor locations are not resolved, only the event's
            *_geo_cells(row),
            added.strftime("%Y%m%d%H%M%S") if added else "",
            row["url"] or row["input"],
        ]
        if extended:
            cells += [
                row["doc_id"], row["event_id"], story[0] if story else "", row["plover_type"], row["plover_mode"],
                row["plover_context"], row.get("acled_type"), row.get("acled_sub_type"), ";".join(row["modality"] or ()),
                row["date"] or "", row["date_grain"] or "", row["date_anchor"],
                ";".join(a["code"] or "" for a in sources), ";".join(a["code"] or "" for a in targets),
                row["trigger"], row["rule"], row["evidence_text"], row["section"], row["sent_start"],
                row["sent_end"], row["title"], row["outlet"], row["published"], row["language"], row["input"],
                row["timex"],
            ]
        yield [_clean(c) for c in cells]


def write_gdelt(store, sink: TextIO, header: bool = False, *, filters: dict[str, Any] | None = None,
                extended_sink: TextIO | None = None, extended_columns: bool = False) -> int:
    """Write the 61-column TSV to `sink`; returns the number of events written.

    `extended_sink`: also write GlobalEventID + EXTRA_COLUMNS there (one line per event, same order);
    `extended_columns`: append EXTRA_COLUMNS to each line of `sink` instead (not GDELT's layout).
    `filters`: the API/CLI event filters (Store._api_where keywords)."""
    n_gdelt = len(GDELT_COLUMNS)
    if header:
        sink.write("\t".join(GDELT_COLUMNS + (EXTRA_COLUMNS if extended_columns else ())) + "\n")
    if extended_sink is not None:  # our own file: always with its header
        extended_sink.write("\t".join(("GlobalEventID",) + EXTRA_COLUMNS) + "\n")
    n = 0
    want_extra = extended_columns or extended_sink is not None
    for cells in gdelt_rows(store, filters, extended=want_extra):
        sink.write("\t".join(cells if extended_columns else cells[:n_gdelt]) + "\n")
        if extended_sink is not None:
            extended_sink.write("\t".join([cells[0], *cells[n_gdelt:]]) + "\n")
        n += 1
    return n
