"""What story linking reads of one coded event (an Event of an ArticleRecord): its window of days,
its place, its participants' codes, countries and names, and whether it may be linked at all (an event
too vaguely dated, negated, conditional or intended is not). stories.py groups these mentions into
story events; features.py stores them.
"""
from __future__ import annotations

import math
import os
import pickle
import re
import tempfile
from array import array
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlparse

import numpy as np

from eventwire.record import ArticleRecord, Evidence, Event, Place

__all__ = ["LinkSettings", "StoryMention", "MentionTable", "MentionRows", "event_mentions", "event_window",
           "outlet_of"]

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


# The coded columns of a MentionTable: each row holds a number into the table's `values` (0: None).
_CODED = ("doc_id", "event_id", "outlet", "published", "cameo", "plover", "date_start", "date_end", "place",
          "actors", "root", "place_kind", "place_country", "codes", "countries", "sector_countries", "names",
          "duplicate_of")
_NO_DAY = 0  # a window's start or end ordinal when the mention has no window (date.min is ordinal 1)


class MentionTable:
    """A day's event mentions as columns, a row per mention: strings, sets and actor lists as numbers
    into one table of distinct values (`values`; the codes, countries and names of a day repeat), a
    window as two day ordinals, a place as two floats (NaN: none). A _Mention with its StoryMention is
    two objects of ~300 bytes in all; a row is ~90 bytes of arrays, so a day's mentions can be held
    (300,000 articles: ~3.8 million mentions) and the sweep (stories.py) refers to them by row number.
    Rows are added (`add`, `extend`) and then read: the first read makes the columns numpy arrays (views
    of the buffers the rows went into) and no row can be added after. The evidence of a mention is kept
    only when it has one (mentions made from records; those read back from stored features have none)."""

    def __init__(self) -> None:
        self.values: list = [None]
        self._code_of: dict | None = {None: 0}  # None: let go (forget_codes), made again when asked
        self._building: dict[str, array] | None = {name: array("i") for name in _CODED}
        self._coded_columns = tuple(self._building.values())  # in _CODED order
        self._code_of_list: dict[tuple, int] = {}
        self._ordinals: dict[str, int] = {}
        self._days = {name: array("i") for name in ("start", "end")}
        self._places = {name: array("d") for name in ("lat", "lon")}
        self._flags = {name: bytearray() for name in ("date_weak", "linkable")}
        self._columns: dict[str, np.ndarray] = {}
        self._strings: tuple[int, object] | None = None
        self._objects: np.ndarray | None = None
        self.evidence: dict[int, Evidence] = {}
        self.size = 0

    def __len__(self) -> int:
        return self.size

    def code(self, value) -> int:
        """The number of `value` in `values` (added when new)."""
        code_of = self._codes()
        found = code_of.get(value)
        if found is None:
            found = code_of[value] = len(self.values)
            self.values.append(value)
        return found

    def known_code(self, value) -> int | None:
        """The number of `value` in `values`, None when it is not there."""
        return self._codes().get(value)

    def _codes(self) -> dict:
        if self._code_of is None:
            self._code_of = {value: code for code, value in enumerate(self.values)}
        return self._code_of

    def forget_codes(self) -> None:
        """Let go of the index from values to their numbers until `code` or `known_code` is asked again
        (it is made again then): a day's distinct values (1.7 million at 300,000 articles) cost ~130
        MB of dict and int objects, and the story sweep reads values by number alone."""
        self._code_of = None

    def add(self, m: _Mention) -> int:
        """Add a mention as a row; returns its row number."""
        sm, code = m.mention, self.code
        return self._append(
            (code(sm.doc_id), code(sm.event_id), code(sm.outlet), code(sm.published), code(sm.cameo),
             code(sm.plover), code(sm.date_start), code(sm.date_end), code(sm.place), code(sm.actors), code(m.root),
             code(m.place_kind), code(m.place_country), code(m.codes), code(m.countries), code(m.sector_countries),
             code(m.names), code(sm.duplicate_of)),
            m.window[0].toordinal() if m.window else _NO_DAY, m.window[1].toordinal() if m.window else _NO_DAY,
            sm.lat, sm.lon, sm.date_weak, m.linkable, sm.evidence)

    def add_listed(self, doc_id: str, event_id: str, outlet: str, published: str | None, cameo: str,
                   plover: str | None, date_start: str | None, date_end: str | None, date_weak: bool,
                   place: str | None, lat: float | None, lon: float | None, duplicate_of: str | None,
                   actors: list[str], root: str, window: list[str] | None, place_kind: str | None,
                   place_country: str | None, codes: list[str], countries: list[str],
                   sector_countries: list[str], names: list[str], linkable: bool) -> int:
        """Add a mention given field by field as features.py stores it (its sets as sorted lists, its
        window as two ISO days), without making its objects; returns its row number."""
        code, listed = self.code, self._listed
        if window:
            start, end = self._ordinal(window[0]), self._ordinal(window[1])
        else:
            start = end = _NO_DAY
        return self._append(
            (code(doc_id), code(event_id), code(outlet), code(published), code(cameo), code(plover),
             code(date_start), code(date_end), code(place), listed(actors, False), code(root), code(place_kind),
             code(place_country), listed(codes, True), listed(countries, True), listed(sector_countries, True),
             listed(names, True), code(duplicate_of)),
            start, end, lat, lon, date_weak, linkable, None)

    def _listed(self, items: list[str], as_set: bool) -> int:
        """The number of a list's values as a frozenset (`as_set`) or a tuple."""
        key = (as_set, *items)
        found = self._code_of_list.get(key)
        if found is None:
            found = self._code_of_list[key] = self.code(frozenset(items) if as_set else tuple(items))
        return found

    def _ordinal(self, day: str) -> int:
        found = self._ordinals.get(day)
        if found is None:
            found = self._ordinals[day] = date.fromisoformat(day).toordinal()
        return found

    def _append(self, coded: tuple, start: int, end: int, lat: float | None, lon: float | None, date_weak: bool,
                linkable: bool, evidence: Evidence | None) -> int:
        if self._building is None:
            raise ValueError("rows cannot be added to a mention table once it has been read")
        for column, value in zip(self._coded_columns, coded):
            column.append(value)
        self._days["start"].append(start)
        self._days["end"].append(end)
        self._places["lat"].append(math.nan if lat is None else lat)
        self._places["lon"].append(math.nan if lon is None else lon)
        self._flags["date_weak"].append(date_weak)
        self._flags["linkable"].append(linkable)
        if evidence is not None:
            self.evidence[self.size] = evidence
        self.size += 1
        return self.size - 1

    def extend(self, mentions: Iterable[_Mention]) -> None:
        for m in mentions:
            self.add(m)

    def column(self, name: str) -> np.ndarray:
        """A column as a numpy array: a coded one (int32 numbers into `values`), "start" / "end" (int32 day
        ordinals, 0 for none), "lat" / "lon" (float64, NaN for none), "date_weak" / "linkable" (bool)."""
        if self._building is not None:
            for group, dtype in ((self._building, np.int32), (self._days, np.int32),
                                 (self._places, np.float64), (self._flags, np.bool_)):
                # Views of the buffers the rows were added to, not copies: a copy of a day's columns
                # (~370 MB at 300,000 articles) came on top of them, and their freed buffers stayed
                # with the process. The buffers are never grown again (no row can be added).
                for key, values in group.items():
                    column = np.frombuffer(values, dtype=np.uint8 if dtype is np.bool_ else dtype)
                    self._columns[key] = column.view(np.bool_) if dtype is np.bool_ else column
                group.clear()
            self._building = None
            self._coded_columns, self._code_of_list, self._ordinals = (), {}, {}
        return self._columns[name]

    @contextmanager
    def stowed(self, columns: Collection[str] | None = None) -> Iterator[None]:
        """Within the block the table's columns, values and evidence are held in a temporary directory,
        not in memory (a 300,000-article day's: ~800 MB, while article links, which do not read them,
        hold their word vectors), and read back when it ends; the table must not be read meanwhile.
        With `columns`, those columns alone (the story sweep reads neither the documents' nor the
        written columns: ~150 MB at 300,000); the rest of the table may be read meanwhile."""
        self.column("doc_id")  # the columns made, if they were not yet
        whole = columns is None
        names = list(self._columns) if whole else list(columns)
        with tempfile.TemporaryDirectory(prefix="eventwire-mentions-") as directory:
            path = os.path.join(directory, "columns.npz")
            np.savez(path, **{name: self._columns.pop(name) for name in names})
            if whole:
                with open(os.path.join(directory, "values.pickle"), "wb") as handle:
                    pickle.dump((self.values, self.evidence), handle, protocol=pickle.HIGHEST_PROTOCOL)
                self.values, self._code_of, self.evidence = [], None, {}
                self._strings = self._objects = None
            try:
                yield
            finally:
                with np.load(path) as stored:
                    self._columns.update({name: stored[name] for name in stored.files})
                if whole:
                    with open(os.path.join(directory, "values.pickle"), "rb") as handle:
                        self.values, self.evidence = pickle.load(handle)
                    self._code_of = None  # made again from the values when asked

    def decoded(self, name: str, rows: np.ndarray | None = None) -> list:
        """A coded column's values (each distinct value one shared object), of `rows` or of every row."""
        codes = self.column(name) if rows is None else self.column(name)[rows]
        return self._value_array()[codes].tolist()

    def _value_array(self) -> np.ndarray:
        """`values` as a numpy object array (made again when values were added since)."""
        if self._objects is None or len(self._objects) != len(self.values):
            objects = np.empty(len(self.values), dtype=object)
            for i, value in enumerate(self.values):  # one by one: a tuple would be read as a row of values
                objects[i] = value
            self._objects = objects
        return self._objects

    def mark_duplicates(self, duplicate_of: Mapping[str, str]) -> None:
        """Mark the mentions of each copy in `duplicate_of` (doc id -> original doc id) with its original."""
        code_of = self._codes()
        originals = {code_of[copy]: self.code(original) for copy, original in duplicate_of.items()
                     if copy in code_of}
        if not originals:
            return
        docs, marked = self.column("doc_id"), self.column("duplicate_of")
        for row in np.flatnonzero(np.isin(docs, np.fromiter(originals, dtype=np.int32))).tolist():
            marked[row] = originals[int(docs[row])]

    def mention(self, row: int) -> StoryMention:
        """The StoryMention of a row."""
        v, col = self.values, self.column
        lat, lon = float(col("lat")[row]), float(col("lon")[row])
        return StoryMention(
            doc_id=v[col("doc_id")[row]], event_id=v[col("event_id")[row]], outlet=v[col("outlet")[row]],
            published=v[col("published")[row]], cameo=v[col("cameo")[row]], plover=v[col("plover")[row]],
            date_start=v[col("date_start")[row]], date_end=v[col("date_end")[row]],
            date_weak=bool(col("date_weak")[row]), place=v[col("place")[row]],
            lat=None if lat != lat else lat, lon=None if lon != lon else lon, actors=v[col("actors")[row]],
            evidence=self.evidence.get(row), duplicate_of=v[col("duplicate_of")[row]])

    def ranks(self, *names: str, blank: str = "") -> np.ndarray:
        """Each row's rank in the order of the string columns `names` (the first the most significant;
        the first's None or empty value read as `blank`, as `published or blank` reads it), as Python
        compares those tuples: equal tuples are ranked alike."""
        keys = []
        for i, name in enumerate(names):
            codes = self.column(name)
            distinct = np.unique(codes)
            texts = [self.values[c] for c in distinct.tolist()]
            if i == 0:
                texts = [t or blank for t in texts]
            position = {text: k for k, text in enumerate(sorted(set(texts)))}
            keys.append(np.array([position[t] for t in texts], dtype=np.int32)[np.searchsorted(distinct, codes)])
        if not keys or not self.size:
            return np.zeros(self.size, dtype=np.int32)
        order = np.lexsort(keys[::-1])
        changed = np.zeros(self.size - 1, dtype=bool)
        for key in keys:
            changed |= np.diff(key[order]) != 0
        out = np.empty(self.size, dtype=np.int32)
        out[order] = np.concatenate(([0], np.cumsum(changed, dtype=np.int32)))
        return out

    def arrow_columns(self, rows: np.ndarray) -> dict:
        """The `story_mentions` columns of `rows` from doc_id to duplicate_of (store/schema.py), as
        Arrow arrays taken from the columns (no Python object per row)."""
        import pyarrow as pa

        if self._strings is None or self._strings[0] != len(self.values):
            self._strings = (len(self.values),
                             pa.array([v if isinstance(v, str) else None for v in self.values], pa.string()))
        strings = self._strings[1]
        taken = {name: strings.take(pa.array(self.column(name)[rows])) for name in
                 ("doc_id", "event_id", "outlet", "published", "date_start", "date_end", "duplicate_of")}
        return {"doc_id": taken["doc_id"], "event_id": taken["event_id"], "outlet": taken["outlet"],
                "published": taken["published"], "date_start": taken["date_start"],
                "date_end": taken["date_end"], "date_weak": pa.array(self.column("date_weak")[rows]),
                "duplicate_of": taken["duplicate_of"]}


class MentionRows(Sequence):
    """A story event's mentions: rows `rows[lo:hi]` of a MentionTable, read as StoryMentions (made as
    they are read: a day's story events hold numbers, not a StoryMention per mention)."""

    __slots__ = ("table", "rows", "lo", "hi")

    def __init__(self, table: MentionTable, rows: np.ndarray, lo: int, hi: int) -> None:
        self.table, self.rows, self.lo, self.hi = table, rows, lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def row_numbers(self) -> np.ndarray:
        return self.rows[self.lo:self.hi]

    def __getitem__(self, index):
        if isinstance(index, slice):
            return tuple(self)[index]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("story mention index out of range")
        return self.table.mention(int(self.rows[self.lo + index]))

    def __iter__(self) -> Iterator[StoryMention]:
        mention = self.table.mention
        for row in self.row_numbers().tolist():
            yield mention(row)

    def doc_ids(self) -> tuple[str, ...]:
        """The distinct documents, in mention order."""
        return tuple(dict.fromkeys(self.table.decoded("doc_id", self.row_numbers())))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (MentionRows, tuple, list)):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(tuple(self))

    def __repr__(self) -> str:
        return f"MentionRows({tuple(self)!r})"
