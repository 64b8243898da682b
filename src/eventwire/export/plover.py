"""PLOVER JSON: one object per event, with the field names of the PLOVER manual's "Data Fields"
chapter (id, date, time, enddate, actor, recipient, event, event_loc, event_text, quad_code,
event_scale, mode, context, text_info, cite_info, coder, coded_date ...), one object per line
(the newline-delimited form the manual recommends).

Entity objects: `code` is the top-level entity (the actor's ISO-3 country, KOS for Kosovo as the
manual has it, UNO / EUR for the UN and the EU, else its transnational CAMEO prefix such as IGO/NGO),
`sector` its PLOVER sector; an actor with no country of its own takes the event place's country,
marked `"code_from": "event_loc"`. An event whose source actor was not found is exported with the
manual's generic unidentified actor (sector `UNK`, with the place's country when there is one),
never an empty `actor` list. Dates are calendar days
(YYYY-MM-DD: a month or year is given by its first day and `date_grain` says how precise it is, an
ISO week by its Monday); `time` is a clock time (HH:MM:SS) or absent. The JSON Schema is
docs/plover-event.schema.json. The location object follows the
manual's Mordecai/GeoNames table. Our own additions (allowed by the manual: "Providers should
feel free to include named fields beyond those provided here") are `cameo`, `modality`, `size`
(dead/injured/arrested, the manual's size object), `doc_id` and `published`. Events the coder
gave no PLOVER type are left out, since `event` is a required field.
"""
from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any, TextIO

from eventwire.export.rows import event_rows
from eventwire.ground.event_dates import calendar_date, first_day, last_day
from eventwire.ground.actor_kb import country_or_bloc

__all__ = ["plover_events", "write_plover", "CODER", "UNKNOWN_SOURCE"]

log = logging.getLogger(__name__)

CODER = "eventwire"
# GeoNames-style resolution codes: 5 sub-city, 4 city, 3 district, 2 province, 1 country.
_RESOLUTION = {"country": 1, "admin1": 2, "admin2": 3, "city": 4, "locality": 4}
_SIZE = {"killed": "dead", "injured": "injured", "arrested": "arrested"}
# The manual's generic unidentified actor ("actor for 'two civilians were killed by a bomb'").
UNKNOWN_SOURCE = {"code": None, "country": None, "sector": "UNK", "name": None, "wikidata": None}
# Country names the manual codes differently from ISO 3166 / CAMEO: Kosovo (no ISO code) is KOS;
# the UN and the EU have their own codes among the non-state entities.
_PLOVER_CODE = {"KSV": "KOS", "XKX": "KOS"}
_BODIES = ("UNO", "EUR")


def _entity(actor: dict[str, Any], place_country: str | None = None) -> dict[str, Any]:
    """PLOVER's entity object. An actor with no country of its own ("civilians", "police") takes
    the country of the event's place, as a bare group acts where the event happens; `code_from`
    says so, and an actor with neither keeps no code."""
    cameo = actor["code"] or ""
    code = cameo[3:6] if cameo[:3] == "IGO" and cameo[3:6] in _BODIES else country_or_bloc(actor["country"], cameo)
    code_from = None
    if code is None and place_country:
        code, code_from = place_country, "event_loc"
    code = _PLOVER_CODE.get(code, code)
    sector = actor["sector"]
    out = {"code": code, "code_from": code_from, "sector": sector, "entity_text": actor["name"]}
    if actor["wikidata"]:
        out["identifier_id"] = actor["wikidata"]
        out["identifier_text"] = actor["name"]
    return {k: v for k, v in out.items() if v is not None}


