"""Story events made from the story sweep's stories (stories.py), held as columns: each story's
mentions in publication order as rows of the day's MentionTable, its window's days, and each
StoryEvent made from them as it is read (its place, actors and counts read from the table's columns).
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import chain
from typing import TYPE_CHECKING

import numpy as np

from eventwire.link.buffers import array_of
from eventwire.link.mentions import MentionRows, MentionTable, StoryMention

if TYPE_CHECKING:
    from eventwire.link.story_match import _Story

__all__ = ["StoryEvent", "StoryEvents", "Swept"]


@dataclass(frozen=True, slots=True)
class StoryEvent:
    """One real-world event and every coded mention of it. Near-duplicate copies count as articles (as
    GDELT counts reprints); their mentions carry `duplicate_of` so a reader can discount them."""

    id: str
    cameo_root: str
    plover: str | None
    date_start: str | None
    date_end: str | None
    place: str | None
    lat: float | None
    lon: float | None
    actors: tuple[str, ...]  # actor codes seen in its mentions, most frequent first
    num_articles: int  # distinct documents
    num_sources: int  # distinct outlets
    num_mentions: int
    first_seen: str | None  # earliest publication among its articles
    last_seen: str | None
    # In publication order; as linked, rows of the day's MentionTable (MentionRows, read as StoryMentions).
    mentions: Sequence[StoryMention]

    @property
    def doc_ids(self) -> tuple[str, ...]:
        if isinstance(self.mentions, MentionRows):
            return self.mentions.doc_ids()
        return tuple(dict.fromkeys(m.doc_id for m in self.mentions))


_NO_WINDOW = -1  # StoryEvents.starts / ends of a story never open to links (one unlinkable mention)
_BLOCK = 4096  # story events made together as a sequence is read (their rows' columns taken at once)


class StoryEvents(Sequence):
    """A day's story events as columns, each StoryEvent made as it is read: the mention rows of the day's
    MentionTable in story event order (`rows`, story i's are rows[bounds[i]:bounds[i + 1]]) and each
    story's window (day ordinals; _NO_WINDOW for a story of one unlinkable mention). A StoryEvent held
    per story cost ~650 bytes (with its MentionRows ~720): ~1 GB for the 1.45 million of a
    300,000-article day; these columns cost ~12 bytes a story and 4 a mention. Reading it again makes
    the events again."""

    __slots__ = ("table", "rows", "bounds", "starts", "ends", "_shared")

    def __init__(self, table: MentionTable, rows: np.ndarray, bounds: np.ndarray, starts: np.ndarray,
                 ends: np.ndarray) -> None:
        self.table, self.rows, self.bounds, self.starts, self.ends = table, rows, bounds, starts, ends
        self._shared = _Shared(table)

    def __len__(self) -> int:
        return len(self.bounds) - 1

    def __getitem__(self, index):
        if isinstance(index, slice):
            first, last, step = index.indices(len(self))
            if step != 1:
                return [self[i] for i in range(first, last, step)]
            return self._events(first, max(first, last))
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError("story event index out of range")
        return self._events(index, index + 1)[0]

    def __iter__(self) -> Iterator[StoryEvent]:
        for lo in range(0, len(self), _BLOCK):
            yield from self._events(lo, min(len(self), lo + _BLOCK))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (StoryEvents, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # compared by value, as a list is

    def __repr__(self) -> str:
        return f"StoryEvents({len(self)} story events)"

    def story_of_rows(self) -> np.ndarray:
        """The story event number of each of `rows` (int64)."""
        return np.repeat(np.arange(len(self), dtype=np.int64), np.diff(self.bounds))

    def documents(self) -> tuple[np.ndarray, np.ndarray]:
        """(story event number, document's number in the table's values) of each distinct pair, by
        story event (no StoryEvent made)."""
        docs = self.table.column("doc_id")[self.rows].astype(np.int64)
        pairs = np.unique(self.story_of_rows() * len(self.table.values) + docs)
        return pairs // len(self.table.values), pairs % len(self.table.values)

    def _events(self, first: int, last: int) -> list[StoryEvent]:
        """The story events first..last-1, their rows' columns taken at once."""
        if first >= last:
            return []
        base, end = int(self.bounds[first]), int(self.bounds[last])
        block = self.rows[base:end]
        table = self.table
        # The rows' columns, as arrays (no object per mention; values[code] reads one).
        columns = _EventColumns(*(array_of("i", table.column(name)[block]) for name in _EventColumns.__slots__[:-3]),
                                array_of("d", table.column("lat")[block]), array_of("d", table.column("lon")[block]),
                                table.values)
        bounds = (self.bounds[first:last + 1] - base).tolist()
        starts, ends = self.starts[first:last].tolist(), self.ends[first:last].tolist()
        events = []
        for i in range(last - first):
            lo, hi = bounds[i], bounds[i + 1]
            start = None if starts[i] == _NO_WINDOW else starts[i]
            events.append(_story_event(first + i, start, ends[i], lo, hi, self._shared,
                                       MentionRows(table, self.rows, base + lo, base + hi), columns))
        return events


@dataclass(frozen=True)
class Swept:
    """The story sweep's stories (stories.py) as columns: each one's size, its members (rows of the day's
    MentionTable, story after story, each story's in the order they joined), its window (day ordinals;
    _NO_WINDOW: a story of one unlinkable mention, never open to links) and its number (the place in the
    sweep's order of the mention that made it: the order stories were made in)."""

    sizes: np.ndarray  # int64
    members: np.ndarray  # int32
    starts: np.ndarray  # int32
    ends: np.ndarray  # int32
    made: np.ndarray  # int64

    @classmethod
    def of_unlinkable(cls, rows: np.ndarray, made: np.ndarray) -> Swept:
        """A story of each unlinkable mention of `rows`, made at `made`."""
        n = len(rows)
        return cls(np.ones(n, dtype=np.int64), rows.astype(np.int32), np.full(n, _NO_WINDOW, dtype=np.int32),
                   np.full(n, _NO_WINDOW, dtype=np.int32), made.astype(np.int64))

    @classmethod
    def of_stories(cls, stories: list[_Story], rows: np.ndarray) -> Swept:
        """The columns of swept stories whose members are places in `rows`; `stories` is emptied."""
        count = len(stories)
        sizes = np.fromiter((len(s.members) for s in stories), dtype=np.int64, count=count)
        members = rows[np.fromiter(chain.from_iterable(s.members for s in stories), dtype=np.int64,
                                   count=int(sizes.sum()))].astype(np.int32)
        starts = np.fromiter((s.start for s in stories), dtype=np.int32, count=count)
        ends = np.fromiter((s.end for s in stories), dtype=np.int32, count=count)
        made = np.fromiter((s.order for s in stories), dtype=np.int64, count=count)
        stories.clear()
        return cls(sizes, members, starts, ends, made)

    @classmethod
    def concatenated(cls, parts: list[Swept]) -> Swept:
        return cls(*(np.concatenate([getattr(p, name) for p in parts]) if parts else np.zeros(0, dtype=dtype)
                     for name, dtype in (("sizes", np.int64), ("members", np.int32), ("starts", np.int32),
                                         ("ends", np.int32), ("made", np.int64))))


def _story_events(table: MentionTable, swept: Swept) -> StoryEvents:
    """The story events of the sweep's stories, ordered by their first mention (publication, document,
    event; a story without publications last; ties: the story made first), each one's mentions in that
    order (ties: the order they joined)."""
    first_key = table.ranks("published", "doc_id", "event_id", blank="\uffff")
    count, size = len(swept.sizes), len(table)
    story_of = np.empty(size, dtype=np.int32)
    story_of[swept.members] = np.repeat(np.arange(count, dtype=np.int32), swept.sizes)
    joined = np.empty(size, dtype=np.int32)  # the order members joined (within a story)
    joined[swept.members] = np.arange(size, dtype=np.int32)
    first = np.full(count, np.iinfo(np.int32).max, dtype=np.int32)
    np.minimum.at(first, story_of, first_key)
    story_order = np.lexsort((swept.made, first))
    del first
    place_of_story = np.empty(count, dtype=np.int32)
    place_of_story[story_order] = np.arange(count, dtype=np.int32)
    story_of = place_of_story[story_of]
    rows = np.lexsort((joined, first_key, story_of)).astype(np.int32)
    del joined, first_key
    bounds = np.concatenate(([0], np.cumsum(np.bincount(story_of, minlength=count)))).astype(np.int64)
    return StoryEvents(table, rows, bounds, swept.starts[story_order], swept.ends[story_order])


class _Shared:
    """Values that many of a day's story events hold alike, each made once and shared: the ISO days of
    their windows, the CAMEO roots, and the actor codes of a mention (most story events have one
    mention). Made per event, each would be a new object."""

    __slots__ = ("table", "days", "roots", "mention_actors", "actors")

    def __init__(self, table: MentionTable) -> None:
        self.table = table  # its values read when needed (MentionTable.stowed lets them go a while)
        self.days: dict[int, str] = {}
        self.roots: dict[int, str] = {}  # CAMEO code's number in values -> its root
        self.mention_actors: dict[int, tuple[str, ...]] = {}  # actors' number in values -> codes, sorted
        self.actors: dict[tuple[str, ...], tuple[str, ...]] = {}

    def day(self, number: int) -> str:
        iso = self.days.get(number)
        if iso is None:
            iso = self.days[number] = date.fromordinal(number).isoformat()
        return iso

    def root(self, cameo: int) -> str:
        root = self.roots.get(cameo)
        if root is None:
            root = self.roots[cameo] = (self.table.values[cameo] or "")[:2]
        return root

    def actors_of_mention(self, actors: int) -> tuple[str, ...]:
        codes = self.mention_actors.get(actors)
        if codes is None:
            codes = self.mention_actors[actors] = self.one(tuple(sorted(set(self.table.values[actors]))))
        return codes

    def one(self, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The tuple equal to `codes` that story events already hold, else `codes`."""
        return self.actors.setdefault(codes, codes)


@dataclass(frozen=True, slots=True)
class _EventColumns:
    """The columns _story_event reads, of the rows in story event order: numbers into `values`, and the
    places' coordinates (NaN: none)."""

    published: array
    actors: array
    place: array
    cameo: array
    plover: array
    date_start: array
    date_end: array
    doc_id: array
    outlet: array
    lat: array
    lon: array
    values: list


def _story_event(index: int, start: int | None, end: int, lo: int, hi: int, shared: _Shared, mentions: MentionRows,
                 columns: _EventColumns) -> StoryEvent:
    """The story event whose mentions are the rows lo:hi of `columns` and whose window is start..end (day
    ordinals; start None: never open to links)."""
    v, lat, lon, place = columns.values, columns.lat, columns.lon, columns.place
    if hi - lo == 1 and start is not None:  # most story events: one linkable mention
        return _single_event(index, start, end, lo, shared, mentions, columns)
    counts: dict[str, int] = {}
    for k in range(lo, hi):
        for code in v[columns.actors[k]]:
            counts[code] = counts.get(code, 0) + 1
    # The story's place: the most specific one its mentions name most often (placed: lat and lon known).
    located = [k for k in range(lo, hi) if lat[k] == lat[k] and lon[k] == lon[k]]
    where = None
    if located:
        names: dict[str, int] = {}
        for k in located:
            name = v[place[k]]
            names[name] = names.get(name, 0) + 1
        top = max(names, key=lambda n: (names[n], n))
        where = next(k for k in located if v[place[k]] == top)
    seen = [p for p in map(v.__getitem__, columns.published[lo:hi]) if p]
    # The days every mention allows (the sweep's intersection); a story that was never open to links
    # (one unlinkable mention) keeps that mention's own window.
    if start is not None:
        start, end = shared.day(start), shared.day(end)
    else:
        start, end = v[columns.date_start[lo]], v[columns.date_end[lo]]
    return StoryEvent(
        id=f"story-{index + 1}",
        cameo_root=shared.root(columns.cameo[lo]),
        plover=v[columns.plover[lo]],
        date_start=start, date_end=end,
        place=v[place[where]] if where is not None else None,
        lat=lat[where] if where is not None else None, lon=lon[where] if where is not None else None,
        actors=shared.one(tuple(sorted(counts, key=lambda c: (-counts[c], c)))),
        num_articles=len(set(columns.doc_id[lo:hi])),
        num_sources=len(set(columns.outlet[lo:hi])),
        num_mentions=hi - lo,
        first_seen=min(seen) if seen else None,
        last_seen=max(seen) if seen else None,
        mentions=mentions)


def _single_event(index: int, start: int, end: int, k: int, shared: _Shared, mentions: MentionRows,
                  columns: _EventColumns) -> StoryEvent:
    """_story_event of a story of the one linkable mention of row k."""
    v, lat, lon = columns.values, columns.lat, columns.lon
    placed = lat[k] == lat[k] and lon[k] == lon[k]
    published = v[columns.published[k]] or None
    return StoryEvent(
        id=f"story-{index + 1}", cameo_root=shared.root(columns.cameo[k]), plover=v[columns.plover[k]],
        date_start=shared.day(start), date_end=shared.day(end), place=v[columns.place[k]] if placed else None,
        lat=lat[k] if placed else None, lon=lon[k] if placed else None, actors=shared.actors_of_mention(columns.actors[k]),
        num_articles=1, num_sources=1, num_mentions=1, first_seen=published, last_seen=published,
        mentions=mentions)
