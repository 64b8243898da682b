"""What story linking reads of one coded event (an Event of an ArticleRecord): its window of days,
its place, its participants' codes, countries and names, and whether it may be linked at all (an event
too vaguely dated, negated, conditional or intended is not). stories.py groups these mentions into
story events; features.py stores them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

from eventwire.record import ArticleRecord, Evidence, Event, Place

__all__ = ["LinkSettings", "StoryMention", "event_mentions", "event_window", "outlet_of"]

_NOT_HAPPENED = {"negated", "conditional", "intended"}
# A country alone ("SYR": the state, or a town taken as its country) or its civilians ("SYRCVL") is a
# participant of nearly every war report from that country: sharing it vouches for nothing.
_COMMON_SECTORS = {"CVL"}


@dataclass(frozen=True)
class LinkSettings:
    max_km: float = 75.0
    # Two places this close vouch for a link by themselves (the same town or its suburbs); places up to
    # `max_km` apart only fail to contradict it (Aleppo and Idlib are 60 km apart).
    corroborate_km: float = 30.0
    assumed_days: int = 1  # an undated event happened up to this many days before publication
    day_tolerance: int = 1  # a stated day also matches the day before and after (time zones, "overnight")
    max_window_days: int = 10
    # When a shared actor code (or actor country with place country) vouches for a link: "always",
    # "stated" (only between events with stated dates: with publication-day windows, the codes of a
    # long war, SYRGOV or SYRMIL, appear in every day's news) or "never".
    codes_corroborate: str = "stated"
    # The stories a mention is compared with per corroboration key: when more open stories of one event
    # type share a key (a city's grid cell on a day of 300,000 articles), the `max_key_stories` / 2 with
    # the most members stay findable under it and the smaller ones leave that key's list (they stay
    # findable under their other keys). Bounds the comparisons per mention; a collection of a few
    # thousand events never reaches it.
    max_key_stories: int = 64


@dataclass(frozen=True, slots=True)  # a day's mentions are held at once: no __dict__ each
class StoryMention:
    """One coded event of one article, with what it was linked on."""

    doc_id: str
    event_id: str
    outlet: str
    published: str | None
    cameo: str
    plover: str | None
    date_start: str | None  # the window it was compared on (ISO days)
    date_end: str | None
    date_weak: bool  # the window comes from the publication date only
    place: str | None  # place name
    lat: float | None
    lon: float | None
    actors: tuple[str, ...]  # actor codes of source and target
    # The event's sentence; None in mentions read back from stored features to be compared (features.py
    # keeps it apart; link/database.py joins it in when it writes story_mentions).
    evidence: Evidence | None
    duplicate_of: str | None = None  # the original article when this one is a near-duplicate

def outlet_of(record: ArticleRecord) -> str:
    """The outlet's name (normalised), else the URL's host, else the document itself: an article of
    unknown origin counts as its own source rather than merging with other unknowns."""
    doc = record.document
    if doc.outlet and doc.outlet.strip():
        return " ".join(doc.outlet.lower().split())
    if doc.url:
        host = urlparse(doc.url).hostname or ""
        if host:
            return host.removeprefix("www.")
    return f"unknown:{doc.id}"


_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_WEEK = re.compile(r"^(\d{4})-W(\d{2})")


def _day_span(value: str | None) -> tuple[date, date] | None:
    """The days a TIMEX-like value covers (a day, an ISO week, a month, a year)."""
    if not value:
        return None
    try:
        if m := _DAY.match(value):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, d
        if m := _WEEK.match(value):
            start = date.fromisocalendar(int(m[1]), int(m[2]), 1)
            return start, start + timedelta(days=6)
        if m := _MONTH.match(value):
            start = date(int(m[1]), int(m[2]), 1)
            nxt = date(start.year + (start.month == 12), start.month % 12 + 1, 1)
            return start, nxt - timedelta(days=1)
        if m := _YEAR.match(value):
            return date(int(m[1]), 1, 1), date(int(m[1]), 12, 31)
    except ValueError:
        return None
    return None


def _published_day(published: str | None) -> date | None:
    span = _day_span(published)
    return span[0] if span and span[0] == span[1] else None


def event_window(event: Event, published: str | None, settings: LinkSettings) -> tuple[date, date, bool] | None:
    """(start, end, weak) of the days the event may have happened on, or None when unknown."""
    info = event.date or {}
    anchor = info.get("anchor") or ""
    pub = _published_day(published)
    if anchor == "assumed-published" or not (info.get("value") or info.get("start")):
        if pub is None:
            return None
        return pub - timedelta(days=settings.assumed_days), pub, True
    start = _day_span(info.get("start")) if info.get("start") else None
    end = _day_span(info.get("end")) if info.get("end") else None
    if start and end:
        span = (start[0], end[1])
    else:
        span = _day_span(info.get("value"))
        if span is None:
            span = start or end
    if span is None:
        return None
    tol = timedelta(days=settings.day_tolerance)
    return span[0] - tol, span[1] + tol, False


@dataclass(slots=True)
class _Mention:
    mention: StoryMention
    root: str
    window: tuple[date, date] | None
    place_kind: str | None
    place_country: str | None
    codes: frozenset[str]  # actor codes that name a country (e.g. SYRMIL), the corroborating kind
    countries: frozenset[str]
    sector_countries: frozenset[str]  # countries of participants with a sector (not a bare state or town)
    names: frozenset[str]  # named people and organisations: wikidata id or lower-cased name
    linkable: bool


    def signature(self) -> tuple:
        """Everything _contradicts and _support read of the mention."""
        m = self.mention
        return (self.root, m.plover, self.place_kind, self.place_country, m.lat, m.lon, m.date_weak,
                self.codes, self.countries, self.sector_countries, self.names)


def _mentions(record: ArticleRecord, duplicate: str | None, settings: LinkSettings) -> Iterable[_Mention]:
    doc = record.document
    actors = {a.id: a for a in record.actors}
    places: Mapping[str, Place] = {p.id: p for p in record.places}
    outlet = outlet_of(record)
    for event in record.events:
        window = event_window(event, doc.published, settings)
        participants = [actors[i] for i in (*event.source, *event.target) if i in actors and not actors[i].media_only]
        codes = tuple(dict.fromkeys(a.code for a in participants if a.code))
        place = places.get(event.place) if event.place else None
        weak = bool(window and window[2])
        mention = StoryMention(
            doc_id=doc.id, event_id=event.id, outlet=outlet, published=doc.published, cameo=event.cameo,
            plover=event.plover, date_start=window[0].isoformat() if window else None,
            date_end=window[1].isoformat() if window else None, date_weak=weak,
            place=place.name if place else None, lat=place.lat if place else None,
            lon=place.lon if place else None, actors=codes, evidence=event.evidence, duplicate_of=duplicate)
        too_vague = window is not None and (window[1] - window[0]).days > settings.max_window_days
        linkable = window is not None and not too_vague and not (_NOT_HAPPENED & set(event.modality))
        yield _Mention(
            mention=mention, root=(event.cameo or "")[:2],
            window=(window[0], window[1]) if window else None,
            place_kind=place.kind if place else None, place_country=place.country if place else None,
            codes=frozenset(a.code for a in participants if a.code and a.country and a.sector
                            and a.sector not in _COMMON_SECTORS),
            countries=frozenset(a.country for a in participants if a.country),
            sector_countries=frozenset(a.country for a in participants
                                       if a.country and a.sector and a.sector not in _COMMON_SECTORS),
            # Only named people and organisations: a "group" is a common noun ("civilians", "rebels").
            names=frozenset((a.wikidata or " ".join(a.name.lower().split())) for a in participants
                            if a.kind in ("person", "organisation") and a.name),
            linkable=linkable)


def event_mentions(record: ArticleRecord, settings: LinkSettings | None = None) -> list[_Mention]:
    """What story linking keeps of one article's events (for linking a stream of records: the record
    itself need not be kept)."""
    return list(_mentions(record, None, settings or LinkSettings()))