def _location(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row["place_name"]:
        return None
    kind = row["place_kind"]
    loc = {
        "extracted_place": row["place_name"],
        "resolved_place": row["place_name"],
        "geonameid": row["place_geonames_id"],
        "lat": row["place_lat"],
        "lon": row["place_lon"],
        "city": row["place_name"] if kind in ("city", "locality") else None,
        "district": row["place_name"] if kind == "admin2" else None,
        "province": row["place_admin1"] if row["place_admin1"] else (row["place_name"] if kind == "admin1" else None),
        "country_code": row["place_country"],
        "resolution": _RESOLUTION.get(kind),
    }
    return {k: v for k, v in loc.items() if v is not None}


# A TIMEX value with a clock time ("2020-02-24T08:30"); a part of the day ("TMO") is no clock time.
_CLOCK = re.compile(r"\d{4}-\d{2}-\d{2}T(\d{2}:\d{2})(?::\d{2})?")


def plover_events(store, filters: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """One PLOVER event object per stored event that has a PLOVER type and a calendar day."""
    skipped = skipped_undated = 0
    for row in event_rows(store, filters):
        if not row["plover_type"]:
            skipped += 1
            continue
        # The stored calendar date and grain (a week, month ... by its first day), as every export gives it.
        day = first_day(row["date"])
        if day is None:
            skipped_undated += 1  # `date` is required: an event with no calendar day cannot be exported
            continue
        if row["date_end"] and not row["timex"]:
            end = last_day(*calendar_date(row["date_end"]))  # a range: its last day
        else:
            end = last_day(row["date"], row["date_grain"])  # the period the date stands for
        clock = _CLOCK.fullmatch(row["timex"] or "")
        size: dict[str, float] = {}
        for q in row["quantities"]:
            key = _SIZE.get(q["category"])
            if key and q["value"] is not None and key not in size:
                size[key] = q["value"]
        added = row["ingested_at"]
        event = {
            "id": f"{row['doc_id']}-{row['event_id']}",
            "has_event": True,
            "date": day.isoformat(),
            "time": f"{clock[1]}:00" if clock else None,
            "date_grain": row["date_grain"],
            "enddate": end.isoformat() if end and end != day else None,
            "actor": [_entity(a, row["place_country"]) for a in row["actors"] if a["role"] == "source"]
                     or [_entity(UNKNOWN_SOURCE, row["place_country"])],
            "recipient": [_entity(a, row["place_country"]) for a in row["actors"] if a["role"] == "target"],
            "event": [row["plover_type"]],
            "event_loc": _location(row),
            "event_text": [row["evidence_text"]] if row["evidence_text"] else None,
            "quad_code": row["quad_class"],
            "event_scale": row["goldstein"],  # CAMEO Goldstein scale, -10 .. +10
            "mode": [row["plover_mode"]] if row["plover_mode"] else [],
            "context": [c.strip() for c in (row["plover_context"] or "").replace(";", ",").split(",") if c.strip()],
            "text_info": {"start": row["sent_start"], "end": row["sent_end"], "section": row["section"]},
            "cite_info": {k: v for k, v in {"url": row["url"], "title": row["title"], "language": row["language"],
                                             "publication": row["outlet"], "citation": row["input"],
                                             "coder": CODER}.items() if v},
            "coder": CODER,
            "coded_date": added.date().isoformat() if added else None,
            "coded_time": added.time().isoformat(timespec="seconds") if added else None,
            "cameo": row["cameo"],
            "acled": {"event_type": row["acled_type"], "sub_event_type": row["acled_sub_type"]}
            if row["acled_type"] else None,
            "modality": list(row["modality"] or []),
            "size": size or None,
            "doc_id": row["doc_id"],
            "published": row["published"],
        }
        yield {k: v for k, v in event.items() if v is not None}
    if skipped:
        log.info("%d events without a PLOVER type were left out of the PLOVER export", skipped)
    if skipped_undated:
        log.info("%d events without a calendar date were left out of the PLOVER export", skipped_undated)


def write_plover(store, sink: TextIO, filters: dict[str, Any] | None = None) -> int:
    """Write one PLOVER JSON object per line; returns the number of events written."""
    n = 0
    for event in plover_events(store, filters):
        sink.write(json.dumps(event, ensure_ascii=False) + "\n")
        n += 1
    return n
