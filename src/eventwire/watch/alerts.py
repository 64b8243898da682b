"""Watchlists over coded records, and alert delivery (alerts.jsonl, a webhook).

Matching is a pure function of a record and one of its events: a watchlist matches when every
criterion it gives matches. ACLED types are read from the event's `acled` field when the record
has one (a string, or a mapping with event_type / sub_event_type); without it an ACLED criterion
matches nothing.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from typing import Any

import httpx

from eventwire.link.sphere import haversine_km
from eventwire.record import ArticleRecord, Event
from eventwire.watch import state
from eventwire.watch.sources import Watchlist

__all__ = ["match_event", "alert_payload", "alert_key", "event_fatalities", "deliver_alerts", "WEBHOOK_ATTEMPTS"]

log = logging.getLogger(__name__)

WEBHOOK_ATTEMPTS = 8


def event_fatalities(record: ArticleRecord, event: Event) -> float | None:
    """The largest 'killed' figure linked to the event (figures of one toll are not added up)."""
    by_id = {q.id: q for q in record.quantities}
    figures = [q.value if q.value is not None else (q.high if q.high is not None else q.low)
               for q in (by_id.get(i) for i in event.quantities) if q is not None and q.category == "killed"]
    figures = [f for f in figures if f is not None]
    return max(figures) if figures else None


def _acled_types(event: Event) -> list[str]:
    value = getattr(event, "acled", None)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [v for v in value.values() if isinstance(v, str)]
    return [v for v in (getattr(value, "event_type", None), getattr(value, "sub_event_type", None)) if isinstance(v, str)]


def match_event(watch: Watchlist, record: ArticleRecord, event: Event) -> dict[str, Any] | None:
    """What matched, criterion by criterion, or None when the event does not match the watchlist."""
    actors = {a.id: a for a in record.actors}
    places = {p.id: p for p in record.places}
    participants = [actors[i] for i in (*event.source, *event.target) if i in actors]
    place = places.get(event.place) if event.place else None
    matched: dict[str, Any] = {}
    if watch.actors:
        hits = sorted({a.code or a.name for a in participants for w in watch.actors
                       if (a.code and a.code.upper().startswith(w.upper())) or w.lower() in a.name.lower()})
        if not hits:
            return None
        matched["actors"] = hits
    if watch.countries:
        found = {a.country for a in participants if a.country} | ({place.country} if place and place.country else set())
        hits = sorted(found & set(watch.countries))
        if not hits:
            return None
        matched["countries"] = hits
    if watch.cameo:
        if not any(event.cameo.startswith(c) for c in watch.cameo):
            return None
        matched["cameo"] = event.cameo
    if watch.plover:
        if not event.plover or event.plover.upper() not in watch.plover:
            return None
        matched["plover"] = event.plover
    if watch.acled:
        wanted = {a.lower() for a in watch.acled}
        hits = [t for t in _acled_types(event) if t.lower() in wanted]
        if not hits:
            return None
        matched["acled"] = hits
    if watch.near:
        if place is None or place.lat is None or place.lon is None:
            return None
        km = haversine_km(watch.near.lat, watch.near.lon, place.lat, place.lon)
        if km > watch.near.km:
            return None
        matched["near_km"] = round(km, 1)
    if watch.min_fatalities is not None:
        dead = event_fatalities(record, event)
        if dead is None or dead < watch.min_fatalities:
            return None
        matched["fatalities"] = dead
    return matched


def alert_key(watchlist: str, doc_id: str, event_id: str) -> str:
    return hashlib.sha256(f"{watchlist}\x00{doc_id}\x00{event_id}".encode()).hexdigest()[:24]


def alert_payload(watch: Watchlist, record: ArticleRecord, event: Event, matched: dict[str, Any]) -> dict[str, Any]:
    """The alert as written to alerts.jsonl and POSTed to the webhook (README: "Alert format")."""
    doc = record.document
    actors = {a.id: a for a in record.actors}
    places = {p.id: p for p in record.places}
    place = places.get(event.place) if event.place else None

    def refs(ids: tuple[str, ...]) -> list[dict[str, Any]]:
        return [{"name": actors[i].name, "code": actors[i].code, "country": actors[i].country}
                for i in ids if i in actors]

    acled = _acled_types(event)
    return {
        "key": alert_key(watch.name, doc.id, event.id),
        "watchlist": watch.name,
        "matched": matched,
        "event": {
            "doc_id": doc.id, "event_id": event.id, "cameo": event.cameo, "cameo_name": event.cameo_name,
            "plover": event.plover, "quad_class": event.quad_class, "date": event.date.get("value") or event.date.get("start"),
            "modality": list(event.modality), "source": refs(event.source), "target": refs(event.target),
            "place": {"name": place.name, "country": place.country, "lat": place.lat, "lon": place.lon} if place else None,
            "fatalities": event_fatalities(record, event), "acled": acled or None,
            "evidence": event.evidence.text,
        },
        "article": {"url": doc.url, "title": doc.title, "outlet": doc.outlet, "published": doc.published},
    }


def deliver_alerts(con, alerts_file: str | None, webhook: str | None, client: httpx.Client | None,
                   backoff: float = 2.0) -> tuple[int, int]:
    """Append unfiled alerts to the file, POST due ones to the webhook; returns (filed, delivered).

    Each step is recorded right after it succeeds; a crash in between repeats that one alert, so a
    receiver should drop a `key` it has already seen."""
    filed = 0
    pending = state.alerts_to_file(con)
    if pending:
        if alerts_file:
            with open(alerts_file, "a", encoding="utf-8") as handle:
                for _, payload in pending:
                    handle.write(json.dumps(json.loads(payload), ensure_ascii=False) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
        state.mark_filed(con, [a for a, _ in pending])
        filed = len(pending)
    delivered = 0
    if webhook and client is not None:
        for alert in state.webhooks_due(con):
            try:
                response = client.post(webhook, content=alert["payload"],
                                       headers={"Content-Type": "application/json",
                                                "Idempotency-Key": alert["alert_key"]})
                error = None if response.is_success else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            attempts = alert["webhook_attempts"] + 1
            if error is None:
                delivered += 1
                state.webhook_result(con, alert["alert_id"], error=None, retry_in=None)
            else:
                give_up = attempts >= WEBHOOK_ATTEMPTS
                log.warning("webhook %s: alert %s: %s%s", webhook, alert["alert_id"], error,
                            "; giving up" if give_up else "")
                state.webhook_result(con, alert["alert_id"], error=error,
                                     retry_in=None if give_up else min(3600.0, backoff * 2 ** (attempts - 1)))
    return filed, delivered
